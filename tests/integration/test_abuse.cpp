// Resource attacks on a seeder and a leecher, on 127.0.0.1: connection
// churn at the limit, slot squatters, peers that never read, a tracker that
// floods us with peers. Each bound is the figure from issue 15's report of
// today's behaviour, well inside it; the attacks come from
// tests/fixtures/abuser.py and fake_tracker.py.
#include <boost/test/unit_test.hpp>

#include <dirent.h>

#include <fstream>

#include "tests/support/actorrent_runs.hpp"

using namespace actorrent;
using namespace std::chrono_literals;
using test::child_process;
using test::free_port;
using test::start_seeder;
using test::stop_seeder;

namespace {

int open_fds(pid_t pid) {
  int n = 0;
  DIR* d = ::opendir(("/proc/" + std::to_string(pid) + "/fd").c_str());
  while (dirent* e = d ? ::readdir(d) : nullptr) n += e->d_name[0] != '.';
  if (d) ::closedir(d);
  return n;
}

std::unique_ptr<child_process> abuser(const test::swarm& s, std::uint16_t port, const std::string& mode, int count) {
  return std::make_unique<child_process>(std::vector<std::string>{ACTORRENT_PYTHON, std::string(ACTORRENT_FIXTURES) + "/abuser.py",
                                                                  s.torrent(), std::to_string(port), mode, std::to_string(count)});
}

// The next JSON line of a fixture that has `key`, within `limit`.
nlohmann::json line_with(child_process& p, const std::string& key, std::chrono::seconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline)
    if (auto line = p.read_line(500ms)) {
      auto j = nlohmann::json::parse(*line);
      if (j.contains(key)) return j;
    }
  BOOST_FAIL("no '" << key << "' line within the limit: " << p.stderr_text());
  return {};
}

// The newest line with `key` a fixture printed so far (it prints one a second).
nlohmann::json latest_line_with(child_process& p, const std::string& key) {
  nlohmann::json latest = line_with(p, key, 10s);
  while (auto line = p.read_line(100ms)) { // what is already in the pipe
    auto j = nlohmann::json::parse(*line);
    if (j.contains(key)) latest = j;
  }
  return latest;
}

// Reads a running actorrent's status lines until `done(line)` or the limit.
template <class Done>
nlohmann::json status_until(child_process& p, Done done, std::chrono::seconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  nlohmann::json last;
  while (std::chrono::steady_clock::now() < deadline)
    if (auto line = p.read_line(500ms)) {
      last = nlohmann::json::parse(*line);
      if (done(last)) return last;
    }
  BOOST_FAIL("condition not reached; last status: " << last.dump() << "\n" << p.stderr_text());
  return last;
}

} // namespace

BOOST_AUTO_TEST_SUITE(abuse)

// Issue 15: 200 connect/close cycles at --max-peers 5 took fds 8 -> 192 and
// RSS 20 -> 68 MiB, never freed. Now 2,000 cycles: fds back to baseline.
BOOST_AUTO_TEST_CASE(refused_connections_are_closed_at_once) {
  test::swarm s("--size-kib 4096 --seeders 0");
  const auto port = free_port();
  auto seeder = start_seeder(s, port, {"--max-peers", "5"});
  const int baseline = open_fds(seeder->pid());
  const long rss_before = test::rss_kib(seeder->pid());
  auto holders = abuser(s, port, "hold", 5);
  BOOST_TEST(line_with(*holders, "held", 30s)["held"] == 5);
  const auto churn = test::run_fixture("abuser.py", {s.torrent(), std::to_string(port), "churn", "2000"});
  BOOST_TEST(churn["cycles"] == 2000);
  // The five holders (or newcomers that replaced them) and nothing else.
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  int fds = open_fds(seeder->pid());
  while (fds > baseline + 5 && std::chrono::steady_clock::now() < deadline) {
    seeder->read_line(200ms);
    fds = open_fds(seeder->pid());
  }
  BOOST_TEST(fds <= baseline + 5, "fds " << baseline << " -> " << fds);
  const long rss_after = test::rss_kib(seeder->pid());
  BOOST_TEST_MESSAGE("2,000 refused connections: fds " << baseline << " -> " << fds << " (5 held), RSS "
                                                       << rss_before / 1024 << " -> " << rss_after / 1024 << " MiB");
  BOOST_TEST(rss_after - rss_before < test::rss_bound_kib(16 * 1024), "RSS " << rss_before << " -> " << rss_after << " KiB");
  holders.reset();
  // Still serving.
  const auto dir = s.new_download_dir("lt");
  BOOST_TEST(s.leech_with_libtorrent(dir));
  BOOST_TEST(s.verify(dir));
}

