#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstdio>
#include <fstream>

#include <nlohmann/json.hpp>

#include "protocol/metainfo/metainfo.hpp"
#include "tests/support/malformed_corpus.hpp"
#include "tests/support/process.hpp"
#include "tests/support/torrent_builder.hpp"

using namespace actorrent;
using test::run_process;

namespace {

const std::string binary = ACTORRENT_BINARY;

struct temp_torrent {
  std::string path;
  explicit temp_torrent(const std::string& bytes) {
    char name[] = "/tmp/actorrent-show-XXXXXX";
    const int fd = mkstemp(name);
    BOOST_REQUIRE(fd >= 0);
    ::close(fd);
    path = name;
    std::ofstream(path, std::ios::binary) << bytes;
  }
  ~temp_torrent() { std::remove(path.c_str()); }
};

std::size_t lines(const std::string& s) { return static_cast<std::size_t>(std::count(s.begin(), s.end(), '\n')); }

std::string multi_file_torrent() {
  bencode::value info = test::make_info("album", {{{"a.flac"}, 30000}, {{"sub", "b.jpg"}, 5000}}, 16384);
  bencode::value root = test::make_torrent(info);
  root.as_dict()["comment"] = "evil\x1b[31m comment\nsecond line";
  root.as_dict()["announce-list"] = bencode::value::list{bencode::value::list{"http://t1/announce"},
                                                        bencode::value::list{"udp://t2:80"}};
  return bencode::encode(root);
}

} // namespace

BOOST_AUTO_TEST_SUITE(show)

BOOST_AUTO_TEST_CASE(prints_the_torrent) {
  const temp_torrent t(multi_file_torrent());
  const auto m = parse_metainfo(multi_file_torrent());
  const auto r = run_process({binary, "show", t.path});
  BOOST_TEST(r.exit_code == 0);
  BOOST_TEST(r.err.empty());
  for (const std::string& want : std::vector<std::string>{"Name: album", "Hash: " + to_hex(m.info_hash), "Piece Count: 3",
                                 "Piece Size: 16.00 KiB", "Total Size: 34.18 KiB (35000 bytes)",
                                 "Privacy: Public torrent", "Tier #1\n  http://t1/announce",
                                 "Tier #2\n  udp://t2:80", "album/a.flac (29.30 KiB)", "album/sub/b.jpg (4.88 KiB)"})
    BOOST_TEST(r.out.find(want) != std::string::npos, "missing: " << want);
  // Control characters from the torrent never reach the terminal.
  BOOST_TEST(r.out.find('\x1b') == std::string::npos);
  BOOST_TEST(r.out.find("Comment: evil?[31m comment?second line") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(prints_json) {
  const temp_torrent t(multi_file_torrent());
  const auto r = run_process({binary, "show", "--json", t.path});
  BOOST_TEST(r.exit_code == 0);
  const auto j = nlohmann::json::parse(r.out);
  BOOST_TEST(j["name"] == "album");
  BOOST_TEST(j["total_size"] == 35000);
  BOOST_TEST(j["piece_count"] == 3);
  BOOST_TEST(j["files"].size() == 2u);
  BOOST_TEST(j["files"][1]["path"] == "album/sub/b.jpg");
  BOOST_TEST(j["trackers"][1][0] == "udp://t2:80");
}

// Each malformed torrent: exit code 2, one line on stderr naming the problem, nothing on stdout.
BOOST_AUTO_TEST_CASE(malformed_torrents_give_one_line_and_exit_2) {
  for (const auto& c : test::malformed_corpus()) {
    BOOST_TEST_CONTEXT(c.name) {
      const temp_torrent t(c.bytes);
      const auto r = run_process({binary, "show", t.path});
      BOOST_TEST(r.exit_code == 2);
      BOOST_TEST(r.out.empty());
      BOOST_TEST(lines(r.err) == 1u, r.err);
      BOOST_TEST(r.err.rfind("actorrent: bad torrent '", 0) == 0u);
      BOOST_TEST(r.err.find(c.expected) != std::string::npos, r.err);
    }
  }
}

BOOST_AUTO_TEST_CASE(missing_and_unreadable_files) {
  auto r = run_process({binary, "show", "/nonexistent.torrent"});
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(lines(r.err) == 1u);
  BOOST_TEST(r.err.find("cannot open") != std::string::npos);
  r = run_process({binary, "show", "/tmp"});
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(lines(r.err) == 1u);
}

BOOST_AUTO_TEST_CASE(usage_errors_exit_2) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{binary}, {binary, "show"}, {binary, "--no-such-flag"}, {binary, "show", "a", "b"}}) {
    const auto r = run_process(args);
    BOOST_TEST(r.exit_code == 2);
    BOOST_TEST(lines(r.err) == 1u, r.err);
  }
}

BOOST_AUTO_TEST_CASE(help_and_version) {
  auto r = run_process({binary, "--help"});
  BOOST_TEST(r.exit_code == 0);
  BOOST_TEST(r.out.find("Examples:") != std::string::npos);
  r = run_process({binary, "--version"});
  BOOST_TEST(r.exit_code == 0);
  BOOST_TEST(r.out.rfind("actorrent ", 0) == 0u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(download_cli)

// The download command refuses bad input before starting anything.
BOOST_AUTO_TEST_CASE(bad_torrents_and_flags_exit_2_with_one_line) {
  const temp_torrent bad(test::malformed_corpus().at(20).bytes);
  const temp_torrent good(test::single_file_torrent());
  const std::vector<std::vector<std::string>> cases = {
      {binary, bad.path},
      {binary, "/nonexistent.torrent"},
      {binary, "-torrent", bad.path},                       // the Go spelling
      {binary, good.path, "--port", "70000"},
      {binary, good.path, "--max-peers", "0"},
      {binary, good.path, "--pipeline-min", "50", "--pipeline-max", "10"},
      {binary, good.path, "--fault", "nonsense=1"},
      {binary, good.path, "--fault", "peer-crash=2"},
      {binary, good.path, "--quiet", "--verbose"},
      {binary, good.path, "--ca-file", "/nonexistent.pem"},
      {binary, good.path, "--torrent", good.path},          // two torrents
      {binary, good.path, "--seed-ratio", "nan"},           // NaN passes every range check
      {binary, good.path, "--udp-tracker-timeout", "nan"},
      {binary, good.path, "--seed-ratio", "inf"},
  };
  for (const auto& args : cases) {
    const auto r = run_process(args);
    BOOST_TEST_CONTEXT(args.back()) {
      BOOST_TEST(r.exit_code == 2);
      BOOST_TEST(lines(r.err) == 1u, r.err);
      BOOST_TEST(r.out.empty());
    }
  }
}

BOOST_AUTO_TEST_CASE(help_lists_the_options_and_go_spellings) {
  const auto r = run_process({binary, "--help"});
  for (const char* want : {"--dir", "--port", "--max-peers", "--threads", "--no-seed", "--recheck", "--json",
                           "--fault", "--fault-seed", "-torrent file.torrent -dir out", "Exit codes"})
    BOOST_TEST(r.out.find(want) != std::string::npos, want);
}

BOOST_AUTO_TEST_SUITE_END()
