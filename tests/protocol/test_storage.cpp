#include <boost/test/unit_test.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <random>
#include <sstream>

#include "protocol/storage/storage.hpp"
#include "tests/support/files.hpp"
#include "tests/support/printers.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/torrent_builder.hpp"

using namespace actorrent;

namespace {

using test::read_file;

std::string random_bytes(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng());
  return s;
}

metainfo odd_multi_file() {
  return parse_metainfo(bencode::encode(test::make_torrent(test::make_info(
      "set", {{{"a.bin"}, 1}, {{"empty"}, 0}, {{"d", "b.bin"}, 40000}, {{"d", "e", "c.bin"}, 16383}, {{"z"}, 5}},
      16384))));
}

// Each file of odd_multi_file() below `root` holds its part of the payload.
void files_hold(const std::string& root, const std::string& payload) {
  BOOST_TEST(read_file(root + "/set/a.bin") == payload.substr(0, 1));
  BOOST_TEST(read_file(root + "/set/d/b.bin") == payload.substr(1, 40000));
  BOOST_TEST(read_file(root + "/set/d/e/c.bin") == payload.substr(40001, 16383));
  BOOST_TEST(read_file(root + "/set/z") == payload.substr(56384, 5));
}

} // namespace

BOOST_AUTO_TEST_SUITE(storage_suite)

// BEP 47: a symlink is made relative, pointing inside the torrent's folder;
// pad files are never created; an executable is created 0755.
BOOST_AUTO_TEST_CASE(symlinks_pads_and_executables_on_disk) {
  bencode::value info = test::make_info("set", {{{"a"}, 10}, {{"sub", "deeper", "link"}, 0}, {{"pad"}, 16374}, {{"b"}, 10}});
  auto& files = info.as_dict()["files"].as_list();
  files[1].as_dict()["attr"] = "l";
  files[1].as_dict()["symlink path"] = bencode::value::list{bencode::value("a")};
  files[2].as_dict()["attr"] = "p";
  files[3].as_dict()["attr"] = "x";
  const metainfo m = parse_metainfo(bencode::encode(test::make_torrent(info)));
  test::temp_dir dir;
  {
    storage st(dir.path, m);
    st.create_files();
    st.create_files();                     // a second run finds the link it made
    st.write(0, 0, std::string(10, 'a'));  // files with data are made by their first write
    st.write(1, 0, std::string(10, 'b'));
  }
  char target[256] = {};
  BOOST_TEST(::readlink((dir.path + "/set/sub/deeper/link").c_str(), target, sizeof target - 1) > 0);
  BOOST_TEST(std::string(target) == "../../a");
  struct stat st{};
  BOOST_TEST(::stat((dir.path + "/set/sub/deeper/link").c_str(), &st) == 0); // resolves to set/a
  BOOST_TEST(st.st_size == 10);
  BOOST_TEST(::lstat((dir.path + "/set/pad").c_str(), &st) != 0);
  BOOST_TEST(::stat((dir.path + "/set/b").c_str(), &st) == 0);
  BOOST_TEST((st.st_mode & 0100) != 0);
  // Something else already at the link's place is an error, not overwritten.
  ::unlink((dir.path + "/set/sub/deeper/link").c_str());
  std::ofstream(dir.path + "/set/sub/deeper/link") << "mine";
  storage again(dir.path, m);
  BOOST_CHECK_THROW(again.create_files(), storage_error);
  BOOST_TEST(read_file(dir.path + "/set/sub/deeper/link") == "mine");
}

BOOST_AUTO_TEST_CASE(writes_every_piece_to_the_right_files) {
  test::temp_dir dir;
  const metainfo m = odd_multi_file();
  const std::string payload = random_bytes(static_cast<std::size_t>(m.total_size), 1);
  storage st(dir.path, m);
  st.create_files();
  // Empty files are made at once; a file with data by its first write.
  BOOST_TEST(::access((dir.path + "/set/empty").c_str(), F_OK) == 0);
  BOOST_TEST(::access((dir.path + "/set/d/b.bin").c_str(), F_OK) != 0);
  // Write pieces in reverse, blocks of odd sizes.
  const auto& g = st.map().geometry();
  for (std::uint32_t p = g.piece_count(); p-- > 0;) {
    const std::uint32_t size = g.piece_size(p);
    for (std::uint32_t at = 0; at < size; at += 5000) {
      const std::uint32_t n = std::min<std::uint32_t>(5000, size - at);
      st.write(p, at, std::string_view(payload).substr(static_cast<std::size_t>(g.piece_offset(p) + at), n));
    }
    // The first write into b.bin (its last piece comes first) sized it in full, sparse.
    if (p == g.piece_count() - 2) BOOST_TEST(read_file(dir.path + "/set/d/b.bin").size() == 40000u);
  }
  st.flush();
  files_hold(dir.path, payload);
  for (std::uint32_t p = 0; p < g.piece_count(); ++p)
    BOOST_TEST(st.read_piece(p) == payload.substr(static_cast<std::size_t>(g.piece_offset(p)), g.piece_size(p)));
}