// A connection that never sends its handshake holds a slot for 10 s at most
// (libtorrent's handshake_timeout; it was 20 s).
BOOST_AUTO_TEST_CASE(silent_connections_are_closed_after_10_seconds) {
  test::swarm s("--size-kib 1024 --seeders 0");
  const auto port = free_port();
  auto seeder = start_seeder(s, port);
  const auto r = test::run_fixture("abuser.py", {s.torrent(), std::to_string(port), "silent", "3"});
  BOOST_TEST_MESSAGE("silent connections closed after " << r["closed_after"].dump() << " s");
  for (const auto& after : r["closed_after"]) {
    BOOST_TEST_REQUIRE(after.is_number(), r.dump());
    BOOST_TEST(after.get<double>() >= 9.0);
    BOOST_TEST(after.get<double>() <= 13.0); // checked on the peer's 1-s tick
  }
}

// Issue 15: a seeder restarted on its port right after the last one exited
// moved to the next port (the listening socket lacked SO_REUSEADDR, and the
// last run's connections were in TIME_WAIT).
BOOST_AUTO_TEST_CASE(a_seeder_restarted_on_its_port_gets_it_back) {
  test::swarm s("--size-kib 2048 --seeders 0");
  const auto port = free_port();
  for (int run = 1; run <= 2; ++run) {
    auto seeder = start_seeder(s, port);
    const auto dir = s.new_download_dir("lt" + std::to_string(run));
    BOOST_TEST(s.leech_with_libtorrent(dir, 60)); // leaves connections to close on our side
    BOOST_TEST(s.verify(dir));
    stop_seeder(*seeder);
    BOOST_TEST(seeder->stderr_text().find("is taken") == std::string::npos, "run " << run << ": " << seeder->stderr_text());
  }
}

// Issue 15: 50 peers that handshake and then only send keep-alives held every
// slot; an honest leecher never got in.
BOOST_AUTO_TEST_CASE(squatters_cannot_keep_an_honest_leecher_out) {
  test::swarm s("--size-kib 8192 --seeders 0");
  const auto port = free_port();
  auto seeder = start_seeder(s, port, {"--max-peers", "50"});
  auto squatters = abuser(s, port, "hold", 50);
  BOOST_TEST(line_with(*squatters, "held", 30s)["held"] == 50);
  // Every slot is taken, and by now each squatter has shown it wants nothing.
  status_until(*seeder, [](const nlohmann::json& j) { return j["peers_connected"] == 50 && j["peers_idle"] == 50; }, 30s);
  const auto dir = s.new_download_dir("lt");
  const auto started = std::chrono::steady_clock::now();
  BOOST_TEST(s.leech_with_libtorrent(dir, 60));
  BOOST_TEST_MESSAGE("honest leecher among 50 squatters: done in "
                     << std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count() << " s");
  BOOST_TEST(s.verify(dir));
  // The leecher took a squatter's slot; the rest still hold theirs.
  BOOST_TEST(latest_line_with(*squatters, "still_held")["still_held"].get<int>() < 50);
}

