// The DHT node against real libtorrent DHT nodes on 127.0.0.20+, and raw KRPC
// (tests/fixtures/krpc_probe.py) against ours.
#include <boost/test/unit_test.hpp>

#include <signal.h>
#include <sys/stat.h>

#include <fstream>
#include <regex>
#include <thread>

#include "tests/support/actorrent_runs.hpp"
#include "tests/support/process.hpp"

using namespace actorrent;
using namespace std::chrono_literals;
using test::run_actorrent;

namespace {

// A seeding actorrent with its DHT node on a known port; returns once complete.
std::unique_ptr<test::child_process> dht_seeder(const test::swarm& s, std::uint16_t port, const std::string& bootstrap) {
  auto p = std::make_unique<test::child_process>(std::vector<std::string>{
      test::binary, "--json", "-p", std::to_string(port), "--dht-bootstrap", bootstrap, s.torrent(), "-d", s.source_dir()});
  while (auto line = p->read_line(30s)) {
    const auto j = nlohmann::json::parse(*line);
    if (!j.value("checking", false) && j.value("progress", 0.0) >= 1.0) return p;
  }
  BOOST_FAIL("the seeder never became complete: " << p->stderr_text());
  return p;
}

double seconds_in(const std::string& text, const std::string& before) {
  std::smatch m;
  if (!std::regex_search(text, m, std::regex(before + " ([0-9.]+) s"))) return -1;
  return std::stod(m[1]);
}

} // namespace

BOOST_AUTO_TEST_SUITE(dht)

BOOST_AUTO_TEST_CASE(bare_magnet_finds_a_seeder_that_only_announced_to_the_dht) {
  test::swarm s("--size-kib 8192 --seeders 0");
  const auto swarm = test::run_fixture("swarm.py", {"dht-swarm", s.work(), "--nodes", "4", "--seed"});
  const std::string bootstrap = swarm["bootstrap"];
  const auto dir = s.new_download_dir("dl");
  // No tracker, no x.pe: the info-hash alone.
  const auto started = std::chrono::steady_clock::now();
  const auto r = run_actorrent({"magnet:?xt=urn:btih:" + s.info_hash(), "-d", dir, "-p", "0", "--dht-bootstrap", bootstrap}, 90s);
  const double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  BOOST_TEST_INFO(r.err);
  BOOST_TEST(r.exit_code == 0);
  BOOST_TEST(s.verify(dir));
  BOOST_TEST(r.last["dht_nodes"].get<int>() >= 0); // reported (a DHT is running)
  const double metadata_s = seconds_in(r.err, "metadata received and verified in");
  BOOST_TEST(metadata_s >= 0);
  // The routing table is kept for the next run: our id and at least one node (65 bytes of bencode).
  struct stat st{};
  BOOST_TEST(::stat((dir + "/.actorrent/dht.dat").c_str(), &st) == 0);
  BOOST_TEST(st.st_size >= 65);
  // libtorrent on the same swarm, the same way, for comparison (printed, not asserted).
  const auto lt = test::run_fixture("swarm.py", {"leech-libtorrent", s.work(), s.new_download_dir("lt"), "--timeout", "60",
                                       "--dht", bootstrap});
  BOOST_TEST_MESSAGE("bare magnet over the DHT, 8 MiB: actorrent metadata after " << metadata_s
                     << " s, process done (complete, saved, exited) after " << wall_s << " s; libtorrent metadata after "
                     << lt["metadata_seconds"] << " s, complete after " << lt["seconds"] << " s");
}

BOOST_AUTO_TEST_CASE(libtorrent_finds_an_actorrent_seeder_through_the_dht) {
  test::swarm s("--size-kib 8192 --seeders 0");
  const auto swarm = test::run_fixture("swarm.py", {"dht-swarm", s.work(), "--nodes", "4"});
  const auto port = test::free_port();
  auto seeder = dht_seeder(s, port, swarm["bootstrap"]);
  // Its get_peers lookup, then the announce to the closest nodes: wait for the announce.
  bool announced = false;
  for (auto deadline = std::chrono::steady_clock::now() + 30s; !announced && std::chrono::steady_clock::now() < deadline;)
    if (auto line = seeder->read_line(500ms)) announced = nlohmann::json::parse(*line).value("dht_announces", 0) > 0;
  BOOST_REQUIRE_MESSAGE(announced, "the seeder never announced to the DHT: " << seeder->stderr_text());
  const auto dir = s.new_download_dir("lt");
  const auto lt = test::run_fixture("swarm.py", {"leech-libtorrent", s.work(), dir, "--timeout", "60", "--dht", swarm["bootstrap"]});
  BOOST_TEST(s.verify(dir));
  test::stop_seeder(*seeder);
}

