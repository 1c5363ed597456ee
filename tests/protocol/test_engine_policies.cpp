// The daemon's plain policies: torrent-get fields and ids, session-set,
// per-file progress and the removal of a torrent's data.
#include <boost/test/unit_test.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "protocol/engine/data_removal.hpp"
#include "protocol/engine/session_settings.hpp"
#include "protocol/engine/torrent_progress.hpp"
#include "protocol/rpc/torrent_fields.hpp"
#include "tests/support/temp_dir.hpp"

using namespace actorrent;
using json = nlohmann::json;

namespace {

// Two files of 10 and 6 bytes in pieces of 4: piece 2 straddles them.
metainfo two_files() {
  metainfo m;
  m.name = "album";
  m.multi_file = true;
  m.piece_length = 4;
  m.total_size = 16;
  m.piece_hashes.resize(4);
  torrent_file a, b;
  a.path = {"album", "one.flac"};
  a.length = 10;
  b.path = {"album", "cd2", "two.flac"};
  b.length = 6;
  b.offset = 10;
  m.files = {a, b};
  return m;
}

void write_file(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

bool exists(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

} // namespace

BOOST_AUTO_TEST_SUITE(engine_policies_suite)

BOOST_AUTO_TEST_CASE(per_file_progress_splits_a_straddling_piece) {
  const metainfo m = two_files();
  bitfield have(4);
  have.set(2); // bytes 8..11: 2 of file one, 2 of file two
  have.set(3); // bytes 12..15: file two
  const auto p = progress_of(m, have, {});
  BOOST_TEST(p.have_bytes == 8);
  BOOST_TEST(p.file_done[0] == 2);
  BOOST_TEST(p.file_done[1] == 6);
  BOOST_TEST(p.wanted_bytes == 16);
  BOOST_TEST(p.wanted_left == 8);
  const auto only_second = progress_of(m, have, {false, true});
  BOOST_TEST(only_second.wanted_bytes == 6);
  BOOST_TEST(only_second.wanted_left == 0);
  // A bitfield of another size (a damaged poll) counts as nothing, never out of range.
  BOOST_TEST(progress_of(m, bitfield(9, true), {}).have_bytes == 0);
}

BOOST_AUTO_TEST_CASE(torrent_get_gives_the_named_fields_as_objects_or_a_table) {
  rpc::torrent_view v;
  v.record.id = 3;
  v.record.name = "album";
  v.status = rpc::torrent_status::seeding;
  v.size_when_done = 100;
  v.left_until_done = 25;
  v.files = {{"album/one.flac", 10, 10, 0, 3}};
  rpc::torrent_view w = v;
  w.record.id = 4;
  const std::vector<std::string> fields = {"id", "name", "percentDone", "status", "noSuchField", "files"};
  const json one = rpc::torrent_fields(v, fields);
  BOOST_TEST(one["id"] == 3);
  BOOST_TEST(one["percentDone"].get<double>() == 0.75);
  BOOST_TEST(one["status"] == 6);
  BOOST_TEST(!one.contains("noSuchField"));
  BOOST_TEST(one["files"][0]["bytesCompleted"] == 10);
  rpc::torrent_get_request table{fields, true};
  const json t = rpc::torrent_get_reply({&v, &w}, table)["torrents"];
  BOOST_TEST(t.size() == 3u);                 // the header, then one row each
  BOOST_TEST(t[0].size() == 5u);              // the unknown name has no column
  BOOST_TEST(t[2][0] == 4);
}

BOOST_AUTO_TEST_CASE(a_listing_asks_for_none_of_the_costly_parts) {
  // What transmission-remote -l and the web client's list ask: no files,
  // trackers, bitfield or magnet link is built for them.
  const auto list = rpc::parts_for({"id", "name", "status", "percentDone", "rateDownload", "eta", "peersConnected"});
  BOOST_TEST(!list.files);
  BOOST_TEST(!list.trackers);
  BOOST_TEST(!list.pieces);
  BOOST_TEST(!list.magnet);
  const auto detail = rpc::parts_for({"fileStats", "trackerList", "pieces", "magnetLink"});
  BOOST_TEST(detail.files);
  BOOST_TEST(detail.trackers);
  BOOST_TEST(detail.pieces);
  BOOST_TEST(detail.magnet);
  BOOST_TEST(rpc::parts_for({"file-count"}).files);
  BOOST_TEST(rpc::parts_for({"trackerStats"}).trackers);
}

BOOST_AUTO_TEST_CASE(ids_are_numbers_hashes_or_recently_active) {
  std::string error;
  BOOST_TEST(rpc::parse_ids(json::object(), error)->all);
  BOOST_TEST(rpc::parse_ids({{"ids", "recently-active"}}, error)->recently_active);
  const auto some = rpc::parse_ids({{"ids", json::array({1, std::string(40, 'A')})}}, error);
  BOOST_REQUIRE(some);
  BOOST_TEST(some->matches(1, "x"));
  BOOST_TEST(some->matches(9, std::string(40, 'a')));
  BOOST_TEST(!some->matches(2, "x"));
  for (const json bad : {json("nonsense"), json(-1), json::array({1.5}), json::array({json::object()})}) {
    BOOST_TEST(!rpc::parse_ids({{"ids", bad}}, error));
    BOOST_TEST(!error.empty());
  }
  BOOST_TEST(!rpc::parse_torrent_get({{"fields", "id"}}, error));
  BOOST_TEST(!rpc::parse_torrent_get({{"fields", json::array({"id"})}, {"format", 3}}, error));
}

BOOST_AUTO_TEST_CASE(session_set_changes_nothing_when_one_argument_is_bad) {
  session_settings s;
  s.download_dir = "/data";
  BOOST_TEST(apply_session_set(s, {{"speed-limit-down", 50}, {"speed-limit-down-enabled", "yes"}}) != "");
  BOOST_TEST(s.speed_limit_down == 100);
  BOOST_TEST(apply_session_set(s, {{"download-dir", "relative/dir"}}) != "");
  BOOST_TEST(apply_session_set(s, {{"peer-limit-global", -5}}) != "");
  BOOST_TEST(apply_session_set(s, {{"speed-limit-down", 50}, {"speed-limit-down-enabled", true}, {"unknown", 1}}) == "");
  BOOST_TEST(s.speed_limit_down == 50);
  BOOST_TEST(s.speed_limit_down_enabled);
  const auto back = decode_settings(encode_settings(s));
  BOOST_TEST(back.speed_limit_down == 50);
  BOOST_TEST(back.download_dir == "/data");
  BOOST_CHECK_THROW(decode_settings("[1,2]"), std::runtime_error);
  BOOST_CHECK_THROW(decode_settings(R"({"next-id": "seven"})"), std::runtime_error);
}

BOOST_AUTO_TEST_CASE(removing_data_deletes_its_files_and_empty_folders_only) {
  test::temp_dir dl, outside;
  const metainfo m = two_files();
  ::mkdir((dl.path + "/album").c_str(), 0755);
  write_file(dl.path + "/album/one.flac", "0123456789");
  write_file(dl.path + "/album/notes.txt", "the user's own file");
  // cd2 is a symlink planted to lead outside: what it points to must survive.
  write_file(outside.path + "/two.flac", "precious");
  BOOST_REQUIRE(::symlink(outside.path.c_str(), (dl.path + "/album/cd2").c_str()) == 0);
  std::vector<std::string> problems;
  const auto removed = remove_torrent_data(dl.path, m, problems);
  BOOST_TEST(removed == 1u);
  BOOST_TEST(!exists(dl.path + "/album/one.flac"));
  BOOST_TEST(exists(outside.path + "/two.flac"));
  BOOST_TEST(exists(dl.path + "/album/notes.txt")); // not the torrent's: kept, and so its folder
  ::unlink((dl.path + "/album/notes.txt").c_str());
  ::unlink((dl.path + "/album/cd2").c_str());
  ::mkdir((dl.path + "/album/cd2").c_str(), 0755);
  write_file(dl.path + "/album/cd2/two.flac", "abcdef");
  BOOST_TEST(remove_torrent_data(dl.path, m, problems) == 1u);
  BOOST_TEST(!exists(dl.path + "/album")); // emptied folders go too
  BOOST_TEST(exists(dl.path));
}

BOOST_AUTO_TEST_SUITE_END()