// Issue 15: 5 peers that request 10,000 valid blocks each and never read grew
// the seeder to 656 MiB and rising, and what was queued counted as uploaded.
BOOST_AUTO_TEST_CASE(peers_that_never_read_cannot_grow_the_seeder) {
  test::swarm s("--size-kib 16384 --seeders 0");
  const auto port = free_port();
  auto seeder = start_seeder(s, port);
  const long rss_before = test::rss_kib(seeder->pid());
  auto flooders = abuser(s, port, "no-read", 5);
  BOOST_TEST(line_with(*flooders, "flooding", 60s)["flooding"] == 5);
  // The attack is observed until the flooders have sent everything (or the
  // seeder dropped them all), at most 40 s on a loaded machine.
  long rss_peak = 0;
  const auto deadline = std::chrono::steady_clock::now() + 40s;
  std::optional<std::string> done;
  while (!done && std::chrono::steady_clock::now() < deadline) {
    done = flooders->read_line(200ms);
    rss_peak = std::max(rss_peak, test::rss_kib(seeder->pid()));
    seeder->read_line(10ms);
  }
  BOOST_TEST_MESSAGE("non-reading peers: " << done.value_or("still sending after 40 s") << ", seeder RSS "
                                            << rss_before / 1024 << " -> peak " << rss_peak / 1024 << " MiB");
  BOOST_TEST(rss_peak - rss_before < test::rss_bound_kib(64 * 1024), "RSS " << rss_before << " -> " << rss_peak << " KiB");
  // An honest leecher is still served, then the count: only bytes written to
  // a socket are uploaded (the flooders' kernel buffers hold a few MiB each).
  const auto dir = s.new_download_dir("lt");
  BOOST_TEST(s.leech_with_libtorrent(dir, 60));
  BOOST_TEST(s.verify(dir));
  const auto last = stop_seeder(*seeder);
  const auto uploaded = last["bytes_uploaded"].get<std::int64_t>();
  BOOST_TEST(uploaded >= std::int64_t{16} << 20, last.dump());
  BOOST_TEST(uploaded < (std::int64_t{16} << 20) + (std::int64_t{64} << 20), "uploaded " << uploaded);
  BOOST_TEST_MESSAGE("uploaded " << uploaded / 1048576.0 << " MiB (16 MiB of it to the honest leecher)");
}

// Issue 15: a tracker returning 174,000 new peers per announce grew RSS to
// 754 MiB in 135 s. The known-peer list is capped at 3,000 (as libtorrent's),
// and the tracker's 1-s interval is clamped, so the second announce comes
// 30 s later.
BOOST_AUTO_TEST_CASE(a_tracker_flooding_peers_cannot_grow_the_peer_list) {
  test::swarm s("--size-kib 1024 --seeders 0 --tiers peer-flood");
  const auto dir = s.new_download_dir("dl");
  auto run = test::watch_actorrent({s.torrent(), "-d", dir});
  long rss_peak = 0;
  std::size_t announces = 0;
  nlohmann::json last;
  const auto deadline = std::chrono::steady_clock::now() + 90s;
  while (announces < 2 && std::chrono::steady_clock::now() < deadline) {
    if (auto line = run.process->read_line(500ms)) last = nlohmann::json::parse(*line);
    rss_peak = std::max(rss_peak, test::rss_kib(run.process->pid()));
    if (!last.is_null()) BOOST_TEST_REQUIRE(last["peers_known"].get<int>() <= 3000, last.dump());
    announces = test::fake_tracker_log(s, "peer-flood").size();
  }
  BOOST_TEST(announces >= 2u);
  // A status line after the second reply was taken in.
  last = status_until(*run.process, [](const nlohmann::json&) { return true; }, 5s);
  BOOST_TEST(last["peers_known"].get<int>() <= 3000, last.dump());
  BOOST_TEST(last["peers_known"].get<int>() >= 1000, last.dump());
  BOOST_TEST_MESSAGE("peer flood: peak RSS " << rss_peak / 1024 << " MiB, " << last["peers_known"] << " peers known");
  BOOST_TEST(rss_peak < test::rss_bound_kib(100 * 1024), "peak RSS " << rss_peak << " KiB");
}

// Issue 15: a complete seeder never dialled out, so a leecher that cannot
// accept connections... here the reverse: one that only accepts them (as a
// leecher behind NAT looks from the other side) never got a byte.
BOOST_AUTO_TEST_CASE(a_seeder_dials_a_leecher_that_never_dials_out) {
  test::swarm s("--size-kib 2048 --seeders 0");
  child_process leecher({ACTORRENT_PYTHON, std::string(ACTORRENT_FIXTURES) + "/passive_leecher.py", s.torrent(), "60"});
  line_with(leecher, "announced", 30s); // the tracker knows it before the seeder's first announce
  auto seeder = start_seeder(s);
  const auto verdict = line_with(leecher, "complete", 90s);
  BOOST_TEST(verdict["complete"] == true, verdict.dump());
}

BOOST_AUTO_TEST_SUITE_END()
