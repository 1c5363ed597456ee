#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <fstream>

#include "protocol/metainfo/metainfo.hpp"
#include "tests/support/torrent_builder.hpp"

using namespace actorrent;
using actorrent::bencode::value;
namespace data = boost::unit_test::data;

BOOST_AUTO_TEST_SUITE(metainfo_suite)

BOOST_AUTO_TEST_CASE(single_file) {
  const value info = test::make_info("file.bin", {{{}, 100000}}, 32768, false);
  value root = test::make_torrent(info);
  root.as_dict()["comment"] = "a comment";
  root.as_dict()["created by"] = "test";
  root.as_dict()["creation date"] = 1700000000;
  const metainfo m = parse_metainfo(bencode::encode(root));
  BOOST_TEST(m.name == "file.bin");
  BOOST_TEST(!m.multi_file);
  BOOST_TEST(m.total_size == 100000);
  BOOST_TEST(m.piece_length == 32768);
  BOOST_TEST(m.piece_count() == 4u);
  BOOST_TEST(m.files.size() == 1u);
  BOOST_TEST(m.files[0].path_string() == "file.bin");
  BOOST_TEST(m.trackers() == std::vector<std::string>{"http://127.0.0.1:6969/announce"});
  BOOST_TEST(m.comment == "a comment");
  BOOST_TEST(m.created_by == "test");
  BOOST_TEST(m.creation_date.value() == 1700000000);
  BOOST_TEST(!m.is_private);
}

BOOST_AUTO_TEST_CASE(info_hash_is_sha1_of_the_raw_info_bytes) {
  const value info = test::make_info("file.bin", {{{}, 100000}}, 16384, false);
  const std::string info_bytes = bencode::encode(info);
  const metainfo m = parse_metainfo(bencode::encode(test::make_torrent(info)));
  BOOST_TEST(m.info_bytes == info_bytes);
  BOOST_TEST(to_hex(m.info_hash) == to_hex(sha1(info_bytes)));
}

BOOST_AUTO_TEST_CASE(info_hash_survives_unsorted_keys) {
  // An info dict with keys out of order: the hash must cover the bytes as they are,
  // not a re-encoded (sorted) copy.
  const std::string pieces(20, 'h');
  const std::string info = "d4:name1:x6:lengthi10e12:piece lengthi16384e6:pieces20:" + pieces + "e";
  const std::string torrent = "d4:info" + info + "e";
  const metainfo m = parse_metainfo(torrent);
  BOOST_TEST(to_hex(m.info_hash) == to_hex(sha1(info)));
}

BOOST_AUTO_TEST_CASE(multi_file_offsets_and_paths) {
  const value info = test::make_info("set", {{{"a.txt"}, 10}, {{"empty"}, 0}, {{"sub", "b.bin"}, 40000}}, 16384);
  const metainfo m = parse_metainfo(bencode::encode(test::make_torrent(info)));
  BOOST_TEST(m.multi_file);
  BOOST_TEST(m.total_size == 40010);
  BOOST_TEST(m.piece_count() == 3u);
  BOOST_TEST(m.files.size() == 3u);
  BOOST_TEST(m.files[0].path_string() == "set/a.txt");
  BOOST_TEST(m.files[1].path_string() == "set/empty");
  BOOST_TEST(m.files[2].path_string() == "set/sub/b.bin");
  BOOST_TEST(m.files[2].offset == 10);
  const file_map fm = m.make_file_map();
  BOOST_TEST(fm.geometry().piece_count() == 3u);
  BOOST_TEST(fm.geometry().piece_size(2) == 40010u - 2 * 16384u);
}

BOOST_AUTO_TEST_CASE(announce_list_replaces_announce) {
  value root = test::make_torrent(test::make_info("x", {{{}, 10}}, 16384, false), "http://a/announce");
  root.as_dict()["announce-list"] = value::list{
      value::list{"http://t1/announce", "udp://t2:80"},
      value::list{},                        // empty tier: dropped
      value::list{5, "http://t3/announce"}, // bad entry: skipped
      "not a tier",
      value::list{"http://t1/announce"},    // duplicate across tiers
  };
  const metainfo m = parse_metainfo(bencode::encode(root));
  BOOST_TEST(m.tracker_tiers.size() == 3u);
  BOOST_TEST(m.tracker_tiers[0].size() == 2u);
  BOOST_TEST((m.trackers() == std::vector<std::string>{"http://t1/announce", "udp://t2:80", "http://t3/announce"}));
}

