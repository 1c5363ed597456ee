#include <boost/test/unit_test.hpp>

#include <random>

#include "protocol/wire/frame_parser.hpp"
#include "protocol/wire/wire.hpp"

using namespace actorrent;
using namespace actorrent::wire;

namespace {

// A realistic stream: handshake, bitfield, unchoke, keep-alive, some blocks.
std::string sample_stream(std::vector<std::string>& frames) {
  std::string s = encode_handshake(handshake{});
  auto add = [&](std::string f) {
    frames.push_back(f.substr(4));
    s += f;
  };
  std::string f;
  append_bitfield(f, std::string(13, '\xff'));
  add(std::exchange(f, {}));
  append_unchoke(f);
  add(std::exchange(f, {}));
  append_keep_alive(f);
  add(std::exchange(f, {}));
  for (std::uint32_t i = 0; i < 5; ++i) {
    append_piece(f, i, 0, std::string(16384, static_cast<char>('a' + i)));
    add(std::exchange(f, {}));
    append_have(f, i);
    add(std::exchange(f, {}));
  }
  return s;
}

enum class api { feed_next, consume };

// Feeds the stream in the given chunk sizes and collects what comes out,
// through feed()/next() or through consume() (each chunk in its own buffer,
// gone after the call, as a socket read's is).
std::vector<std::string> parse_in_chunks(const std::string& stream, const std::vector<std::size_t>& cuts,
                                         bool& saw_handshake, api how = api::feed_next) {
  frame_parser p;
  std::vector<std::string> out;
  auto take = [&](const frame_parser::item& item) {
    if (item.is_handshake)
      saw_handshake = true;
    else
      out.emplace_back(item.bytes);
    return true;
  };
  std::size_t at = 0;
  for (std::size_t i = 0; at < stream.size(); ++i) {
    const std::size_t n = std::min(cuts[i % cuts.size()], stream.size() - at);
    if (how == api::consume) {
      const std::string chunk = stream.substr(at, n);
      p.consume(chunk, take);
    } else {
      p.feed(std::string_view(stream).substr(at, n));
      while (auto item = p.next()) take(*item);
    }
    at += n;
    BOOST_REQUIRE(!p.failed());
  }
  BOOST_TEST(p.buffered() == 0u);
  return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(frame_parser_suite)

BOOST_AUTO_TEST_CASE(whole_stream_at_once) {
  std::vector<std::string> frames;
  const std::string s = sample_stream(frames);
  bool hs = false;
  BOOST_TEST(parse_in_chunks(s, {s.size()}, hs) == frames);
  BOOST_TEST(hs);
  hs = false;
  BOOST_TEST(parse_in_chunks(s, {s.size()}, hs, api::consume) == frames);
  BOOST_TEST(hs);
}

BOOST_AUTO_TEST_CASE(input_cut_at_every_byte) {
  std::vector<std::string> frames;
  const std::string s = sample_stream(frames);
  bool hs = false;
  BOOST_TEST(parse_in_chunks(s, {1}, hs) == frames);
  BOOST_TEST(hs);
  hs = false;
  BOOST_TEST(parse_in_chunks(s, {1}, hs, api::consume) == frames);
  BOOST_TEST(hs);
}

BOOST_AUTO_TEST_CASE(input_cut_at_every_position_once) {
  // Two chunks, split at each possible byte over the first frames.
  std::vector<std::string> frames;
  const std::string s = sample_stream(frames);
  for (std::size_t cut = 1; cut < 200; ++cut) {
    bool hs = false;
    BOOST_TEST(parse_in_chunks(s, {cut, s.size()}, hs) == frames);
    BOOST_TEST(parse_in_chunks(s, {cut, s.size()}, hs, api::consume) == frames);
  }
}

BOOST_AUTO_TEST_CASE(random_chunk_sizes) {
  std::vector<std::string> frames;
  const std::string s = sample_stream(frames);
  std::mt19937 rng(42);
  for (int round = 0; round < 20; ++round) {
    std::vector<std::size_t> cuts;
    for (int i = 0; i < 50; ++i) cuts.push_back(std::uniform_int_distribution<std::size_t>(1, 40000)(rng));
    bool hs = false;
    BOOST_TEST(parse_in_chunks(s, cuts, hs) == frames);
    BOOST_TEST(parse_in_chunks(s, cuts, hs, api::consume) == frames);
  }
}

BOOST_AUTO_TEST_CASE(consume_stops_when_asked_and_refuses_huge_frames) {
  std::vector<std::string> frames;
  const std::string s = sample_stream(frames);
  frame_parser p;
  int seen = 0;
  p.consume(s, [&](const frame_parser::item&) { return ++seen < 3; });
  BOOST_TEST(seen == 3); // the handshake and two frames, then it stopped

  frame_parser q(frame_parser::start::with_frames, 1000);
  std::string f;
  append_have(f, 1);
  f += std::string("\x00\x00\x10\x00", 4); // a 4096-byte frame, over the limit
  int items = 0;
  q.consume(f.substr(0, 6), [&](const frame_parser::item&) { return ++items, true; });
  q.consume(f.substr(6), [&](const frame_parser::item&) { return ++items, true; });
  BOOST_TEST(items == 1);
  BOOST_TEST(q.failed());
  BOOST_TEST(q.buffered() == 0u);
}

BOOST_AUTO_TEST_CASE(frames_only_mode) {
  frame_parser p(frame_parser::start::with_frames);
  std::string f;
  append_have(f, 3);
  p.feed(f);
  auto item = p.next();
  BOOST_REQUIRE(item.has_value());
  BOOST_TEST(!item->is_handshake);
  BOOST_TEST(std::get<have>(*decode_message(item->bytes).msg).piece == 3u);
}

BOOST_AUTO_TEST_CASE(oversized_frame_is_an_error) {
  frame_parser p(frame_parser::start::with_frames);
  p.feed(std::string("\xff\xff\xff\xff", 4));
  BOOST_TEST(!p.next().has_value());
  BOOST_TEST(p.failed());
  BOOST_TEST(p.error() == "frame of 4294967295 bytes exceeds the limit of 1048576");
  // Stays failed: more input is ignored, nothing is buffered without bound.
  p.feed(std::string(100000, 'x'));
  BOOST_TEST(!p.next().has_value());
  BOOST_TEST(p.buffered() == 0u);
}

BOOST_AUTO_TEST_CASE(configured_limit) {
  frame_parser p(frame_parser::start::with_frames, 100);
  std::string ok(4, '\0');
  ok[3] = 100;
  p.feed(ok + std::string(100, 'x'));
  BOOST_TEST(p.next().has_value());
  std::string too_big(4, '\0');
  too_big[3] = 101;
  p.feed(too_big);
  BOOST_TEST(!p.next().has_value());
  BOOST_TEST(p.failed());
}

BOOST_AUTO_TEST_CASE(bad_handshake_fails_on_first_byte) {
  frame_parser p;
  p.feed("G");
  BOOST_TEST(!p.next().has_value());
  BOOST_TEST(p.failed());
  BOOST_TEST(p.error() == "not a BitTorrent handshake");
}

BOOST_AUTO_TEST_CASE(partial_frame_waits) {
  frame_parser p(frame_parser::start::with_frames);
  std::string f;
  append_piece(f, 0, 0, std::string(100, 'z'));
  p.feed(std::string_view(f).substr(0, 50));
  BOOST_TEST(!p.next().has_value());
  BOOST_TEST(!p.failed());
  BOOST_TEST(p.buffered() == 50u);
  p.feed(std::string_view(f).substr(50));
  BOOST_TEST(p.next().has_value());
}

BOOST_AUTO_TEST_SUITE_END()
