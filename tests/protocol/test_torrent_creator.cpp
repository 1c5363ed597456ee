#include <boost/test/unit_test.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "protocol/metainfo/metainfo.hpp"
#include "protocol/storage/storage.hpp"
#include "protocol/metainfo/torrent_creator.hpp"
#include "tests/support/files.hpp"
#include "tests/support/temp_dir.hpp"

using namespace actorrent;

namespace {
using test::write_file;
std::string pattern(std::size_t n, char seed) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>(seed + i * 7 % 251);
  return s;
}
} // namespace

BOOST_AUTO_TEST_SUITE(torrent_creator_suite)

BOOST_AUTO_TEST_CASE(directory_round_trips_through_the_parser_and_storage) {
  test::temp_dir dir;
  const std::string root = dir.path + "/album";
  ::mkdir(root.c_str(), 0755);
  ::mkdir((root + "/b").c_str(), 0755);
  write_file(root + "/z.bin", pattern(40000, 'z'));
  write_file(root + "/a.bin", pattern(10, 'a'));
  write_file(root + "/empty", "");
  write_file(root + "/b/c.bin", pattern(70000, 'c'));
  ::symlink("/etc/passwd", (root + "/link").c_str()); // never followed

  creator_options o;
  o.path = root;
  o.trackers = {"http://t1/announce", "udp://t2:80"};
  o.piece_length = 16384;
  o.comment = "test";
  o.creation_date = 1700000000;
  const metainfo m = parse_metainfo(create_torrent(o));
  BOOST_TEST(m.name == "album");
  BOOST_TEST(m.total_size == 110010);
  BOOST_TEST(m.piece_length == 16384);
  BOOST_REQUIRE_EQUAL(m.files.size(), 4u); // sorted, symlink skipped
  BOOST_TEST(m.files[0].path_string() == "album/a.bin");
  BOOST_TEST(m.files[1].path_string() == "album/b/c.bin");
  BOOST_TEST(m.files[2].path_string() == "album/empty");
  BOOST_TEST(m.files[3].path_string() == "album/z.bin");
  BOOST_TEST(m.tracker_tiers.size() == 2u);
  BOOST_TEST(m.comment == "test");
  // Every piece hash matches the data as storage reads it back.
  storage st(dir.path, m);
  for (std::uint32_t p = 0; p < m.piece_count(); ++p) BOOST_TEST(sha1(st.read_piece(p)) == m.piece_hashes[p]);
}

BOOST_AUTO_TEST_CASE(single_file_and_options) {
  test::temp_dir dir;
  write_file(dir.path + "/one.iso", pattern(100000, 'x'));
  creator_options o;
  o.path = dir.path + "/one.iso";
  o.is_private = true;
  const metainfo m = parse_metainfo(create_torrent(o));
  BOOST_TEST(!m.multi_file);
  BOOST_TEST(m.is_private);
  BOOST_TEST(m.piece_length == 16384);
  BOOST_TEST(m.trackers().empty());
  BOOST_TEST(m.created_by == "actorrent");
}

BOOST_AUTO_TEST_CASE(default_piece_lengths) {
  BOOST_TEST(default_piece_length(1) == 16384);
  BOOST_TEST(default_piece_length(1LL << 30) == 1 << 20);
  BOOST_TEST(default_piece_length(1LL << 40) == 16 << 20);
}

BOOST_AUTO_TEST_CASE(refusals) {
  test::temp_dir dir;
  creator_options o;
  o.path = dir.path + "/missing";
  BOOST_CHECK_THROW(create_torrent(o), creator_error);
  o.path = dir.path; // empty directory
  BOOST_CHECK_THROW(create_torrent(o), creator_error);
  write_file(dir.path + "/zero", "");
  BOOST_CHECK_THROW(create_torrent(o), creator_error); // no data
  write_file(dir.path + "/data", "x");
  write_file(dir.path + "/bad\\name", "x"); // legal on Linux, unsafe to download elsewhere
  BOOST_CHECK_THROW(create_torrent(o), creator_error);
  ::unlink((dir.path + "/bad\\name").c_str());
  o.piece_length = 20000; // not a power of two
  BOOST_CHECK_THROW(create_torrent(o), creator_error);
  o.piece_length = 0;
  BOOST_CHECK_NO_THROW(create_torrent(o));
}

BOOST_AUTO_TEST_SUITE_END()
