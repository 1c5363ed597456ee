#include <boost/test/unit_test.hpp>

#include <sys/stat.h>

#include <fstream>
#include <random>

#include "protocol/metainfo/metainfo.hpp"
#include "tests/support/files.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

using namespace actorrent;

namespace {
void random_file(const std::string& path, std::size_t size, unsigned seed) {
  std::mt19937 rng(seed);
  std::string s(size, '\0');
  for (auto& c : s) c = static_cast<char>(rng());
  test::write_file(path, s);
}
} // namespace

BOOST_AUTO_TEST_SUITE(libtorrent_create)

// `actorrent create` output: libtorrent loads it with the same info-hash and
// finds every piece hash valid against the data.
BOOST_AUTO_TEST_CASE(libtorrent_accepts_our_torrents) {
  test::temp_dir dir;
  const std::string root = dir.path + "/share";
  ::mkdir(root.c_str(), 0755);
  ::mkdir((root + "/deep").c_str(), 0755);
  ::mkdir((root + "/deep/er").c_str(), 0755);
  random_file(root + "/big.bin", 3 * 1024 * 1024 + 17, 1);
  random_file(root + "/deep/small.txt", 999, 2);
  random_file(root + "/deep/er/odd.dat", 65537, 3);
  std::ofstream(root + "/empty.txt").close();
  random_file(dir.path + "/single.iso", 2 * 1024 * 1024 - 5, 4);

  for (const auto& [path, piece_kib] : {std::pair<std::string, std::string>{root, "32"}, {root, "0"},
                                        {dir.path + "/single.iso", "64"}}) {
    BOOST_TEST_CONTEXT(path << " piece " << piece_kib) {
      const std::string out = dir.path + "/made.torrent";
      auto r = test::run_process({ACTORRENT_BINARY, "create", path, "-t", "http://127.0.0.1:1/announce", "-o", out,
                                  "--piece-size", piece_kib});
      BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
      const metainfo m = load_metainfo(out);
      r = test::run_process({ACTORRENT_PYTHON, std::string(ACTORRENT_FIXTURES) + "/lt_check_torrent.py", out, dir.path});
      BOOST_TEST(r.exit_code == 0, r.err);
      BOOST_TEST(r.out == to_hex(m.info_hash) + " ok\n");
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
