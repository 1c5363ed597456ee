#include <boost/test/unit_test.hpp>

#include "protocol/tracker/udp_tracker_codec.hpp"
#include "protocol/wire/wire.hpp"

using namespace actorrent;
namespace udp = actorrent::udp_tracker;

namespace {
// A reply packet: action, transaction id, payload.
std::string packet(std::uint32_t action, std::uint32_t tx, const std::string& payload = {}) {
  std::string out;
  wire::append_u32(out, action);
  wire::append_u32(out, tx);
  return out + payload;
}
std::string u32s(std::initializer_list<std::uint32_t> values) {
  std::string out;
  for (auto v : values) wire::append_u32(out, v);
  return out;
}
} // namespace

BOOST_AUTO_TEST_SUITE(udp_tracker_codec)

BOOST_AUTO_TEST_CASE(tracker_urls) {
  auto a = udp::parse_url("udp://tracker.example.org:6969/announce");
  BOOST_REQUIRE(a.has_value());
  BOOST_TEST(a->host == "tracker.example.org");
  BOOST_TEST(a->port == 6969);
  a = udp::parse_url("udp://[::1]:1337");
  BOOST_REQUIRE(a.has_value());
  BOOST_TEST(a->host == "::1");
  BOOST_TEST(a->port == 1337);
  a = udp::parse_url("udp://127.0.0.1:80?passkey=x");
  BOOST_REQUIRE(a.has_value());
  BOOST_TEST(a->port == 80);
  for (const char* bad : {"http://a:1/announce", "udp://host/announce", "udp://:1", "udp://host:0", "udp://host:65536",
                          "udp://host:12a", "udp://[::1]1", "udp://[::1", "udp://ho st:1", "udp://host:123456"})
    BOOST_TEST(!udp::parse_url(bad).has_value(), bad);
}

BOOST_AUTO_TEST_CASE(connect_request_is_the_bep15_packet) {
  const std::string p = udp::connect_request(0xdeadbeef);
  BOOST_TEST(p.size() == 16u);
  BOOST_TEST(wire::read_u32(p.data()) == 0x417u);
  BOOST_TEST(wire::read_u32(p.data() + 4) == 0x27101980u);
  BOOST_TEST(wire::read_u32(p.data() + 8) == 0u);
  BOOST_TEST(wire::read_u32(p.data() + 12) == 0xdeadbeefu);
}

BOOST_AUTO_TEST_CASE(announce_request_lays_out_every_field) {
  announce_request r;
  r.info_hash = *sha1_from_hex("0123456789abcdef0123456789abcdef01234567");
  r.id = make_peer_id(3);
  r.downloaded = 5;
  r.left = (1LL << 40) + 7;
  r.uploaded = 9;
  r.event = announce_event::started;
  r.key = 0x01020304;
  r.numwant = 200;
  r.port = 51413;
  const std::string p = udp::request(0x1122334455667788ULL, udp::action::announce, 42, udp::announce_body(r));
  BOOST_REQUIRE(p.size() == 98u);
  BOOST_TEST(wire::read_u32(p.data()) == 0x11223344u);
  BOOST_TEST(wire::read_u32(p.data() + 4) == 0x55667788u);
  BOOST_TEST(wire::read_u32(p.data() + 8) == 1u);
  BOOST_TEST(wire::read_u32(p.data() + 12) == 42u);
  BOOST_TEST(p.substr(16, 20) == std::string(as_bytes(r.info_hash)));
  BOOST_TEST(p.substr(36, 20) == std::string(as_bytes(r.id)));
  BOOST_TEST(wire::read_u32(p.data() + 56) == 0u); // downloaded, high word
  BOOST_TEST(wire::read_u32(p.data() + 60) == 5u);
  BOOST_TEST(wire::read_u32(p.data() + 64) == 256u); // left = 2^40 + 7
  BOOST_TEST(wire::read_u32(p.data() + 68) == 7u);
  BOOST_TEST(wire::read_u32(p.data() + 76) == 9u);
  BOOST_TEST(wire::read_u32(p.data() + 80) == 2u); // started
  BOOST_TEST(wire::read_u32(p.data() + 84) == 0u); // IP: the sender's
  BOOST_TEST(wire::read_u32(p.data() + 88) == 0x01020304u);
  BOOST_TEST(wire::read_u32(p.data() + 92) == 200u);
  BOOST_TEST(wire::read_u16(p.data() + 96) == 51413u);
}

BOOST_AUTO_TEST_CASE(event_codes_and_default_numwant) {
  announce_request r;
  r.event = announce_event::completed;
  BOOST_TEST(wire::read_u32(udp::announce_body(r).data() + 64) == 1u);
  r.event = announce_event::stopped;
  BOOST_TEST(wire::read_u32(udp::announce_body(r).data() + 64) == 3u);
  r.event = announce_event::none;
  BOOST_TEST(wire::read_u32(udp::announce_body(r).data() + 64) == 0u);
  BOOST_TEST(wire::read_u32(udp::announce_body(r).data() + 76) == 0xffffffffu); // -1: tracker's default
}