BOOST_AUTO_TEST_CASE(vectored_runs_land_like_single_writes) {
  // Each piece as one run of buffers of uneven sizes (1 byte up), so buffers
  // straddle file boundaries; the files must hold exactly the payload.
  test::temp_dir dir;
  const metainfo m = odd_multi_file();
  const std::string payload = random_bytes(static_cast<std::size_t>(m.total_size), 2);
  storage st(dir.path, m);
  st.create_files();
  const auto& g = st.map().geometry();
  std::mt19937 rng(3);
  for (std::uint32_t p = 0; p < g.piece_count(); ++p) {
    const std::string_view piece = std::string_view(payload).substr(static_cast<std::size_t>(g.piece_offset(p)), g.piece_size(p));
    const std::uint32_t begin = p == 0 ? 7 : 0; // a run may start inside the piece
    std::vector<std::string_view> parts;
    for (std::size_t at = begin; at < piece.size();) {
      const std::size_t n = std::min<std::size_t>(1 + rng() % 7000, piece.size() - at);
      parts.push_back(piece.substr(at, n));
      at += n;
    }
    if (p == 0) st.write(0, 0, piece.substr(0, begin));
    st.write(p, begin, parts);
  }
  st.flush();
  files_hold(dir.path, payload);
  // A run past the end of its piece is refused, not written elsewhere.
  const std::string big(g.piece_size(0) + 1, 'x');
  BOOST_CHECK_THROW(st.write(0, 0, std::vector<std::string_view>{big}), std::out_of_range);
}

BOOST_AUTO_TEST_CASE(dirty_descriptors_are_handed_out_once) {
  test::temp_dir dir;
  const metainfo m = odd_multi_file();
  storage st(dir.path, m);
  st.create_files();
  BOOST_TEST(st.take_dirty_descriptors().empty()); // created, never written
  st.write(0, 0, std::string(100, 'a'));           // piece 0 spans a.bin and d/b.bin
  auto fds = st.take_dirty_descriptors();
  BOOST_TEST(fds.size() == 2u);
  for (int fd : fds) {
    BOOST_TEST(::fdatasync(fd) == 0); // a live duplicate the caller owns
    ::close(fd);
  }
  BOOST_TEST(st.take_dirty_descriptors().empty()); // clean until written again
  st.flush(true);                                    // every open file: still fine
}

BOOST_AUTO_TEST_CASE(works_with_few_descriptors) {
  test::temp_dir dir;
  const metainfo m = odd_multi_file();
  const std::string payload = random_bytes(static_cast<std::size_t>(m.total_size), 2);
  storage st(dir.path, m, 1);
  st.create_files();
  const auto& g = st.map().geometry();
  for (std::uint32_t p = 0; p < g.piece_count(); ++p)
    st.write(p, 0, std::string_view(payload).substr(static_cast<std::size_t>(g.piece_offset(p)), g.piece_size(p)));
  for (std::uint32_t p = 0; p < g.piece_count(); ++p)
    BOOST_TEST(st.read_piece(p) == payload.substr(static_cast<std::size_t>(g.piece_offset(p)), g.piece_size(p)));
}

// 3,000 one-byte files through 8 descriptors: eviction is constant-time and
// unsynced (one syncfs covers the evicted files at the next flush), and no
// byte is lost on the way.
BOOST_AUTO_TEST_CASE(many_tiny_files_through_few_descriptors) {
  std::vector<test::file_spec> files;
  for (int i = 0; i < 3000; ++i) files.push_back({{"d" + std::to_string(i % 10), "f" + std::to_string(i)}, 1});
  const metainfo m = parse_metainfo(bencode::encode(test::make_torrent(test::make_info("many", files))));
  test::temp_dir dir;
  const std::string payload = random_bytes(3000, 4);
  storage st(dir.path, m, 8);
  st.create_files();
  const auto& g = st.map().geometry();
  for (std::uint32_t p = 0; p < g.piece_count(); ++p)
    st.write(p, 0, std::string_view(payload).substr(static_cast<std::size_t>(g.piece_offset(p)), g.piece_size(p)));
  // Written files were evicted unsynced: the flush is one descriptor of the folder.
  auto fds = st.take_dirty_descriptors();
  BOOST_REQUIRE(fds.size() == 1u);
  struct stat sb{};
  BOOST_TEST((::fstat(fds[0], &sb) == 0 && S_ISDIR(sb.st_mode)));
  BOOST_TEST(::syncfs(fds[0]) == 0);
  ::close(fds[0]);
  BOOST_TEST(st.take_dirty_descriptors().empty());
  st.flush(true);
  BOOST_TEST(read_file(dir.path + "/many/d7/f1237") == payload.substr(1237, 1));
  for (std::uint32_t p = 0; p < g.piece_count(); ++p)
    BOOST_TEST(st.read_piece(p) == payload.substr(static_cast<std::size_t>(g.piece_offset(p)), g.piece_size(p)));
}

