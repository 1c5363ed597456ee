#include <boost/test/unit_test.hpp>

#include "protocol/metainfo/magnet.hpp"
#include "protocol/metainfo/metainfo.hpp"

using namespace actorrent;

BOOST_AUTO_TEST_SUITE(magnet_suite)

BOOST_AUTO_TEST_CASE(hex_link_with_everything) {
  const auto m = parse_magnet(
      "magnet:?xt=urn:btih:C12FE1C06BBA254A9DC9F519B335AA7C1367A88A&dn=Some+Name%20%C3%A9"
      "&tr=udp%3A%2F%2Ftracker.example%3A1337&tr=http://t.example/announce&tr=http://t.example/announce"
      "&x.pe=127.0.0.1:6881&x.pe=[::1]:51413");
  BOOST_TEST(to_hex(m.info_hash) == "c12fe1c06bba254a9dc9f519b335aa7c1367a88a");
  BOOST_TEST(m.display_name == "Some Name \xC3\xA9");
  BOOST_TEST(m.trackers == (std::vector<std::string>{"udp://tracker.example:1337", "http://t.example/announce"}));
  BOOST_REQUIRE(m.peers.size() == 2u);
  BOOST_TEST(m.peers[0].ip == "127.0.0.1");
  BOOST_TEST(m.peers[0].port == 6881);
  BOOST_TEST(m.peers[1].ip == "::1");
  BOOST_TEST(m.peers[1].port == 51413);
}

BOOST_AUTO_TEST_CASE(base32_link) {
  // The same hash in base32 (RFC 4648), lower case too.
  const auto m = parse_magnet("magnet:?xt=urn:btih:YEX6DQDLXISUVHOJ6UM3GNNKPQJWPKEK");
  BOOST_TEST(to_hex(m.info_hash) == "c12fe1c06bba254a9dc9f519b335aa7c1367a88a");
  BOOST_TEST(to_hex(parse_magnet("MAGNET:?xt=urn:btih:yex6dqdlxisuvhoj6um3gnnkpqjwpkek").info_hash) ==
             "c12fe1c06bba254a9dc9f519b335aa7c1367a88a");
  BOOST_TEST(is_magnet("magnet:?xt=x"));
  BOOST_TEST(!is_magnet("file.torrent"));
}

BOOST_AUTO_TEST_CASE(bad_links_have_one_line_reasons) {
  const std::pair<const char*, const char*> bad[] = {
      {"http://example/", "not a magnet link"},
      {"magnet:?dn=x", "without an info-hash"},
      {"magnet:?xt=urn:btmh:1220abcd", "only a BitTorrent v2 hash"},
      {"magnet:?xt=urn:btih:abc", "info-hash of 3 characters"},
      {"magnet:?xt=urn:btih:Z12FE1C06BBA254A9DC9F519B335AA7C1367A88A", "not hexadecimal"},
      {"magnet:?xt=urn:btih:1EX6DQDLXISUVHOJ6UM3GNNKPQJWPKEK", "not base32"},
      {"magnet:?xt=urn:btih:C12FE1C06BBA254A9DC9F519B335AA7C1367A88A&dn=%G1", "bad %-escape"},
      {"magnet:?xt=urn:btih:C12FE1C06BBA254A9DC9F519B335AA7C1367A88A&dn=%4", "truncated"},
      {"magnet:?xt=urn:btih:C12FE1C06BBA254A9DC9F519B335AA7C1367A88A&x.pe=host", "has no port"},
      {"magnet:?xt=urn:btih:C12FE1C06BBA254A9DC9F519B335AA7C1367A88A&x.pe=host:0", "is not HOST:PORT"},
      {"magnet:?xt=urn:btih:C12FE1C06BBA254A9DC9F519B335AA7C1367A88A&x.pe=host:99999", "is not HOST:PORT"},
      {"magnet:?xt=urn:btih:C12FE1C06BBA254A9DC9F519B335AA7C1367A88A&x.pe=[::1:5", "[IPv6]:PORT"},
  };
  for (const auto& [uri, reason] : bad) {
    try {
      parse_magnet(uri);
      BOOST_ERROR("accepted: " << uri);
    } catch (const magnet_error& e) {
      BOOST_TEST(std::string(e.what()).find(reason) != std::string::npos, uri << " -> " << e.what());
    }
  }
}

BOOST_AUTO_TEST_CASE(torrent_file_around_fetched_metadata) {
  const std::string info = "d6:lengthi5e4:name5:a.bin12:piece lengthi16384e6:pieces20:" + std::string(20, 'x') + "e";
  const auto m = parse_metainfo(make_torrent_file(info, {"udp://t.example:1", "http://u.example/announce"}));
  BOOST_TEST(m.info_hash == sha1(info));
  BOOST_TEST(m.info_bytes == info);
  BOOST_TEST(m.name == "a.bin");
  BOOST_REQUIRE(m.tracker_tiers.size() == 2u);
  BOOST_TEST(m.tracker_tiers[1].at(0) == "http://u.example/announce");
  BOOST_TEST(parse_metainfo(make_torrent_file(info, {})).tracker_tiers.empty());
}

BOOST_AUTO_TEST_SUITE_END()
