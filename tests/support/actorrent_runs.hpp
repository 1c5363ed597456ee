#pragma once
// Running the real actorrent binary in integration tests: to the end, or
// watched line by line (--json), as a seeder, with its peak memory.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/child_process.hpp"
#include "tests/support/process.hpp"
#include "tests/support/swarm.hpp"

namespace actorrent::test {

using namespace std::chrono_literals;

// A field of /proc/PID/status in KiB (0 if the process is gone).
inline long status_kib(pid_t pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string key;
  long value = 0;
  while (in >> key) {
    if (key == field) {
      in >> value;
      return value;
    }
    in.ignore(1 << 12, '\n');
  }
  return 0;
}

// A memory bound measured on the Release build, in KiB. Under AddressSanitizer
// freed memory stays resident in its quarantine (256 MiB by default) and every
// allocation carries redzones, so there the bound only catches runaway growth;
// the Release run holds the real figure.
inline long rss_bound_kib(long release_kib) {
#ifdef ACTORRENT_TESTS_UNDER_ASAN
  return 2 * release_kib + 320 * 1024;
#else
  return release_kib;
#endif
}

// Peak and current resident memory of a running process, KiB.
inline long peak_rss_kib(pid_t pid) { return status_kib(pid, "VmHWM:"); }
inline long rss_kib(pid_t pid) { return status_kib(pid, "VmRSS:"); }

inline const std::string binary = ACTORRENT_BINARY;

// Tests stay on 127.0.0.1: no DHT (whose default routers are public) unless
// the test names its own bootstrap node.
inline void add_dht_flags(std::vector<std::string>& argv, const std::vector<std::string>& args) {
  for (const auto& a : args)
    if (a == "--dht-bootstrap" || a == "--no-dht") return;
  argv.push_back("--no-dht");
}

struct run_result {
  int exit_code = -1;
  nlohmann::json last; // the last --json status line
  std::string err;
  long peak_rss_kib = 0;
};

// Runs actorrent --json to the end (or kills it after `limit`).
inline run_result run_actorrent(const std::vector<std::string>& args, std::chrono::seconds limit = 120s) {
  std::vector<std::string> argv{binary, "--json", "--no-seed"};
  add_dht_flags(argv, args);
  argv.insert(argv.end(), args.begin(), args.end());
  child_process p(argv);
  run_result r;
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    auto line = p.read_line(500ms);
    if (!line) {
      if (auto code = p.wait(0ms)) break;
      continue;
    }
    r.last = nlohmann::json::parse(*line);
    r.peak_rss_kib = std::max(r.peak_rss_kib, peak_rss_kib(p.pid()));
  }
  auto code = p.wait(5s);
  r.exit_code = code.value_or(-2);
  // The kernel's figure covers runs shorter than one status line, too.
  r.peak_rss_kib = std::max(r.peak_rss_kib, p.peak_rss_kib());
  r.err = p.stderr_text();
  return r;
}

// Runs a Python fixture, tests/fixtures/SCRIPT ARGS..., that must succeed and
// report as JSON on its last line of output.
inline nlohmann::json run_fixture(const std::string& script, const std::vector<std::string>& args) {
  std::vector<std::string> argv{ACTORRENT_PYTHON, std::string(ACTORRENT_FIXTURES) + "/" + script};
  argv.insert(argv.end(), args.begin(), args.end());
  const auto r = run_process(argv);
  BOOST_TEST_INFO(r.err);
  BOOST_REQUIRE(r.exit_code == 0);
  std::string out = r.out;
  while (!out.empty() && out.back() == '\n') out.pop_back();
  const auto last = out.rfind('\n');
  return nlohmann::json::parse(last == std::string::npos ? out : out.substr(last + 1));
}

// Debian transmission-cli's client, or empty when it is not installed.
inline std::string transmission_remote() {
  for (const char* p : {"/usr/bin/transmission-remote", "/usr/local/bin/transmission-remote"})
    if (::access(p, X_OK) == 0) return p;
  return {};
}

inline std::uint16_t free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

// An actorrent seeding `s`'s payload; returns once it reports being complete.
inline std::unique_ptr<child_process> start_seeder(const swarm& s, std::uint16_t port = 0,
                                                   const std::vector<std::string>& extra = {}) {
  std::vector<std::string> argv{binary, "--json", "--no-dht", "-p", std::to_string(port), s.torrent(), "-d", s.source_dir()};
  argv.insert(argv.end(), extra.begin(), extra.end());
  auto p = std::make_unique<child_process>(argv);
  while (auto line = p->read_line(30s)) {
    const auto j = nlohmann::json::parse(*line);
    if (!j.value("checking", false) && j.value("progress", 0.0) >= 1.0) return p;
  }
  BOOST_FAIL("the seeder never became complete: " << p->stderr_text());
  return p;
}

// Stops a seeder with SIGINT; returns its last status line.
inline nlohmann::json stop_seeder(child_process& p) {
  p.signal(SIGINT);
  nlohmann::json last;
  while (auto line = p.read_line(10s)) last = nlohmann::json::parse(*line);
  BOOST_TEST(p.wait(10s).value_or(-2) == 130);
  return last;
}

// An actorrent run whose --json lines are read as they come.
struct watched_run {
  std::unique_ptr<child_process> process;
  nlohmann::json last;
  std::vector<nlohmann::json> lines;
  bool complete() const { return !last.is_null() && last.value("progress", 0.0) >= 1.0 && !last.value("checking", false); }
};

inline watched_run watch_actorrent(const std::vector<std::string>& args) {
  std::vector<std::string> argv{binary, "--json", "-p", "0"}; // any free port: tests run in parallel
  add_dht_flags(argv, args);
  argv.insert(argv.end(), args.begin(), args.end());
  return watched_run{std::make_unique<child_process>(argv), {}, {}};
}

// Reads every run's new lines until `done()` holds or `limit` passes; false on timeout.
template <class Done>
inline bool poll_runs(std::vector<watched_run*> runs, Done done, std::chrono::seconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    for (auto* r : runs)
      while (auto line = r->process->read_line(50ms)) {
        r->last = nlohmann::json::parse(*line);
        r->lines.push_back(r->last);
      }
  }
  return true;
}

} // namespace actorrent::test