BOOST_AUTO_TEST_CASE(symlinks_inside_the_download_dir_are_not_followed) {
  test::temp_dir dir, outside;
  const metainfo m = odd_multi_file();
  ::mkdir((dir.path + "/set").c_str(), 0755);
  // An attacker-planted link where the torrent expects a directory...
  BOOST_REQUIRE(::symlink(outside.path.c_str(), (dir.path + "/set/d").c_str()) == 0);
  storage st(dir.path, m);
  BOOST_CHECK_THROW(st.create_files(), storage_error);
  BOOST_TEST(::access((outside.path + "/b.bin").c_str(), F_OK) != 0);
  // ...and where it expects a file.
  test::temp_dir dir2;
  ::mkdir((dir2.path + "/set").c_str(), 0755);
  BOOST_REQUIRE(::symlink((outside.path + "/victim").c_str(), (dir2.path + "/set/a.bin").c_str()) == 0);
  storage st2(dir2.path, m);
  BOOST_CHECK_THROW(st2.create_files(), storage_error);
  BOOST_TEST(::access((outside.path + "/victim").c_str(), F_OK) != 0);
}

BOOST_AUTO_TEST_CASE(pad_files_never_touch_disk) {
  test::temp_dir dir;
  bencode::value info = test::make_info("set", {{{"a"}, 10}, {{".pad", "16374"}, 16374}, {{"b"}, 10}});
  info.as_dict()["files"].as_list()[1].as_dict()["attr"] = "p";
  const metainfo m = parse_metainfo(bencode::encode(test::make_torrent(info)));
  storage st(dir.path, m);
  st.create_files();
  st.write(0, 0, std::string(16384, 'x'));
  BOOST_TEST(::access((dir.path + "/set/.pad").c_str(), F_OK) != 0);
  std::string back(16384, '?');
  st.read(0, 0, back.data(), 16384);
  BOOST_TEST(back.substr(0, 10) == std::string(10, 'x'));
  BOOST_TEST(back.substr(10) == std::string(16374, '\0'));
}

BOOST_AUTO_TEST_CASE(errors_name_the_file_and_the_cause) {
  const metainfo m = odd_multi_file();
  storage st("/proc/definitely/not/writable", m);
  try {
    st.create_files();
    BOOST_FAIL("created files under /proc");
  } catch (const storage_error& e) {
    BOOST_TEST(std::string(e.what()).find("/proc/definitely") != std::string::npos);
    BOOST_TEST(e.code() != 0);
  }
  test::temp_dir dir;
  storage reader(dir.path, m); // nothing created: reads fail cleanly
  std::string buf(10, '\0');
  BOOST_CHECK_THROW(reader.read(0, 0, buf.data(), 10), storage_error);
}

BOOST_AUTO_TEST_CASE(stamps_report_size_and_mtime) {
  test::temp_dir dir;
  const metainfo m = odd_multi_file();
  storage st(dir.path, m);
  BOOST_TEST(st.stamps()[0].size == -1);
  st.create_files();
  BOOST_TEST(st.stamps()[2].size == -1); // made by its first write
  BOOST_TEST(st.stamps()[1].size == 0);  // an empty file is made at once
  st.write(0, 0, std::string(100, 'a')); // piece 0 spans a.bin and d/b.bin
  const auto stamps = st.stamps();
  BOOST_TEST(stamps[2].size == 40000);
  BOOST_TEST(stamps[2].mtime_ns > 0);
}


