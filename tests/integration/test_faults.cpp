// Fault injection, hostile peers and crash safety, end to end: the real binary
// against real libtorrent seeders, opentracker and scripted hostile peers.
#include <boost/test/unit_test.hpp>

#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <random>

#include "tests/support/actorrent_runs.hpp"

using namespace actorrent;
using namespace std::chrono_literals;
using test::run_actorrent;

BOOST_AUTO_TEST_SUITE(faults)

// --- fault injection: each kind at a real rate, and the download still ends byte-identical.
namespace {
struct fault_case {
  const char* spec;
  const char* kind;
  const char* seed = "7";
};

// Runs a download with one fault; returns its last --json line after checking
// it finished byte-identical with the fault really injected.
nlohmann::json download_with_fault(const test::swarm& s, const fault_case& f) {
  const auto dir = s.new_download_dir("dl");
  const auto r = run_actorrent({s.torrent(), "-d", dir, "-p", "0", "--fault", f.spec, "--fault-seed", f.seed}, 150s);
  BOOST_TEST_INFO(f.spec << ": " << r.err);
  BOOST_TEST(r.exit_code == 0);
  BOOST_TEST(s.verify(dir), f.spec);
  BOOST_TEST((r.last["faults"][f.kind].get<int>() > 0), f.spec << ": " << r.last.dump());
  BOOST_TEST(r.err.find("fault report: injected " + std::string(f.kind)) != std::string::npos, r.err);
  return r.last;
}
} // namespace

BOOST_AUTO_TEST_CASE(fault_peer_drop_and_peer_stall) {
  test::swarm s("--size-kib 32768 --seeders 3");
  download_with_fault(s, {"peer-drop=0.002", "peer-drop"});
  const auto stall = download_with_fault(s, {"peer-stall=0.002", "peer-stall"});
  BOOST_TEST(stall["peers_banned"] == 0);
}

BOOST_AUTO_TEST_CASE(fault_corrupt_block_refetches_and_bans_nobody) {
  test::swarm s("--size-kib 32768 --seeders 2");
  const auto last = download_with_fault(s, {"corrupt-block=0.01", "corrupt-block"});
  BOOST_TEST((last["pieces_failed"].get<int>() > 0));
  BOOST_TEST(last["peers_banned"] == 0); // we altered the data, not the seeders
}

BOOST_AUTO_TEST_CASE(fault_disk_error_and_disk_delay) {
  test::swarm s("--size-kib 32768 --seeders 2");
  const auto errors = download_with_fault(s, {"disk-error=0.01", "disk-error"});
  BOOST_TEST((errors["blocks_rerequested"].get<int>() > 0));
  BOOST_TEST(errors["pieces_failed"] == 0); // a write error is not a hash failure
  // Every write waits 3 ms: the disk is the bottleneck and backpressure holds.
  download_with_fault(s, {"disk-delay=3", "disk-delay"});
}

BOOST_AUTO_TEST_CASE(fault_tracker_fail) {
  test::swarm s("--size-kib 8192 --seeders 1");
  // Seed 3 makes the very first announce fail: no peers until the retry
  // (15 s of backoff later), which must then find them.
  const auto last = download_with_fault(s, {"tracker-fail=0.6", "tracker-fail", "3"});
  BOOST_TEST(last["elapsed_s"].get<double>() >= 14.0, last.dump());
}

// Crashes of the scheduler or the disk writer stop the download with its state
// saved (our documented choice); running again resumes and finishes.
BOOST_AUTO_TEST_CASE(fault_scheduler_and_disk_crash_stop_with_state_saved) {
  test::swarm s("--size-kib 32768 --seeders 2");
  for (const char* spec : {"scheduler-crash=0.002", "disk-crash=0.002"}) {
    const auto dir = s.new_download_dir("dl");
    const auto crashed = run_actorrent({s.torrent(), "-d", dir, "-p", "0", "--fault", spec, "--fault-seed", "7"});
    BOOST_TEST(crashed.exit_code == 1, spec << ": " << crashed.err);
    BOOST_TEST(crashed.err.find("failed (injected fault: ") != std::string::npos, crashed.err);
    BOOST_TEST(crashed.err.find("state saved, run again to resume") != std::string::npos, crashed.err);
    const std::string kind = std::string(spec).substr(0, std::string(spec).find('='));
    BOOST_TEST(crashed.err.find("fault report: injected " + kind + " 1") != std::string::npos, crashed.err);
    const auto resumed = run_actorrent({s.torrent(), "-d", dir, "-p", "0"});
    BOOST_TEST_INFO(spec << ": " << resumed.err);
    BOOST_TEST(resumed.exit_code == 0);
    BOOST_TEST(s.verify(dir), spec);
    // Whatever was verified before the crash was kept, not fetched again.
    BOOST_TEST((resumed.last["bytes_received"].get<std::int64_t>() < std::int64_t{32} << 20), spec);
  }
}

