#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "protocol/tracker/tracker_codec.hpp"

using namespace actorrent;
namespace data = boost::unit_test::data;

namespace {
struct bad_reply {
  std::string name;
  std::string body;
  std::string error;
};
std::ostream& operator<<(std::ostream& os, const bad_reply& c) { return os << c.name; }
std::string bytes(std::initializer_list<int> b) {
  std::string s;
  for (int x : b) s.push_back(static_cast<char>(x));
  return s;
}
} // namespace

BOOST_AUTO_TEST_SUITE(tracker_codec)

BOOST_AUTO_TEST_CASE(url_encoding) {
  BOOST_TEST(url_encode("abcXYZ019-._~") == "abcXYZ019-._~");
  BOOST_TEST(url_encode(" /?&=%+") == "%20%2F%3F%26%3D%25%2B");
  BOOST_TEST(url_encode(bytes({0, 0xff, 0x12, 0xab})) == "%00%FF%12%AB");
}

BOOST_AUTO_TEST_CASE(announce_url_has_every_field) {
  announce_request r;
  r.announce_url = "http://tracker.example:6969/announce";
  r.info_hash = *sha1_from_hex("0123456789abcdef0123456789abcdef01234567");
  r.id = make_peer_id(1);
  r.port = 6881;
  r.uploaded = 10;
  r.downloaded = 20;
  r.left = 30;
  r.event = announce_event::started;
  r.numwant = 50;
  r.key = 0xdeadbeef;
  r.tracker_id = "id 1";
  const std::string url = build_announce_url(r);
  const std::string expected =
      "http://tracker.example:6969/announce?info_hash=%01%23Eg%89%AB%CD%EF%01%23Eg%89%AB%CD%EF%01%23Eg"
      "&peer_id=" + url_encode(as_bytes(r.id)) +
      "&port=6881&uploaded=10&downloaded=20&left=30&compact=1&event=started&numwant=50&key=DEADBEEF"
      "&trackerid=id%201";
  BOOST_TEST(url == expected);
}