// An unwanted file is never created (nor its folder); its bytes in pieces
// shared with wanted files live in the parts file, and reach the file when
// it is wanted again.
BOOST_AUTO_TEST_CASE(unwanted_files_stay_off_disk_and_their_bytes_wait_in_the_parts_file) {
  test::temp_dir dir;
  const metainfo m = odd_multi_file();
  const std::string payload = random_bytes(static_cast<std::size_t>(m.total_size), 7);
  const std::string parts = dir.path + "/state/resume/x.parts";
  const unwanted_files skip_c{{true, true, true, false, true}, parts}; // d/e/c.bin, in pieces 2 and 3
  const piece_geometry g = m.make_file_map().geometry(); // a copy: the map is a temporary
  {
    storage st(dir.path + "/dl", m, 128, skip_c);
    st.create_files();
    for (std::uint32_t p = 0; p < g.piece_count(); ++p)
      st.write(p, 0, std::string_view(payload).substr(static_cast<std::size_t>(g.piece_offset(p)), g.piece_size(p)));
    st.flush();
    BOOST_TEST(::access((dir.path + "/dl/set/d/e").c_str(), F_OK) != 0);
    BOOST_TEST(read_file(dir.path + "/dl/set/d/b.bin") == payload.substr(1, 40000));
    BOOST_TEST(read_file(dir.path + "/dl/set/z") == payload.substr(56384, 5));
    for (std::uint32_t p = 0; p < g.piece_count(); ++p)
      BOOST_TEST(st.read_piece(p) == payload.substr(static_cast<std::size_t>(g.piece_offset(p)), g.piece_size(p)));
  }
  {
    // A checker's storage reads the same pieces back without creating anything.
    storage reader(dir.path + "/dl", m, 16, skip_c);
    BOOST_TEST(reader.read_piece(3) == payload.substr(static_cast<std::size_t>(g.piece_offset(3)), g.piece_size(3)));
    BOOST_TEST(::access((dir.path + "/dl/set/d/e").c_str(), F_OK) != 0);
  }
  {
    // Wanted again: the file gets its bytes at start-up.
    storage st(dir.path + "/dl", m, 128, unwanted_files{{}, parts});
    st.create_files();
    st.flush();
  }
  files_hold(dir.path + "/dl", payload);
}

// Vectored writes take the same route as single ones.
BOOST_AUTO_TEST_CASE(vectored_writes_into_unwanted_files_go_to_the_parts_file) {
  test::temp_dir dir;
  const metainfo m = odd_multi_file();
  const std::string payload = random_bytes(static_cast<std::size_t>(m.total_size), 8);
  const unwanted_files skip_b{{true, true, false, true, true}, dir.path + "/p.parts"};
  storage st(dir.path, m, 128, skip_b);
  st.create_files();
  const std::string_view all(payload);
  st.write(0, 0, std::vector<std::string_view>{all.substr(0, 5000), all.substr(5000, 11384)});
  BOOST_TEST(::access((dir.path + "/set/d/b.bin").c_str(), F_OK) != 0);
  BOOST_TEST(read_file(dir.path + "/set/a.bin") == payload.substr(0, 1));
  BOOST_TEST(read_file(dir.path + "/p.parts").substr(1) == payload.substr(1, 16383));
  BOOST_TEST(st.read_piece(0) == payload.substr(0, 16384));
  // Never written, past the end of the parts file: zeros.
  BOOST_TEST(st.read_piece(1) == std::string(16384, '\0'));
}

// A file already on disk when it became unwanted keeps being used: nothing
// of it moves, and a piece it shares still lands in it.
BOOST_AUTO_TEST_CASE(an_unwanted_file_already_on_disk_keeps_its_bytes) {
  test::temp_dir dir;
  const metainfo m = odd_multi_file();
  const std::string payload = random_bytes(static_cast<std::size_t>(m.total_size), 9);
  const piece_geometry g = m.make_file_map().geometry(); // a copy: the map is a temporary
  {
    storage st(dir.path, m);
    st.create_files();
    st.write(0, 0, std::string_view(payload).substr(0, g.piece_size(0)));
  }
  storage st(dir.path, m, 128, unwanted_files{{true, true, false, true, true}, dir.path + "/p.parts"});
  st.create_files();
  st.write(1, 0, std::string_view(payload).substr(16384, g.piece_size(1)));
  st.flush();
  BOOST_TEST(read_file(dir.path + "/set/d/b.bin").substr(0, 32767) == payload.substr(1, 32767));
  BOOST_TEST(::access((dir.path + "/p.parts").c_str(), F_OK) != 0);
}

// No parts file yet: the unwanted bytes read as zeros and nothing is created.
BOOST_AUTO_TEST_CASE(reading_before_any_parts_file_gives_zeros) {
  test::temp_dir dir;
  const metainfo m = odd_multi_file();
  storage st(dir.path, m, 128, unwanted_files{{false, true, true, true, true}, dir.path + "/p.parts"});
  std::string out(1, 'x');
  st.read(0, 0, out.data(), 1);
  BOOST_TEST(out == std::string(1, '\0'));
  BOOST_TEST(::access((dir.path + "/p.parts").c_str(), F_OK) != 0);
}

BOOST_AUTO_TEST_SUITE_END()