// --- hostile peers: one scripted misbehaving seeder (tests/fixtures/bad_peer.py)
// beside one honest libtorrent seeder. 31 pieces, so a bitfield has spare bits.
namespace {
struct hostile_case {
  const char* mode;
  bool banned; // the hostile peer must end up banned (others: dropped or just outlived)
};
} // namespace

BOOST_AUTO_TEST_CASE(hostile_peers_are_dropped_and_the_download_finishes) {
  const hostile_case cases[] = {
      {"wrong-hash", true},   {"garbage", true},     {"huge-frame", true},  {"bad-bitfield", true},
      {"spare-bits", true},   {"have-range", true},  {"wrong-size", true},  {"unrequested", true},
      {"corrupt-all", true},  {"flood", true},       {"wrong-offset", false}, {"silent", false},
      {"mid-block", false},   {"dribble", false}};
  for (const auto& c : cases) {
    test::swarm s(std::string("--size-kib 7900 --seeders 1 --hostile ") + c.mode);
    const auto dir = s.new_download_dir("dl");
    const auto r = run_actorrent({s.torrent(), "-d", dir, "-p", "0"}, 60s);
    BOOST_TEST_INFO(c.mode << ": " << r.err);
    BOOST_TEST(r.exit_code == 0);
    BOOST_TEST(s.verify(dir), c.mode);
    if (c.banned) BOOST_TEST((r.last["peers_banned"].get<int>() >= 1), c.mode << ": " << r.last.dump());
    // Memory stays bounded whatever the peer sends (a 4 GiB frame is refused, not buffered).
    BOOST_TEST(r.peak_rss_kib > 0);
    BOOST_TEST_MESSAGE(c.mode << ": peak RSS " << r.peak_rss_kib / 1024 << " MiB");
    // Release: 20-24 MiB measured (7.9 MB torrent, 16 MiB disk backlog).
    BOOST_TEST(r.peak_rss_kib < test::rss_bound_kib(48 * 1024), c.mode << ": peak RSS " << r.peak_rss_kib << " KiB");
  }
}

// --- crash safety: SIGKILL at 5 seeded random moments, restart after each.
BOOST_AUTO_TEST_CASE(sigkill_at_random_moments_loses_no_verified_piece) {
  test::swarm s("--size-kib 65536 --seeders 2");
  const auto dir = s.new_download_dir("dl");
  std::mt19937 rng(20261124);
  std::uniform_int_distribution<int> moment_ms(500, 3000);
  const std::vector<std::string> argv{test::binary, "--json", "--no-seed", "--no-dht", "-p", "0", "--max-download-rate", "4096",
                                      s.torrent(), "-d", dir};
  int last_seen_pieces = 0; // verified pieces the previous run reported before it was killed
  for (int kill = 0; kill < 5; ++kill) {
    test::child_process p(argv);
    const auto kill_at = std::chrono::steady_clock::now() + std::chrono::milliseconds(moment_ms(rng));
    bool first = true;
    while (std::chrono::steady_clock::now() < kill_at) {
      auto line = p.read_line(20ms);
      if (!line) continue;
      const auto j = nlohmann::json::parse(*line);
      if (j.value("checking", false)) continue;
      const int have = j["pieces_have"].get<int>();
      if (first) { // what this run starts with: everything the last one reported
        BOOST_TEST(have >= last_seen_pieces, "run " << kill << " starts with " << have << " pieces, the killed run had " << last_seen_pieces);
        first = false;
      }
      last_seen_pieces = have;
    }
    p.signal(SIGKILL);
    p.wait(5s);
    BOOST_TEST_MESSAGE("killed run " << kill << " with " << last_seen_pieces << " of 256 pieces reported");
  }
  const auto r = run_actorrent({s.torrent(), "-d", dir, "-p", "0"});
  BOOST_TEST_INFO(r.err);
  BOOST_TEST(r.exit_code == 0);
  BOOST_TEST(s.verify(dir));
  // The last run fetched only what was missing, plus what was in flight at the kill.
  const auto received = r.last["bytes_received"].get<std::int64_t>();
  const auto missing = (std::int64_t{64} << 20) - std::int64_t{last_seen_pieces} * (256 << 10);
  BOOST_TEST_MESSAGE("last run received " << received << " bytes; " << missing << " were missing");
  BOOST_TEST(received <= missing + (std::int64_t{8} << 20), received << " received, " << missing << " were missing");
}

// --- damaged resume files and files changed behind our back.
namespace {
std::string only_file_in(const std::string& dir) {
  const std::string cmd = "ls '" + dir + "'/*.resume";
  std::string out;
  if (FILE* f = ::popen(cmd.c_str(), "r")) {
    char buf[512];
    while (std::fgets(buf, sizeof buf, f)) out += buf;
    ::pclose(f);
  }
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}
} // namespace

