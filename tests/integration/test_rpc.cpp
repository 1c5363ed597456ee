// The Transmission RPC of a running download (--rpc-bind), on 127.0.0.1:
// the real transmission-remote reads session info and statistics, and raw
// requests (tests/fixtures/rpc_probe.py) get Transmission's answers, hostile
// ones included, while a well-behaved client is served throughout.
#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include "tests/support/actorrent_runs.hpp"

using namespace actorrent;
using namespace std::chrono_literals;
using test::free_port;
using test::transmission_remote;

BOOST_AUTO_TEST_SUITE(rpc)

BOOST_AUTO_TEST_CASE(transmission_remote_reads_session_info_and_stats) {
  const std::string remote = transmission_remote();
  if (remote.empty()) test::skip_test("transmission-remote (Debian transmission-cli) is not installed");
  test::swarm s("--size-kib 1024 --seeders 0");
  const auto rpc_port = free_port();
  auto seeder = test::start_seeder(s, 0, {"--rpc-bind", "127.0.0.1:" + std::to_string(rpc_port)});
  const std::string where = "127.0.0.1:" + std::to_string(rpc_port);
  const auto info = test::run_process({remote, where, "-si"});
  BOOST_TEST(info.exit_code == 0, info.err);
  BOOST_TEST(info.out.find("RPC version: 17") != std::string::npos, info.out);
  BOOST_TEST(info.out.find("Daemon version: actorrent") != std::string::npos, info.out);
  BOOST_TEST(info.out.find("Download directory: " + s.source_dir()) != std::string::npos, info.out);
  const auto stats = test::run_process({remote, where, "-st"});
  BOOST_TEST(stats.exit_code == 0, stats.err);
  BOOST_TEST(stats.out.find("Started 1 times") != std::string::npos, stats.out);
  test::stop_seeder(*seeder);
}

BOOST_AUTO_TEST_CASE(plain_and_hostile_requests_get_transmission_answers) {
  test::swarm s("--size-kib 1024 --seeders 0");
  const auto rpc_port = free_port();
  auto seeder = test::start_seeder(s, 0, {"--rpc-bind", "127.0.0.1:" + std::to_string(rpc_port)});
  const long rss_before = test::rss_kib(seeder->pid());
  const auto j = test::run_fixture("rpc_probe.py", {std::to_string(rpc_port)});
  const long rss_after = test::rss_kib(seeder->pid());
  BOOST_TEST_MESSAGE("rpc probe: " << j.dump() << "; seeder RSS " << rss_before / 1024 << " -> " << rss_after / 1024 << " MiB");
  // 300 connections, a client that never reads 1.3 MB of answers, a 1 GiB
  // Content-Length: a few MiB at most (1 MiB unsent and 1 MiB read ahead per connection).
  BOOST_TEST(rss_after - rss_before < test::rss_bound_kib(32 * 1024), "RSS " << rss_before << " -> " << rss_after << " KiB");
  BOOST_TEST(j["no_session"]["status"] == 409);
  BOOST_TEST(j["no_session"]["session_id_given"] == 48);
  BOOST_TEST(j["session_get"]["status"] == 200);
  BOOST_TEST(j["session_get"]["result"] == "success");
  BOOST_TEST(j["session_get"]["tag"] == 5);
  BOOST_TEST(j["session_get"]["rpc_version"] == 17);
  BOOST_TEST(j["foreign_host"] == 421);
  BOOST_TEST(j["bad_json"] == "invalid JSON");
  BOOST_TEST(j["wrong_types"] == "no method name");
  BOOST_TEST(j["unknown_method"] == "method name not recognized");
  const auto keys = j["engine_stats_keys"];
  BOOST_TEST((std::find(keys.begin(), keys.end(), "actors") != keys.end()), keys.dump());
  BOOST_TEST(j["pipelined_tags"] == nlohmann::json::parse("[1,2,3]"));
  BOOST_TEST(j["served_after_no_read"] == 200);
  BOOST_TEST(j["huge_body"]["status"] == 413);
  BOOST_TEST(j["huge_body"]["closed"] == true);
  BOOST_TEST(j["endless_headers"]["status"] == 431);
  BOOST_TEST(j["endless_headers"]["sent_kib"].get<int>() <= 20);
  BOOST_TEST(j["flood"]["held"] == 300);
  BOOST_TEST(j["flood"]["served"] == 5); // every request of the well-behaved client, during the flood
  BOOST_TEST(j["flood"]["held_closed_by_server"].get<int>() >= 300 - 64);
  // The download went on serving: the seeder still answers with a status line.
  test::stop_seeder(*seeder);
}

BOOST_AUTO_TEST_CASE(bad_rpc_options_are_one_line_errors) {
  for (const std::vector<std::string>& args : {std::vector<std::string>{"--rpc-bind", "localhost:9091"},
                                               std::vector<std::string>{"--rpc-bind", "0.0.0.0:9091"},
                                               std::vector<std::string>{"--rpc-auth-file", "/etc/hostname"}}) {
    std::vector<std::string> argv{test::binary};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.push_back("x.torrent");
    const auto r = test::run_process(argv);
    BOOST_TEST(r.exit_code == 2, r.err);
    BOOST_TEST(std::count(r.err.begin(), r.err.end(), '\n') == 1, r.err);
  }
}

BOOST_AUTO_TEST_SUITE_END()