BOOST_AUTO_TEST_CASE(no_trackers_is_allowed) {
  const metainfo m = parse_metainfo(bencode::encode(test::make_torrent(test::make_info("x", {{{}, 10}}, 16384, false), "")));
  BOOST_TEST(m.trackers().empty());
}

BOOST_AUTO_TEST_CASE(private_flag_web_seeds_and_utf8_names) {
  value info = test::make_info("plain", {{{"f"}, 10}});
  info.as_dict()["private"] = 1;
  info.as_dict()["name.utf-8"] = "caf\xc3\xa9";
  info.as_dict()["files"].as_list()[0].as_dict()["path.utf-8"] = value::list{"d\xc3\xa9j\xc3\xa0"};
  value root = test::make_torrent(info);
  root.as_dict()["url-list"] = value::list{"http://ws1/", 3, "http://ws2/"};
  const metainfo m = parse_metainfo(bencode::encode(root));
  BOOST_TEST(m.is_private);
  BOOST_TEST(m.name == "caf\xc3\xa9");
  BOOST_TEST(m.files[0].path_string() == "caf\xc3\xa9/d\xc3\xa9j\xc3\xa0");
  BOOST_TEST((m.web_seeds == std::vector<std::string>{"http://ws1/", "http://ws2/"}));
}

BOOST_AUTO_TEST_CASE(pad_files_are_marked) {
  value info = test::make_info("set", {{{"a"}, 10}, {{".pad", "16374"}, 16374}, {{"b"}, 10}});
  info.as_dict()["files"].as_list()[1].as_dict()["attr"] = "p";
  const metainfo m = parse_metainfo(bencode::encode(test::make_torrent(info)));
  BOOST_TEST(!m.files[0].pad);
  BOOST_TEST(m.files[1].pad);
  BOOST_TEST(m.files[2].offset == 16384);
}

// BEP 47 as libtorrent reads it: a symlink's length is not payload (every
// later offset would be wrong), and it may be absent.
BOOST_AUTO_TEST_CASE(symlink_entries_hold_no_payload) {
  value info = test::make_info("set", {{{"a"}, 10}, {{"sub", "link"}, 0}, {{"b"}, 10}});
  auto& link = info.as_dict()["files"].as_list()[1].as_dict();
  link["attr"] = "lx";
  link["length"] = 20000;
  link["symlink path"] = value::list{value("a")};
  metainfo m = parse_metainfo(bencode::encode(test::make_torrent(info)));
  BOOST_TEST(m.total_size == 20);
  BOOST_TEST(m.files[1].symlink);
  BOOST_TEST(m.files[1].executable);
  BOOST_TEST(!m.files[1].holds_data());
  BOOST_TEST(m.files[1].length == 0);
  BOOST_TEST(m.files[1].symlink_target == std::vector<std::string>{"a"});
  BOOST_TEST(m.files[2].offset == 10);
  link.erase("length");
  m = parse_metainfo(bencode::encode(test::make_torrent(info)));
  BOOST_TEST(m.files[1].symlink);
  BOOST_TEST(m.total_size == 20);
  // A target may not climb out of the torrent's folder.
  link["symlink path"] = value::list{value(".."), value("etc")};
  BOOST_CHECK_THROW(parse_metainfo(bencode::encode(test::make_torrent(info))), metainfo_error);
  // Without the 'l' attribute a missing length is still an error.
  link.erase("attr");
  BOOST_CHECK_THROW(parse_metainfo(bencode::encode(test::make_torrent(info))), metainfo_error);
}