BOOST_AUTO_TEST_CASE(announce_url_keeps_an_existing_query_and_drops_fragment) {
  announce_request r;
  r.announce_url = "https://t.example/announce.php?passkey=abc#frag";
  const std::string url = build_announce_url(r);
  BOOST_TEST(url.rfind("https://t.example/announce.php?passkey=abc&info_hash=", 0) == 0u);
  BOOST_TEST(url.find("event=") == std::string::npos); // event none is omitted
  BOOST_TEST(url.find('#') == std::string::npos);
  for (auto [ev, name] : {std::pair{announce_event::completed, "completed"}, {announce_event::stopped, "stopped"}}) {
    r.event = ev;
    BOOST_TEST(build_announce_url(r).find(std::string("&event=") + name) != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(compact_reply) {
  const std::string peers = bytes({127, 0, 0, 1, 0x1a, 0xe1, 10, 1, 2, 3, 0, 80, 1, 2, 3, 4, 0, 0});
  const std::string body = "d8:completei5e10:incompletei3e8:intervali1800e12:min intervali60e5:peers18:" +
                           peers + "10:tracker id3:xyze";
  const auto r = parse_announce_response(body);
  BOOST_TEST(!r.failure_reason.has_value());
  BOOST_TEST(r.interval.value() == 1800);
  BOOST_TEST(r.min_interval.value() == 60);
  BOOST_TEST(r.complete.value() == 5);
  BOOST_TEST(r.incomplete.value() == 3);
  BOOST_TEST(r.tracker_id.value() == "xyz");
  BOOST_REQUIRE(r.peers.size() == 2u); // the port-0 entry is skipped
  BOOST_TEST(r.peers[0].ip == "127.0.0.1");
  BOOST_TEST(r.peers[0].port == 6881);
  BOOST_TEST(r.peers[1].ip == "10.1.2.3");
  BOOST_TEST(r.peers[1].port == 80);
}

BOOST_AUTO_TEST_CASE(dictionary_reply) {
  const std::string id(20, 'P');
  const std::string body = "d8:intervali900e5:peersld2:ip9:127.0.0.27:peer id20:" + id +
                           "4:porti6882eed2:ip3:::14:porti51413eeee";
  const auto r = parse_announce_response(body);
  BOOST_REQUIRE(r.peers.size() == 2u);
  BOOST_TEST(r.peers[0].ip == "127.0.0.2");
  BOOST_TEST(r.peers[0].port == 6882);
  BOOST_TEST(r.peers[0].id.has_value());
  BOOST_TEST(r.peers[1].ip == "::1");
  BOOST_TEST(!r.peers[1].id.has_value());
}

BOOST_AUTO_TEST_CASE(peers6_reply) {
  std::string v6(16, '\0');
  v6[15] = 1; // ::1
  const std::string body = "d8:intervali60e5:peers0:6:peers618:" + v6 + bytes({0x1a, 0xe2}) + "e";
  const auto r = parse_announce_response(body);
  BOOST_REQUIRE(r.peers.size() == 1u);
  BOOST_TEST(r.peers[0].ip == "::1");
  BOOST_TEST(r.peers[0].port == 6882);
}

BOOST_AUTO_TEST_CASE(failure_and_warning) {
  const auto f = parse_announce_response("d14:failure reason17:torrent not founde");
  BOOST_TEST(f.failure_reason.value() == "torrent not found");
  const auto w = parse_announce_response("d8:intervali60e5:peers0:15:warning message4:slowe");
  BOOST_TEST(w.warning_message.value() == "slow");
  BOOST_TEST(w.peers.empty());
}

const bad_reply bad[] = {
    {"html error page", "<html>502 Bad Gateway</html>", "not valid bencode"},
    {"empty body", "", "not valid bencode"},
    {"truncated", "d8:intervali60e5:peers12:abc", "not valid bencode"},
    {"not a dict", "li1ee", "not a dictionary"},
    {"compact peers of 7 bytes", "d8:intervali60e5:peers7:abcdefge", "peers field of 7 bytes is not a multiple of 6"},
    {"peers6 of 17 bytes", "d8:intervali60e6:peers617:" + std::string(17, 'x') + "e", "peers6 field of 17 bytes"},
    {"peers6 not a string", "d8:intervali60e6:peers6i1ee", "'peers6' is not a string"},
    {"peers is an integer", "d8:intervali60e5:peersi5ee", "neither a string nor a list"},
    {"peer entry not a dict", "d8:intervali60e5:peersli1eee", "not a dictionary"},
    {"peer without ip", "d8:intervali60e5:peersld4:porti1eeee", "without a valid 'ip'"},
    {"peer with port 70000", "d8:intervali60e5:peersld2:ip1:x4:porti70000eeee", "out of range"},
    {"peer with negative port", "d8:intervali60e5:peersld2:ip1:x4:porti-1eeee", "out of range"},
    {"peer with string port", "d8:intervali60e5:peersld2:ip1:x4:port2:80eee", "without a valid 'port'"},
    {"peer ip with NUL", std::string("d8:intervali60e5:peersld2:ip3:a\0b4:porti1eeee", 45), "malformed 'ip'"},
    {"interval is a string", "d8:interval2:60e", "'interval' is not an integer"},
    {"negative interval", "d8:intervali-5ee", "negative 'interval'"},
    {"failure reason not a string", "d14:failure reasoni1ee", "'failure reason' is not a string"},
    {"deeply nested", "d8:intervali60e1:x" + std::string(50, 'l') + std::string(50, 'e') + "e", "nesting deeper"},
};

BOOST_DATA_TEST_CASE(malformed_replies_are_errors, data::make(bad), c) {
  try {
    parse_announce_response(c.body);
    BOOST_FAIL("accepted");
  } catch (const tracker_error& e) {
    BOOST_TEST(std::string(e.what()).find(c.error) != std::string::npos, e.what());
  }
}

BOOST_AUTO_TEST_CASE(scrape_urls) {
  BOOST_TEST(scrape_url("http://t/announce").value() == "http://t/scrape");
  BOOST_TEST(scrape_url("http://t/x/announce.php?k=1").value() == "http://t/x/scrape.php?k=1");
  BOOST_TEST(!scrape_url("http://t/a").has_value());
  BOOST_TEST(!scrape_url("http://t/announce/x").has_value());
}

BOOST_AUTO_TEST_CASE(scrape_url_for_one_hash) {
  const auto h = *sha1_from_hex("0123456789abcdef0123456789abcdef01234567");
  const std::string q = "info_hash=%01%23Eg%89%AB%CD%EF%01%23Eg%89%AB%CD%EF%01%23Eg";
  BOOST_TEST(*build_scrape_url("http://t.example/announce", h) == "http://t.example/scrape?" + q);
  BOOST_TEST(*build_scrape_url("http://t.example/x/announce.php?pk=1#frag", h) ==
             "http://t.example/x/scrape.php?pk=1&" + q);
  BOOST_TEST(!build_scrape_url("http://t.example/a", h).has_value());
}

BOOST_AUTO_TEST_CASE(scrape_reply_counts_and_refusals) {
  sha1_digest h{};
  h.fill('A');
  const std::string key = "20:" + std::string(20, 'A');
  const auto c = parse_scrape_response("d5:filesd" + key + "d8:completei5e10:downloadedi50e10:incompletei7eeee", h);
  BOOST_TEST(c.seeders == 5);
  BOOST_TEST(c.completed == 50);
  BOOST_TEST(c.leechers == 7);
  for (const std::string bad :
       {std::string("garbage"), std::string("le"), std::string("d14:failure reason4:nopee"), std::string("d5:filesdee"),
        std::string("d5:files4:abcde"), "d5:filesd" + key + "i1eee", "d5:filesd" + key + "d8:completei-1eeee",
        "d5:filesd" + key + "d8:complete1:xeee"})
    BOOST_CHECK_THROW(parse_scrape_response(bad, h), tracker_error);
}

BOOST_AUTO_TEST_CASE(compact_peers_from_ip_literals) {
  BOOST_TEST(compact_peer("127.0.0.1", 6881) == bytes({127, 0, 0, 1, 0x1a, 0xe1}));
  BOOST_TEST(compact_peer("::1", 1).size() == 18u);
  BOOST_TEST(compact_peer("tracker.example", 1).empty());
  BOOST_TEST(ip_bytes("10.0.0.2") == bytes({10, 0, 0, 2}));
  const auto back = parse_compact_peers(compact_peer("::1", 7) + compact_peer("::2", 8), true);
  BOOST_REQUIRE(back.size() == 2u);
  BOOST_TEST(back[1].ip == "::2");
  BOOST_TEST(is_http_url("http://a/announce"));
  BOOST_TEST(is_http_url("https://a/announce"));
  BOOST_TEST(!is_http_url("udp://a:1"));
  BOOST_TEST(!is_http_url("httpx://a"));
}



BOOST_AUTO_TEST_CASE(intervals_are_clamped_between_30_seconds_and_4_hours) {
  announce_response r;
  BOOST_TEST(next_announce_seconds(r) == 1800);
  r.interval = 1; // a tracker asking us to hammer it
  BOOST_TEST(next_announce_seconds(r) == 30);
  r.min_interval = 600;
  BOOST_TEST(next_announce_seconds(r) == 600);
  r.interval = std::int64_t{1} << 62; // would overflow the timer in nanoseconds
  BOOST_TEST(next_announce_seconds(r) == 4 * 3600);
  r.interval = 900;
  r.min_interval = std::int64_t{1} << 62;
  BOOST_TEST(next_announce_seconds(r) == 4 * 3600);
}

BOOST_AUTO_TEST_SUITE_END()
