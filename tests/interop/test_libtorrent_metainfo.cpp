#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include "protocol/metainfo/bencode.hpp"
#include "protocol/metainfo/metainfo.hpp"
#include "tests/support/files.hpp"

using namespace actorrent;

namespace {

using test::read_file;

// Runs the libtorrent fixture into a fresh temporary directory.
std::string make_fixture_torrents() {
  char dir[] = "/tmp/actorrent-lt-XXXXXX";
  BOOST_REQUIRE(mkdtemp(dir) != nullptr);
  const std::string cmd = std::string(ACTORRENT_PYTHON) + " " + ACTORRENT_FIXTURES +
                          "/lt_make_torrents.py " + dir;
  BOOST_REQUIRE_MESSAGE(std::system(cmd.c_str()) == 0, "fixture failed: " << cmd);
  return dir;
}

} // namespace

BOOST_AUTO_TEST_SUITE(libtorrent_metainfo)

// Our parser must see exactly what libtorrent sees in torrents libtorrent made.
BOOST_AUTO_TEST_CASE(info_hash_and_files_match_libtorrent) {
  const std::string dir = make_fixture_torrents();
  const std::string expected_bytes = read_file(dir + "/expected.benc");
  bencode::decode_options opt;
  opt.mode = bencode::mode::lenient; // Python dicts are written in insertion order
  const bencode::value expected = bencode::decode(expected_bytes, opt);
  BOOST_REQUIRE_EQUAL(expected.as_list().size(), 3u);

  for (const auto& c : expected.as_list()) {
    const std::string torrent = c.find("torrent")->as_string();
    BOOST_TEST_CONTEXT(torrent) {
      const metainfo m = load_metainfo(torrent);
      BOOST_TEST(to_hex(m.info_hash) == c.find("info_hash")->as_string());
      BOOST_TEST(m.name == c.find("name")->as_string());
      BOOST_TEST(m.total_size == c.find("total_size")->as_integer());
      BOOST_TEST(m.piece_length == c.find("piece_length")->as_integer());
      BOOST_TEST(m.piece_count() == c.find("num_pieces")->as_integer());
      BOOST_TEST(m.is_private == (c.find("private")->as_integer() == 1));

      const auto& files = c.find("files")->as_list();
      BOOST_REQUIRE_EQUAL(m.files.size(), files.size());
      for (std::size_t i = 0; i < files.size(); ++i) {
        const auto& f = files[i].as_list();
        BOOST_TEST(m.files[i].path_string() == f[0].as_string());
        BOOST_TEST(m.files[i].length == f[1].as_integer());
        BOOST_TEST(m.files[i].pad == (f[2].as_integer() == 1));
      }

      std::vector<std::vector<std::string>> tiers;
      for (const auto& tier : c.find("trackers")->as_list()) {
        tiers.emplace_back();
        for (const auto& url : tier.as_list()) tiers.back().push_back(url.as_string());
      }
      auto ours = m.tracker_tiers;
      for (auto& tier : ours) std::sort(tier.begin(), tier.end());
      BOOST_CHECK(ours == tiers);
    }
  }
  std::system(("rm -rf " + dir).c_str());
}

BOOST_AUTO_TEST_SUITE_END()