BOOST_AUTO_TEST_CASE(bad_resume_files_and_changed_data_are_rechecked) {
  test::swarm s("--size-kib 8192 --seeders 1");
  test::swarm other("--size-kib 1024 --seeders 0");
  const auto dir = s.new_download_dir("dl");
  BOOST_REQUIRE(run_actorrent({s.torrent(), "-d", dir, "-p", "0"}).exit_code == 0);
  const std::string resume = only_file_in(dir + "/.actorrent");
  BOOST_REQUIRE(!resume.empty());
  const std::string good = [&] {
    std::ifstream in(resume, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }();
  // Another torrent's resume file, under this torrent's name: a complete
  // copy of that torrent's data writes one at once.
  BOOST_REQUIRE(run_actorrent({other.torrent(), "-d", other.source_dir(), "-p", "0"}, 30s).exit_code == 0);
  const std::string foreign = [&] {
    std::ifstream in(only_file_in(other.source_dir() + "/.actorrent"), std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }();
  BOOST_REQUIRE(!foreign.empty());
  const std::pair<const char*, std::string> damaged[] = {
      {"truncated", good.substr(0, good.size() / 2)},
      {"corrupt", std::string(good.size(), 'x')},
      {"foreign", foreign}};
  for (const auto& [what, bytes] : damaged) {
    std::ofstream(resume, std::ios::binary | std::ios::trunc) << bytes;
    const auto r = run_actorrent({s.torrent(), "-d", dir, "-p", "0"});
    BOOST_TEST_INFO(what << ": " << r.err);
    BOOST_TEST(r.exit_code == 0);
    BOOST_TEST(r.err.find("is unusable") != std::string::npos);
    BOOST_TEST(r.err.find("checking") != std::string::npos);
    BOOST_TEST(r.last["bytes_received"] == 0); // the recheck found every piece good
    BOOST_TEST(s.verify(dir));
  }
  // A byte changed behind our back (size kept, mtime moves): the piece is
  // rechecked, fails, and is fetched again.
  {
    std::fstream f(dir + "/" + s.name(), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(1 << 20);
    f.put('\x42');
  }
  ::sync();
  const auto r = run_actorrent({s.torrent(), "-d", dir, "-p", "0"});
  BOOST_TEST_INFO(r.err);
  BOOST_TEST(r.exit_code == 0);
  BOOST_TEST(r.err.find("checking") != std::string::npos);
  BOOST_TEST((r.last["bytes_received"].get<std::int64_t>() >= 256 << 10)); // at least the damaged piece
  BOOST_TEST(s.verify(dir));
}

// --- disk full: a download into a 12 MiB tmpfs stops with a clear message;
// once the filesystem grows it resumes and finishes. Needs root for mount
// (CI runs as root); elsewhere it is a CTest skip (exit 77), not a pass.
namespace {
struct tmpfs_mount {
  std::string dir;
  bool mounted = false;
  tmpfs_mount(std::string d, int mib) : dir(std::move(d)) {
    mounted = ::geteuid() == 0 &&
              std::system(("mount -t tmpfs -o size=" + std::to_string(mib) + "m tmpfs '" + dir + "' 2>/dev/null").c_str()) == 0;
  }
  bool grow(int mib) const {
    return std::system(("mount -o remount,size=" + std::to_string(mib) + "m '" + dir + "'").c_str()) == 0;
  }
  ~tmpfs_mount() {
    if (mounted) std::system(("umount '" + dir + "'").c_str());
  }
};
} // namespace

BOOST_AUTO_TEST_CASE(disk_full_stops_cleanly_and_resumes_after_space_is_freed) {
  bool can_mount = false;
  {
    test::temp_dir probe;
    can_mount = tmpfs_mount(probe.path, 1).mounted;
  }
  if (!can_mount) test::skip_test("cannot mount a tmpfs here (not root?): the disk-full test needs one");
  test::swarm s("--size-kib 32768 --seeders 2");
  const auto dir = s.new_download_dir("small");
  tmpfs_mount fs(dir, 12);
  BOOST_REQUIRE(fs.mounted);
  const auto full = run_actorrent({s.torrent(), "-d", dir, "-p", "0"});
  BOOST_TEST(full.exit_code == 1, full.err);
  BOOST_TEST(full.err.find("No space left on device") != std::string::npos, full.err);
  BOOST_TEST(full.err.find("disk full: free some space and run again to resume") != std::string::npos, full.err);
  BOOST_REQUIRE(fs.grow(64));
  const auto resumed = run_actorrent({s.torrent(), "-d", dir, "-p", "0"});
  BOOST_TEST_INFO(resumed.err);
  BOOST_TEST(resumed.exit_code == 0);
  BOOST_TEST(s.verify(dir));
  // What fitted before was kept (about 12 MiB), not fetched again.
  BOOST_TEST((resumed.last["bytes_received"].get<std::int64_t>() < std::int64_t{28} << 20), resumed.last.dump());
}

BOOST_AUTO_TEST_SUITE_END()
