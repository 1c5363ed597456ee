#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "protocol/wire/wire.hpp"

using namespace actorrent;
using namespace actorrent::wire;
namespace data = boost::unit_test::data;

namespace {
std::string frame(std::initializer_list<int> bytes) {
  std::string s;
  for (int b : bytes) s.push_back(static_cast<char>(b));
  return s;
}
struct encoded_case {
  std::string name;
  std::string bytes; // a whole frame, length prefix included
};
std::ostream& operator<<(std::ostream& os, const encoded_case& c) { return os << c.name; }
struct bad_payload {
  std::string name;
  std::string payload;
  std::string error;
};
std::ostream& operator<<(std::ostream& os, const bad_payload& c) { return os << c.name; }
} // namespace

BOOST_AUTO_TEST_SUITE(wire_codec)

BOOST_AUTO_TEST_CASE(handshake_round_trip_keeps_reserved_bits) {
  handshake h;
  h.reserved = {0, 0, 0, 0, 0, 0x10, 0, 0x05};
  h.info_hash = sha1("info");
  h.id = make_peer_id(7);
  const std::string bytes = encode_handshake(h);
  BOOST_TEST(bytes.size() == handshake_size);
  BOOST_TEST(bytes.substr(0, 20) == "\x13" "BitTorrent protocol");
  const auto back = parse_handshake(bytes);
  BOOST_REQUIRE(back.has_value());
  BOOST_TEST(back->reserved == h.reserved);
  BOOST_TEST(back->info_hash == h.info_hash);
  BOOST_TEST(back->id == h.id);
  BOOST_TEST(back->supports_extensions());
  BOOST_TEST(back->supports_fast());
  BOOST_TEST(back->supports_dht());
}

BOOST_AUTO_TEST_CASE(handshake_rejects) {
  std::string good = encode_handshake(handshake{});
  BOOST_TEST(!parse_handshake(good.substr(0, 67)).has_value());
  BOOST_TEST(!parse_handshake(good + "x").has_value());
  std::string wrong_len = good;
  wrong_len[0] = 18;
  BOOST_TEST(!parse_handshake(wrong_len).has_value());
  std::string wrong_name = good;
  wrong_name[1] = 'b';
  BOOST_TEST(!parse_handshake(wrong_name).has_value());
}

// Every BEP 3 message, as its exact bytes on the wire.
const encoded_case encoded[] = {
    {"keep-alive", frame({0, 0, 0, 0})},
    {"choke", frame({0, 0, 0, 1, 0})},
    {"unchoke", frame({0, 0, 0, 1, 1})},
    {"interested", frame({0, 0, 0, 1, 2})},
    {"not interested", frame({0, 0, 0, 1, 3})},
    {"have", frame({0, 0, 0, 5, 4, 0, 0, 1, 2})},
    {"bitfield", frame({0, 0, 0, 3, 5, 0xff, 0x80})},
    {"request", frame({0, 0, 0, 13, 6, 0, 0, 0, 1, 0, 0, 0x40, 0, 0, 0, 0x40, 0})},
    {"piece", frame({0, 0, 0, 12, 7, 0, 0, 0, 2, 0, 0, 0, 0, 'a', 'b', 'c'})},
    {"cancel", frame({0, 0, 0, 13, 8, 0, 0, 0, 1, 0, 0, 0x40, 0, 0, 0, 0x40, 0})},
    {"port", frame({0, 0, 0, 3, 9, 0x1a, 0xe1})},
    {"suggest", frame({0, 0, 0, 5, 13, 0, 0, 1, 2})},
    {"have all", frame({0, 0, 0, 1, 14})},
    {"have none", frame({0, 0, 0, 1, 15})},
    {"reject", frame({0, 0, 0, 13, 16, 0, 0, 0, 1, 0, 0, 0x40, 0, 0, 0, 0x40, 0})},
    {"allowed fast", frame({0, 0, 0, 5, 17, 0, 0, 0, 7})},
    {"extended", frame({0, 0, 0, 3, 20, 0, 'd'})},
    {"unknown id 21", frame({0, 0, 0, 3, 21, 0, 'd'})},
};

BOOST_DATA_TEST_CASE(decode_then_encode_gives_the_same_bytes, data::make(encoded), c) {
  const auto r = decode_message(std::string_view(c.bytes).substr(4));
  BOOST_REQUIRE_MESSAGE(r.msg.has_value(), r.error);
  std::string out;
  append_message(out, *r.msg);
  BOOST_TEST(out == c.bytes);
}