BOOST_AUTO_TEST_CASE(pad_files_may_have_no_path) {
  value info = test::make_info("set", {{{"a"}, 10}, {{".pad", "x"}, 16374}, {{"b"}, 10}});
  auto& pad = info.as_dict()["files"].as_list()[1].as_dict();
  pad["attr"] = "p";
  pad.erase("path");
  const metainfo m = parse_metainfo(bencode::encode(test::make_torrent(info)));
  BOOST_TEST(m.files[1].pad);
  BOOST_TEST(m.files[1].path_string() == "set/.pad/1");
  BOOST_TEST(m.files[2].offset == 16384);
  pad.erase("attr"); // an ordinary file needs its path
  BOOST_CHECK_THROW(parse_metainfo(bencode::encode(test::make_torrent(info))), metainfo_error);
}

BOOST_AUTO_TEST_CASE(a_trailing_newline_is_accepted_other_trailing_bytes_are_not) {
  const std::string t = test::single_file_torrent();
  BOOST_TEST(parse_metainfo(t + "\n").total_size == 100000);
  BOOST_TEST(parse_metainfo(t + "\r\n").total_size == 100000);
  BOOST_TEST(to_hex(parse_metainfo(t + "\n").info_hash) == to_hex(parse_metainfo(t).info_hash));
  BOOST_CHECK_THROW(parse_metainfo(t + "x"), metainfo_error);
  BOOST_CHECK_THROW(parse_metainfo("\n\n"), metainfo_error);
}

BOOST_AUTO_TEST_CASE(tracker_urls_lose_surrounding_blanks) {
  value root = test::make_torrent(test::make_info("x", {{{}, 50000}}, 16384, false), "  http://t1/announce\n");
  BOOST_TEST(parse_metainfo(bencode::encode(root)).trackers() == std::vector<std::string>{"http://t1/announce"});
  root.as_dict()["announce-list"] = value::list{value::list{value(" udp://t2:80 "), value("\t")}};
  root.as_dict()["url-list"] = value(" http://ws/ ");
  const metainfo m = parse_metainfo(bencode::encode(root));
  BOOST_TEST(m.trackers() == std::vector<std::string>{"udp://t2:80"});
  BOOST_TEST(m.web_seeds == std::vector<std::string>{"http://ws/"});
}

BOOST_AUTO_TEST_CASE(parse_info_dict_alone) {
  const std::string info = bencode::encode(test::make_info("x", {{{}, 50000}}, 16384, false));
  const metainfo m = parse_info_dict(info);
  BOOST_TEST(m.total_size == 50000);
  BOOST_TEST(to_hex(m.info_hash) == to_hex(sha1(info)));
  BOOST_CHECK_THROW(parse_info_dict("i1e"), metainfo_error);
}

struct component_case {
  std::string component;
  bool safe;
};
std::ostream& operator<<(std::ostream& os, const component_case& c) { return os << '"' << c.component << '"'; }
const component_case components[] = {
    {"file.txt", true}, {"..hidden", true}, {"a..b", true}, {"...", true}, {".config", true},
    {std::string(255, 'x'), true},
    {"", false}, {".", false}, {"..", false}, {"a/b", false}, {"/abs", false}, {"a\\b", false},
    {std::string("a\0b", 3), false}, {std::string(256, 'x'), false},
};
BOOST_DATA_TEST_CASE(path_component_safety, data::make(components), c) {
  BOOST_TEST(safe_path_component(c.component) == c.safe);
}

BOOST_AUTO_TEST_CASE(load_from_disk) {
  const std::string path = "metainfo_load_test.torrent";
  {
    std::ofstream out(path, std::ios::binary);
    out << test::single_file_torrent(70000);
  }
  BOOST_TEST(load_metainfo(path).total_size == 70000);
  std::remove(path.c_str());
  try {
    load_metainfo("/nonexistent/file.torrent");
    BOOST_FAIL("loaded a missing file");
  } catch (const metainfo_error& e) {
    BOOST_TEST(std::string(e.what()).find("cannot open") != std::string::npos);
  }
  BOOST_CHECK_THROW(load_metainfo("/"), metainfo_error); // a directory
}

BOOST_AUTO_TEST_SUITE_END()