BOOST_AUTO_TEST_CASE(connect_reply_gives_the_connection_id) {
  const std::string p = packet(0, 7, u32s({0xaabbccdd, 0x00112233}));
  const auto r = udp::check_reply(p, 7, udp::action::connect);
  BOOST_TEST(!r.is_error);
  BOOST_TEST(udp::parse_connect(r.payload) == 0xaabbccdd00112233ULL);
}

BOOST_AUTO_TEST_CASE(announce_reply_with_ipv4_and_ipv6_peers) {
  const std::string v4 = u32s({1800, 3, 5}) + std::string("\x7f\x00\x00\x01\x1a\xe1", 6) +
                         std::string("\x0a\x00\x00\x02\x00\x00", 6); // port 0: skipped
  auto r = udp::parse_announce(udp::check_reply(packet(1, 9, v4), 9, udp::action::announce).payload, false);
  BOOST_TEST(*r.interval == 1800);
  BOOST_TEST(*r.incomplete == 3);
  BOOST_TEST(*r.complete == 5);
  BOOST_REQUIRE(r.peers.size() == 1u);
  BOOST_TEST(r.peers[0].ip == "127.0.0.1");
  BOOST_TEST(r.peers[0].port == 6881);

  std::string v6 = u32s({60, 0, 1});
  v6 += std::string(15, '\0') + "\x01" + std::string("\x1a\xe2", 2);
  r = udp::parse_announce(udp::check_reply(packet(1, 9, v6), 9, udp::action::announce).payload, true);
  BOOST_REQUIRE(r.peers.size() == 1u);
  BOOST_TEST(r.peers[0].ip == "::1");
  BOOST_TEST(r.peers[0].port == 6882);
}

BOOST_AUTO_TEST_CASE(scrape_request_and_reply) {
  std::vector<sha1_digest> hashes(2);
  hashes[1][0] = 0xff;
  const std::string body = udp::scrape_body(hashes);
  BOOST_TEST(body.size() == 40u);
  BOOST_TEST(static_cast<unsigned char>(body[20]) == 0xffu);
  const auto counts = udp::parse_scrape(
      udp::check_reply(packet(2, 1, u32s({4, 10, 2, 0, 0, 1})), 1, udp::action::scrape).payload, 2);
  BOOST_REQUIRE(counts.size() == 2u);
  BOOST_TEST(counts[0].seeders == 4);
  BOOST_TEST(counts[0].completed == 10);
  BOOST_TEST(counts[0].leechers == 2);
  BOOST_TEST(counts[1].leechers == 1);
  BOOST_CHECK_THROW(udp::scrape_body({}), tracker_error);
  BOOST_CHECK_THROW(udp::scrape_body(std::vector<sha1_digest>(75)), tracker_error);
}

BOOST_AUTO_TEST_CASE(error_reply_carries_printable_text) {
  const auto r = udp::check_reply(packet(3, 5, std::string("bad\x01hash")), 5, udp::action::announce);
  BOOST_TEST(r.is_error);
  BOOST_TEST(r.error_message == "bad?hash");
  BOOST_TEST(udp::check_reply(packet(3, 5), 5, udp::action::connect).error_message == "(no message)");
}

BOOST_AUTO_TEST_CASE(hostile_replies_are_refused) {
  // Another transaction id: a spoofed or stale reply.
  BOOST_CHECK_THROW(udp::check_reply(packet(0, 8, u32s({1, 2})), 7, udp::action::connect), tracker_error);
  // The wrong action.
  BOOST_CHECK_THROW(udp::check_reply(packet(2, 7, u32s({1, 2})), 7, udp::action::connect), tracker_error);
  BOOST_CHECK_THROW(udp::check_reply(packet(9, 7), 7, udp::action::announce), tracker_error);
  // Shorter than a header, or absurdly large.
  BOOST_CHECK_THROW(udp::check_reply(std::string(7, '\0'), 0, udp::action::connect), tracker_error);
  BOOST_CHECK_THROW(udp::check_reply(packet(1, 0, std::string(9000, '\0')), 0, udp::action::announce),
                    tracker_error);
  // Payloads of the wrong size.
  BOOST_CHECK_THROW(udp::parse_connect(std::string(7, '\0')), tracker_error);
  BOOST_CHECK_THROW(udp::parse_announce(std::string(11, '\0'), false), tracker_error);
  BOOST_CHECK_THROW(udp::parse_announce(std::string(12 + 7, '\0'), false), tracker_error);
  BOOST_CHECK_THROW(udp::parse_announce(std::string(12 + 6, '\0'), true), tracker_error);
  BOOST_CHECK_THROW(udp::parse_scrape(std::string(13, '\0'), 1), tracker_error);
  BOOST_CHECK_THROW(udp::parse_scrape(std::string(12, '\0'), 2), tracker_error);
  std::uint32_t tx = 0;
  BOOST_TEST(!udp::peek_transaction(std::string(7, '\0'), tx));
  BOOST_TEST(udp::peek_transaction(packet(1, 77), tx));
  BOOST_TEST(tx == 77u);
}

BOOST_AUTO_TEST_SUITE_END()