BOOST_AUTO_TEST_CASE(encoders_produce_the_documented_frames) {
  std::string out;
  append_keep_alive(out);
  append_choke(out);
  append_unchoke(out);
  append_interested(out);
  append_not_interested(out);
  append_have(out, 258);
  append_bitfield(out, "\xff\x80");
  append_request(out, 1, 16384, 16384);
  append_piece(out, 2, 0, "abc");
  append_cancel(out, 1, 16384, 16384);
  append_port(out, 6881);
  append_suggest(out, 258);
  append_have_all(out);
  append_have_none(out);
  append_reject(out, 1, 16384, 16384);
  append_allowed_fast(out, 7);
  append_extended(out, 0, "d");
  std::string expected;
  for (const auto& c : encoded)
    if (c.name != "unknown id 21") expected += c.bytes;
  BOOST_TEST(out == expected);
}

BOOST_AUTO_TEST_CASE(decoded_fields) {
  auto req = std::get<request>(*decode_message(frame({6, 0, 0, 0, 9, 0, 0, 0x40, 0, 0, 0, 0x40, 0})).msg);
  BOOST_TEST(req.piece == 9u);
  BOOST_TEST(req.begin == 16384u);
  BOOST_TEST(req.length == 16384u);
  const std::string piece_frame = frame({7, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 1, 'x'}); // views point into it
  auto pc = std::get<piece>(*decode_message(piece_frame).msg);
  BOOST_TEST(pc.index == 0xffffffffu);
  BOOST_TEST(pc.begin == 1u);
  BOOST_TEST(pc.data == "x");
  BOOST_TEST(std::get<port>(*decode_message(frame({9, 0xff, 0xfe})).msg).port == 65534);
  BOOST_TEST(std::get<have>(*decode_message(frame({4, 0x80, 0, 0, 0})).msg).piece == 0x80000000u);
  BOOST_TEST(std::holds_alternative<keep_alive>(*decode_message("").msg));
}

const bad_payload bad[] = {
    {"choke with payload", frame({0, 1}), "choke message of 1 bytes (expected 0)"},
    {"unchoke with payload", frame({1, 1, 2}), "unchoke message of 2 bytes"},
    {"interested with payload", frame({2, 0}), "interested message of 1 bytes"},
    {"not interested with payload", frame({3, 0}), "not interested message of 1 bytes"},
    {"short have", frame({4, 0, 0, 1}), "have message of 3 bytes (expected 4)"},
    {"long have", frame({4, 0, 0, 0, 1, 0}), "have message of 5 bytes"},
    {"short request", frame({6, 0, 0, 0, 1}), "request message of 4 bytes (expected 12)"},
    {"long request", std::string("\x06") + std::string(13, '\0'), "request message of 13 bytes"},
    {"short piece", frame({7, 0, 0, 0, 1, 0, 0, 0}), "piece message of 7 bytes (needs at least 8)"},
    {"short cancel", frame({8, 0}), "cancel message of 1 bytes (expected 12)"},
    {"short port", frame({9, 1}), "port message of 1 bytes (expected 2)"},
    {"long suggest", frame({13, 0, 0, 0, 1, 0}), "suggest message of 5 bytes (expected 4)"},
    {"have all with payload", frame({14, 0}), "have all message of 1 bytes"},
    {"have none with payload", frame({15, 0}), "have none message of 1 bytes"},
    {"short reject", frame({16, 0, 0}), "reject message of 2 bytes (expected 12)"},
    {"short allowed fast", frame({17, 0}), "allowed fast message of 1 bytes (expected 4)"},
    {"empty extended", frame({20}), "extended message without an extension id"},
};

BOOST_DATA_TEST_CASE(wrong_sizes_are_errors, data::make(bad), c) {
  const auto r = decode_message(c.payload);
  BOOST_TEST(!r.msg.has_value());
  BOOST_TEST(r.error.rfind(c.error, 0) == 0u, r.error);
}

BOOST_AUTO_TEST_CASE(big_endian_helpers) {
  std::string s;
  append_u32(s, 0x01020304);
  append_u16(s, 0xfffe);
  BOOST_TEST(s == frame({1, 2, 3, 4, 0xff, 0xfe}));
  BOOST_TEST(read_u32(s.data()) == 0x01020304u);
  BOOST_TEST(read_u16(s.data() + 4) == 0xfffe);
}

BOOST_AUTO_TEST_SUITE_END()