BOOST_AUTO_TEST_CASE(nodes_are_learnt_from_peers_port_messages_and_kept_for_the_next_run) {
  // The only bootstrap node never answers; the libtorrent seeder (a DHT node
  // too) is reached through x.pe. Its BEP 5 PORT message is how our node learns it.
  test::swarm s("--size-kib 1024 --seeders 0");
  const auto swarm = test::run_fixture("swarm.py", {"dht-swarm", s.work(), "--nodes", "1", "--seed"});
  const auto dir = s.new_download_dir("dl");
  const auto r = run_actorrent({"magnet:?xt=urn:btih:" + s.info_hash() + "&x.pe=" + swarm["seed"].get<std::string>(),
                                "-d", dir, "-p", "0", "-v", "--dht-bootstrap", "127.0.0.1:1"});
  BOOST_TEST_INFO(r.err);
  BOOST_TEST(r.exit_code == 0);
  BOOST_TEST(s.verify(dir));
  BOOST_TEST(r.err.find("named by a peer's PORT message") != std::string::npos);
  struct stat st{};
  BOOST_TEST(::stat((dir + "/.actorrent/dht.dat").c_str(), &st) == 0);
  BOOST_TEST(st.st_size >= 65); // at least one node in the saved table
  // The next run starts from the saved table: a bare magnet, the same dead
  // bootstrap node, and still the metadata comes (the data is already here).
  const auto again = run_actorrent({"magnet:?xt=urn:btih:" + s.info_hash(), "-d", dir, "-p", "0", "-v",
                                    "--dht-bootstrap", "127.0.0.1:1"}, 60s);
  BOOST_TEST_INFO(again.err);
  BOOST_TEST(again.exit_code == 0);
  BOOST_TEST(again.err.find("metadata received and verified") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(raw_krpc_queries_get_correct_answers) {
  test::swarm s("--size-kib 1024 --seeders 0");
  const auto port = test::free_port();
  auto seeder = dht_seeder(s, port, "127.0.0.1:1"); // a bootstrap node that never answers
  const auto j = test::run_fixture("krpc_probe.py", {std::to_string(port), "queries"});
  BOOST_TEST_INFO(j.dump());
  BOOST_TEST(j["ping"]["y"] == "r");
  BOOST_TEST(j["ping"]["t"] == "p1");
  BOOST_TEST(j["ping"]["id_len"] == 20);
  BOOST_TEST(j["find_node"]["y"] == "r");
  BOOST_TEST(j["find_node"]["nodes_len"].get<int>() % 26 == 0);
  BOOST_TEST(j["get_peers"]["has_token"] == true);
  BOOST_TEST(j["get_peers"]["reply_size"].get<int>() <= 4 * j["get_peers"]["query_size"].get<int>() + 64);
  BOOST_TEST(j["announce_peer"]["y"] == "r");
  // The probe's announce, from 127.0.0.7 port 6999, is what get_peers now returns.
  BOOST_TEST(j["get_peers_after"]["values"] == nlohmann::json::parse("[[127,0,0,7,6999]]"));
  BOOST_TEST(j["bad_token"]["code"] == 203);
  BOOST_TEST(j["unknown_method"]["code"] == 204);
  BOOST_TEST(j["unknown_method"]["t"] == "u1");
  // Garbage from a node costs it its place in the table, and does not hurt our node.
  BOOST_TEST(j["listed_before_garbage"] == true);
  BOOST_TEST(j["listed_after_garbage"] == false);
  BOOST_TEST(j["garbage_answered"] == true);
  BOOST_TEST(j["node_id_stable"] == true);
  test::stop_seeder(*seeder);
}

BOOST_AUTO_TEST_CASE(krpc_flood_is_rate_limited_and_the_node_stays_up) {
  test::swarm s("--size-kib 1024 --seeders 0");
  const auto port = test::free_port();
  auto seeder = dht_seeder(s, port, "127.0.0.1:1");
  const auto j = test::run_fixture("krpc_probe.py", {std::to_string(port), "flood", "5000"});
  BOOST_TEST_INFO(j.dump());
  // 50 packets a second from one IP: the burst was sent in well under a second.
  const double seconds = j["send_seconds"].get<double>() + 1.5;
  BOOST_TEST(j["answered"].get<int>() <= 50 * (static_cast<int>(seconds) + 1));
  BOOST_TEST(j["answered"].get<int>() > 0);
  BOOST_TEST(j["other_ip_answered"] == true);
  // Still seeding, still answering.
  BOOST_TEST(test::run_fixture("krpc_probe.py", {std::to_string(port), "queries"})["ping"]["y"] == "r");
  test::stop_seeder(*seeder);
}

BOOST_AUTO_TEST_SUITE_END()
