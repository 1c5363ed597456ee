// `actorrent daemon` driven by the real transmission-remote (Debian
// transmission-cli) on 127.0.0.1, downloading from a libtorrent swarm:
// add, list, info, files, stop/start, verify, limits, remove with data, and
// a restart that finds every torrent again.
#include <boost/test/unit_test.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <thread>

#include "tests/support/actorrent_runs.hpp"
#include "tests/support/files.hpp"

using namespace actorrent;
using namespace std::chrono_literals;
using test::free_port;
using test::transmission_remote;

namespace {


// Re-checks `holds` until it is true or `limit` passes. Each check is a whole
// process run or RPC exchange, so the pause between checks is only pacing.
template <class Pred>
bool eventually(Pred holds, std::chrono::seconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!holds()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(100ms);
  }
  return true;
}

struct daemon_run {
  std::string state, downloads, where;
  std::uint16_t rpc_port = 0;
  std::vector<std::string> extra;     // more daemon options
  std::vector<std::string> auth;      // transmission-remote's --auth, when the daemon asks for it
  std::unique_ptr<test::child_process> process;

  daemon_run(const std::string& root, std::uint16_t port, std::vector<std::string> more = {})
      : state(root + "/state"), downloads(root + "/dl"), rpc_port(port), extra(std::move(more)) {
    where = "127.0.0.1:" + std::to_string(rpc_port);
    start();
  }
  void start() {
    std::vector<std::string> argv{test::binary, "daemon", "--no-dht", "-p", "0", "--state-dir", state,
                                  "--download-dir", downloads, "--rpc-bind", where};
    argv.insert(argv.end(), extra.begin(), extra.end());
    process = std::make_unique<test::child_process>(argv);
  }
  // Waits until a condition on transmission-remote's output holds; false after the deadline.
  template <class Pred>
  bool wait_for(const std::vector<std::string>& args, Pred pred, std::chrono::seconds limit = 60s) {
    return eventually(
        [&] {
          const auto r = remote(args);
          return r.exit_code == 0 && pred(r.out);
        },
        limit);
  }
  test::process_result remote(const std::vector<std::string>& args) const {
    std::vector<std::string> argv{transmission_remote(), where};
    argv.insert(argv.end(), auth.begin(), auth.end());
    argv.insert(argv.end(), args.begin(), args.end());
    return test::run_process(argv);
  }
  // One raw RPC call (tests/fixtures/rpc_call.py); null when it failed.
  nlohmann::json call(const std::string& method, const nlohmann::json& arguments = nlohmann::json::object()) const {
    const auto r = test::run_process({ACTORRENT_PYTHON, std::string(ACTORRENT_FIXTURES) + "/rpc_call.py",
                                      std::to_string(rpc_port), method, arguments.dump()});
    if (r.exit_code != 0) return nullptr;
    return nlohmann::json::parse(r.out, nullptr, false);
  }
  nlohmann::json torrents(const std::vector<std::string>& fields) const {
    const auto j = call("torrent-get", {{"fields", fields}});
    return j.is_object() && j.value("result", "") == "success" ? j["arguments"]["torrents"] : nlohmann::json::array();
  }
  // Torrent i's own folder (the fixture names every payload alike).
  std::string folder(std::size_t i) const { return downloads + "/" + std::to_string(i); }
  // Each of the first n torrents of a --torrents swarm, byte-identical in its folder.
  void check_identical(const test::swarm& s, std::size_t n) const {
    for (std::size_t i = 0; i < n; ++i) BOOST_TEST(s.verify(folder(i), i), "torrent " << i);
  }
  // Stops the test unless the RPC answers before the deadline (a daemon without auth).
  void require_ready(std::chrono::seconds limit = 60s) const {
    const auto answers = [&] {
      const auto r = call("session-get"); // null while the daemon is not listening yet
      return r.is_object() && r.value("result", "") == "success";
    };
    BOOST_REQUIRE_MESSAGE(eventually(answers, limit),
                          "the daemon's RPC never answered: " << process->stderr_text());
  }
  int stop() {
    process->signal(SIGTERM);
    return process->wait(60s).value_or(-2);
  }
};

// A daemon in a fresh folder whose RPC answers.
struct ready_daemon {
  test::temp_dir root;
  daemon_run d{root.path, free_port()};
  ready_daemon() { d.require_ready(); }
};

void skip_without_transmission_remote() {
  if (transmission_remote().empty()) test::skip_test("transmission-remote (Debian transmission-cli) is not installed");
}

bool contains(const std::string& text, const std::string& what) { return text.find(what) != std::string::npos; }

bool exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

} // namespace

BOOST_AUTO_TEST_SUITE(daemon_rpc)

BOOST_AUTO_TEST_CASE(transmission_remote_drives_the_daemon) {
  skip_without_transmission_remote();
  test::swarm s("--size-kib 2048 --files 3 --seeders 1");
  test::temp_dir root;
  daemon_run d(root.path, free_port());
  BOOST_REQUIRE_MESSAGE(d.wait_for({"-si"}, [](const std::string& out) { return contains(out, "RPC version: 17"); }, 30s),
                        "the daemon's RPC never answered: " << d.process->stderr_text());
  const auto added = d.remote({"-a", s.torrent()});
  BOOST_TEST(added.exit_code == 0, added.err);
  BOOST_TEST(contains(added.out, "success"), added.out);
  // Done: 100 % in the list, the data byte-identical.
  BOOST_TEST_REQUIRE(d.wait_for({"-l"}, [](const std::string& out) { return contains(out, "100%"); }, 90s),
                     d.remote({"-l"}).out << d.process->stderr_text());
  BOOST_TEST(s.verify(d.downloads));
  const auto info = d.remote({"-t", "1", "-i"});
  BOOST_TEST(contains(info.out, "Name: " + s.name()), info.out);
  BOOST_TEST(contains(info.out, "Percent Done: 100%"), info.out);
  BOOST_TEST(contains(info.out, "Hash: " + s.info_hash()), info.out);
  const auto files = d.remote({"-t", "1", "-f"});
  BOOST_TEST(contains(files.out, "(3 files)"), files.out);
  // A second add of the same torrent is a duplicate, not a second torrent.
  BOOST_TEST(d.remote({"-a", s.torrent()}).exit_code == 0);
  const auto list = d.remote({"-l"}).out;
  BOOST_TEST((contains(list, "     1 ") && !contains(list, "     2 ")), list);
  // Stop, start, verify.
  BOOST_TEST(d.remote({"-t", "1", "-S"}).exit_code == 0);
  BOOST_TEST(d.wait_for({"-l"}, [](const std::string& out) { return contains(out, "Stopped"); }, 30s), d.remote({"-l"}).out);
  BOOST_TEST(d.remote({"-t", "1", "-s"}).exit_code == 0);
  BOOST_TEST(d.wait_for({"-l"}, [](const std::string& out) { return contains(out, "Seeding") || contains(out, "Idle"); }, 30s),
             d.remote({"-l"}).out);
  BOOST_TEST(d.remote({"-t", "1", "-v"}).exit_code == 0);
  BOOST_TEST(d.wait_for({"-t", "1", "-i"}, [](const std::string& out) { return contains(out, "Percent Done: 100%"); }, 60s));
  // Limits are kept and shown.
  BOOST_TEST(d.remote({"-t", "1", "-d", "100", "-u", "50"}).exit_code == 0);
  const auto limited = d.remote({"-t", "1", "-i"});
  BOOST_TEST(contains(limited.out, "Download Limit: 100"), limited.out);
  BOOST_TEST(contains(limited.out, "Upload Limit: 50"), limited.out);
  const auto stats = d.remote({"-st"});
  BOOST_TEST(stats.exit_code == 0, stats.err);
  BOOST_TEST(contains(stats.out, "Started 1 times"), stats.out);
  // A restart finds the torrent again, complete, without fetching it again.
  BOOST_TEST(d.stop() == 0, d.process->stderr_text());
  d.start();
  BOOST_TEST(d.wait_for({"-l"}, [](const std::string& out) { return contains(out, "100%"); }, 60s), d.remote({"-l"}).out);
  BOOST_TEST(contains(d.remote({"-st"}).out, "Started 2 times"));
  // Removed with its data: the files are gone.
  BOOST_TEST(d.remote({"-t", "1", "--remove-and-delete"}).exit_code == 0);
  BOOST_TEST(d.wait_for({"-l"}, [&](const std::string& out) { return !contains(out, s.name()); }, 30s), d.remote({"-l"}).out);
  BOOST_TEST(d.wait_for({"-l"}, [&](const std::string&) { return !exists(d.downloads + "/" + s.name()); }, 30s));
  BOOST_TEST(d.stop() == 0, d.process->stderr_text());
}

BOOST_AUTO_TEST_CASE(a_magnet_added_with_transmission_remote_downloads_and_is_kept) {
  skip_without_transmission_remote();
  test::swarm s("--size-kib 2048 --files 2 --seeders 1");
  ready_daemon run;
  auto& d = run.d;
  // No tracker in the link: the seeder named by x.pe serves the metadata and the data.
  const std::string magnet = "magnet:?xt=urn:btih:" + s.info_hash() + "&x.pe=127.0.0.1:" + std::to_string(s.seed_ports().at(0));
  const auto added = d.remote({"-a", magnet});
  BOOST_TEST(added.exit_code == 0, added.err);
  BOOST_TEST(contains(added.out, "success"), added.out);
  BOOST_TEST_REQUIRE(d.wait_for({"-l"}, [](const std::string& out) { return contains(out, "100%"); }, 90s),
                     d.remote({"-l"}).out << d.process->stderr_text());
  BOOST_TEST(s.verify(d.downloads));
  BOOST_TEST(contains(d.remote({"-t", "1", "-i"}).out, "Name: " + s.name()));
  BOOST_TEST(contains(d.remote({"-t", "1", "-f"}).out, "(2 files)"));
  // After a restart it is a torrent like any other: complete, its metadata kept.
  BOOST_TEST(d.stop() == 0, d.process->stderr_text());
  d.start();
  BOOST_TEST(d.wait_for({"-l"}, [](const std::string& out) { return contains(out, "100%"); }, 60s), d.remote({"-l"}).out);
  BOOST_TEST(d.stop() == 0, d.process->stderr_text());
}

BOOST_AUTO_TEST_CASE(a_request_without_the_session_id_or_from_a_foreign_host_is_refused) {
  test::temp_dir root;
  daemon_run d(root.path, free_port());
  const auto probe = [&](const std::string& host) {
    const std::string script =
        "import http.client,sys\n"
        "try:\n"
        " c=http.client.HTTPConnection('127.0.0.1'," + std::to_string(d.rpc_port) + ",timeout=5)\n"
        " c.request('POST','/transmission/rpc','{\"method\":\"session-get\"}',{'Host':'" + host + "'})\n"
        " sys.stdout.write(str(c.getresponse().status))\n"
        "except OSError:\n"
        " sys.stdout.write('down')\n";
    return test::run_process({ACTORRENT_PYTHON, "-c", script});
  };
  test::process_result r;
  eventually([&] { return (r = probe("127.0.0.1")).out == "409"; }, 30s);
  BOOST_TEST(r.out == "409");
  BOOST_TEST(probe("evil.example:9091").out == "421");
  BOOST_TEST(d.stop() == 0, d.process->stderr_text());
}

BOOST_AUTO_TEST_CASE(a_torrent_whose_folder_cannot_be_written_shows_an_error_while_the_other_finishes) {
  skip_without_transmission_remote();
  test::swarm bad("--size-kib 512 --seeders 1"), good("--size-kib 1024 --seeders 1");
  test::temp_dir root;
  // A folder under a regular file: no one, root included, can create it.
  { std::ofstream(root.path + "/plain-file") << "x"; }
  daemon_run d(root.path, free_port());
  d.require_ready();
  BOOST_TEST(d.remote({"-a", bad.torrent(), "-w", root.path + "/plain-file/sub"}).exit_code == 0);
  BOOST_TEST(d.remote({"-a", good.torrent()}).exit_code == 0);
  const auto done = [&] {
    const auto t = d.torrents({"id", "error", "errorString", "percentDone"});
    if (t.size() != 2) return false;
    return t[0]["error"] == 3 && !t[0]["errorString"].get<std::string>().empty() && t[1]["percentDone"] == 1.0;
  };
  BOOST_TEST(eventually(done, 90s), d.torrents({"id", "error", "errorString", "percentDone"}).dump() << d.process->stderr_text());
  BOOST_TEST(good.verify(d.downloads));
  const auto info = d.remote({"-t", "1", "-i"});
  BOOST_TEST(contains(info.out, "Error: "), info.out);
  BOOST_TEST(d.stop() == 0, d.process->stderr_text());
}

BOOST_AUTO_TEST_CASE(sigkill_during_ten_downloads_then_every_torrent_resumes) {
  constexpr int n = 10;
  std::vector<std::unique_ptr<test::swarm>> swarms;
  for (int i = 0; i < n; ++i) // sizes differ so that the torrents do (the fixture's payload is deterministic)
    swarms.push_back(std::make_unique<test::swarm>("--size-kib " + std::to_string(4096 + 64 * i) +
                                                   " --piece-kib 64 --seeders 1 --seeder-rate-kib 512"));
  ready_daemon run;
  auto& d = run.d;
  // Every torrent at once: Transmission's default queue would run five.
  BOOST_REQUIRE(d.call("session-set", {{"download-queue-enabled", false}}).value("result", "") == "success");
  // Each in a folder of its own: the fixture names every payload payload.bin.
  for (int i = 0; i < n; ++i)
    BOOST_REQUIRE(d.remote({"-a", swarms[i]->torrent(), "-w", d.folder(i)}).exit_code == 0);
  // Kill once every torrent has some pieces and none is complete yet.
  nlohmann::json before;
  eventually(
      [&] {
        before = d.torrents({"id", "haveValid", "totalSize"});
        bool ready = before.size() == n;
        for (const auto& t : before) ready = ready && t["haveValid"].get<std::int64_t>() >= t["totalSize"].get<std::int64_t>() / 8;
        return ready;
      },
      120s);
  d.process->signal(SIGKILL);
  d.process->wait(10s);
  std::int64_t missing = 0;
  for (const auto& t : before) missing += t["totalSize"].get<std::int64_t>() - t["haveValid"].get<std::int64_t>();
  BOOST_TEST(before.size() == std::size_t{n});
  BOOST_TEST_MESSAGE("killed with " << before.dump());
  d.start();
  const auto all_done = [&] {
    const auto t = d.torrents({"id", "percentDone"});
    if (t.size() != n) return false;
    for (const auto& one : t)
      if (one["percentDone"] != 1.0) return false;
    return true;
  };
  BOOST_TEST(eventually(all_done, 180s), d.torrents({"id", "percentDone", "errorString"}).dump() << d.process->stderr_text());
  for (int i = 0; i < n; ++i) BOOST_TEST(swarms[i]->verify(d.folder(i)));
  // The second run fetched what was missing, plus at most what was in flight (a few blocks per torrent).
  const auto stats = d.call("session-stats");
  const auto received = stats["arguments"]["current-stats"]["downloadedBytes"].get<std::int64_t>();
  BOOST_TEST_MESSAGE("after the restart: " << received << " bytes received, " << missing << " were missing");
  BOOST_TEST(received <= missing + n * (std::int64_t{1} << 20), received << " received, " << missing << " were missing");
  BOOST_TEST(d.stop() == 0, d.process->stderr_text());
}

// The threads of /proc/PID/status; -1 when unreadable.
// -G of one file: that file never appears on disk (its bytes in shared
// pieces wait in the parts file), the others are byte-identical, and the
// torrent counts as done. -g brings it back, whole.
BOOST_AUTO_TEST_CASE(an_unwanted_file_never_appears_and_the_rest_is_identical) {
  skip_without_transmission_remote();
  test::swarm s("--size-kib 2048 --files 4 --piece-kib 64 --seeders 1");
  ready_daemon run;
  auto& d = run.d;
  BOOST_TEST_REQUIRE(d.remote({"--start-paused"}).exit_code == 0);
  BOOST_TEST_REQUIRE(d.remote({"-a", s.torrent()}).exit_code == 0);
  // The middle file with data: its first and last pieces hold bytes of its neighbours.
  const auto listed = d.torrents({"files"});
  BOOST_TEST_REQUIRE(listed.size() == 1u);
  const auto& files = listed[0]["files"];
  std::vector<std::size_t> with_data;
  for (std::size_t i = 0; i < files.size(); ++i)
    if (files[i]["length"].get<std::int64_t>() > 0) with_data.push_back(i);
  BOOST_TEST_REQUIRE(with_data.size() >= 3u);
  const std::size_t skipped = with_data[with_data.size() / 2];
  const std::string skipped_name = files[skipped]["name"];
  BOOST_TEST_REQUIRE(d.remote({"-t", "1", "-G", std::to_string(skipped)}).exit_code == 0);
  BOOST_TEST_REQUIRE(d.remote({"-t", "1", "-s"}).exit_code == 0);
  BOOST_TEST_REQUIRE(d.wait_for({"-l"}, [](const std::string& out) { return contains(out, "100%"); }, 90s),
                     d.remote({"-l"}).out << d.process->stderr_text());
  BOOST_TEST(!exists(d.downloads + "/" + skipped_name), skipped_name << " was created");
  for (std::size_t i = 0; i < files.size(); ++i) {
    const std::string name = files[i]["name"];
    if (i == skipped) continue;
    BOOST_TEST((test::read_file(d.downloads + "/" + name) == test::read_file(s.source_dir() + "/" + name)), name);
  }
  BOOST_TEST(exists(d.state + "/resume/" + s.info_hash() + ".parts"));
  const auto shown = d.remote({"-t", "1", "-f"}).out;
  BOOST_TEST(contains(shown, "No "), shown);
  // Wanted again: fetched, the bytes kept aside moved in, the whole tree identical.
  BOOST_TEST_REQUIRE(d.remote({"-t", "1", "-g", std::to_string(skipped)}).exit_code == 0);
  BOOST_TEST_REQUIRE(eventually([&] { return s.verify(d.downloads); }, 90s), d.remote({"-t", "1", "-f"}).out);
  BOOST_TEST(d.stop() == 0, d.process->stderr_text());
}

int threads_of(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("Threads:", 0) == 0) return std::stoi(line.substr(8));
  return -1;
}

// The engine's threads are a fixed set: fifty torrents downloading at once
// (each announcing, dialling, checking at start, writing, flushing, saving
// its resume file) run on the very threads one torrent ran on.
BOOST_AUTO_TEST_CASE(fifty_torrents_run_on_the_threads_one_torrent_runs_on) {
  constexpr std::size_t n = 50;
  // Slow seeding (64 KiB/s per torrent) keeps every torrent busy for a while.
  test::swarm s("--size-kib 1024 --piece-kib 64 --seeders 1 --seeder-rate-kib 3200 --torrents 50");
  BOOST_REQUIRE(s.torrent_count() == n);
  ready_daemon run;
  auto& d = run.d;
  // Every torrent at once: Transmission's default queue would run five.
  BOOST_REQUIRE(d.call("session-set", {{"download-queue-enabled", false}}).value("result", "") == "success");
  const auto add = [&](std::size_t i) {
    return d.remote({"-a", s.torrent(i), "-w", d.folder(i)}).exit_code == 0;
  };
  BOOST_REQUIRE(add(0));
  // One torrent at work: peers connected and data coming in.
  BOOST_REQUIRE(eventually(
      [&] {
        const auto t = d.torrents({"id", "haveValid", "peersConnected"});
        return t.size() == 1 && t[0]["peersConnected"].get<int>() >= 1 && t[0]["haveValid"].get<std::int64_t>() > 0;
      },
      60s));
  const int with_one = threads_of(d.process->pid());
  BOOST_REQUIRE(with_one > 0);
  int peak = with_one;
  for (std::size_t i = 1; i < n; ++i) {
    BOOST_REQUIRE(add(i));
    peak = std::max(peak, threads_of(d.process->pid()));
  }
  std::size_t done = 0;
  BOOST_TEST(eventually(
                 [&] {
                   peak = std::max(peak, threads_of(d.process->pid()));
                   const auto t = d.torrents({"id", "percentDone"});
                   done = 0;
                   for (const auto& one : t) done += one["percentDone"] == 1.0;
                   return t.size() == n && done == n;
                 },
                 180s),
             done << " of " << n << " complete");
  BOOST_TEST_MESSAGE("threads: " << with_one << " with one torrent, at most " << peak << " with " << n);
  BOOST_TEST(peak <= with_one, "threads grew from " << with_one << " to " << peak);
  d.check_identical(s, n);
  BOOST_TEST(d.stop() == 0, d.process->stderr_text());
}

BOOST_AUTO_TEST_CASE(the_download_queue_runs_one_at_a_time_in_queue_order_and_a_ratio_goal_stops_a_seed) {
  skip_without_transmission_remote();
  // Slow seeding keeps each torrent downloading for seconds: long enough to see the queue.
  test::swarm s("--size-kib 3072 --piece-kib 64 --seeders 1 --seeder-rate-kib 512 --torrents 3");
  ready_daemon run;
  auto& d = run.d;
  BOOST_REQUIRE(d.call("session-set", {{"download-queue-size", 1}}).value("result", "") == "success");
  for (std::size_t i = 0; i < 3; ++i)
    BOOST_REQUIRE(d.remote({"-a", s.torrent(i), "-w", d.folder(i)}).exit_code == 0);
  // Status by id: 0 stopped, 3 queued to download, 4 downloading, 6 seeding.
  std::map<int, int> status;
  std::map<int, bool> finished;
  const auto read = [&] {
    status.clear();
    for (const auto& t : d.torrents({"id", "status", "isFinished"})) {
      status[t["id"].get<int>()] = t["status"].get<int>();
      finished[t["id"].get<int>()] = t["isFinished"].get<bool>();
    }
  };
  const auto shows = [&](std::map<int, int> want) {
    return eventually([&] { return read(), status == want; }, 30s);
  };
  BOOST_TEST(shows({{1, 4}, {2, 3}, {3, 3}}), "torrent 1 should run, 2 and 3 wait: " << d.remote({"-l"}).out);
  BOOST_TEST(contains(d.remote({"-l"}).out, "Queued"), d.remote({"-l"}).out);
  // Torrent 3 to the top of the queue: it takes the slot, torrent 1 waits again.
  BOOST_TEST(d.call("queue-move-top", {{"ids", {3}}}).value("result", "") == "success");
  BOOST_TEST(shows({{1, 3}, {2, 3}, {3, 4}}), "torrent 3 should have the slot: " << d.remote({"-l"}).out);
  // start-now runs torrent 2 beside it, outside the queue.
  BOOST_TEST(d.call("torrent-start-now", {{"ids", {2}}}).value("result", "") == "success");
  BOOST_TEST(shows({{1, 3}, {2, 4}, {3, 4}}), "torrent 2 should run at once: " << d.remote({"-l"}).out);
  // Torrent 1 shall stop once it has everything (a ratio of 0); each finished
  // download frees its slot for the next, until all three are done.
  BOOST_TEST(d.call("torrent-set", {{"ids", {1}}, {"seedRatioMode", 1}, {"seedRatioLimit", 0}}).value("result", "") == "success");
  BOOST_TEST(eventually([&] { return read(), status == std::map<int, int>{{1, 0}, {2, 6}, {3, 6}}; }, 120s),
             "every torrent should be done: " << d.remote({"-l"}).out << d.process->stderr_text());
  BOOST_TEST(finished[1]);
  BOOST_TEST(contains(d.remote({"-l"}).out, "Finished"), d.remote({"-l"}).out);
  d.check_identical(s, 3);
  // The order and the goal survive a restart: torrent 1 stays finished.
  BOOST_TEST(d.stop() == 0, d.process->stderr_text());
  d.start();
  BOOST_TEST(eventually([&] { return read(), status == std::map<int, int>{{1, 0}, {2, 6}, {3, 6}}; }, 60s),
             d.remote({"-l"}).out);
  const auto order = d.torrents({"id", "queuePosition"});
  std::map<int, int> position;
  for (const auto& t : order) position[t["id"].get<int>()] = t["queuePosition"].get<int>();
  BOOST_TEST((position == std::map<int, int>{{1, 1}, {2, 2}, {3, 0}}));
  BOOST_TEST(d.stop() == 0, d.process->stderr_text());
}

BOOST_AUTO_TEST_CASE(with_credentials_the_daemon_answers_401_to_a_client_without_them) {
  test::temp_dir root;
  const std::string file = root.path + "/auth";
  std::ofstream(file) << "alice:s3cret w1th spaces\n";
  daemon_run d(root.path, free_port(), {"--rpc-auth-file", file});
  d.auth = {"--auth", "alice:s3cret w1th spaces"};
  BOOST_REQUIRE(d.wait_for({"-si"}, [](const std::string& out) { return contains(out, "actorrent"); }, 30s));
  d.auth = {};
  auto r = d.remote({"-l"});
  BOOST_TEST(r.exit_code != 0);
  BOOST_TEST(contains(r.out + r.err, "401"), r.out << r.err);
  d.auth = {"--auth", "alice:wrong"};
  r = d.remote({"-l"});
  BOOST_TEST(r.exit_code != 0);
  BOOST_TEST(contains(r.out + r.err, "401"), r.out << r.err);
  d.auth = {"--auth", "alice:s3cret w1th spaces"};
  BOOST_TEST(d.remote({"-l"}).exit_code == 0);
  BOOST_TEST(d.stop() == 0, d.process->stderr_text());
}

// Hostile HTTP (tests/fixtures/rpc_probe.py: floods, endless headers, a 1 GiB
// body, a client that never reads) and hostile arguments to every method that
// takes them: each gets a one-line answer, nothing is added or touched, and
// the daemon goes on serving within a bounded RSS.
BOOST_AUTO_TEST_CASE(hostile_rpc_requests_get_one_line_answers_and_the_daemon_goes_on) {
  ready_daemon run;
  auto& d = run.d;
  const long rss_before = test::rss_kib(d.process->pid());
  const auto j = test::run_fixture("rpc_probe.py", {std::to_string(d.rpc_port)});
  const long rss_after = test::rss_kib(d.process->pid());
  BOOST_TEST_MESSAGE("rpc probe against the daemon: " << j.dump() << "; RSS " << rss_before / 1024 << " -> " << rss_after / 1024 << " MiB");
  BOOST_TEST(rss_after - rss_before < test::rss_bound_kib(32 * 1024), "RSS " << rss_before << " -> " << rss_after << " KiB");
  BOOST_TEST(j["no_session"]["status"] == 409);
  BOOST_TEST(j["session_get"]["result"] == "success");
  BOOST_TEST(j["foreign_host"] == 421);
  BOOST_TEST(j["bad_json"] == "invalid JSON");
  BOOST_TEST(j["unknown_method"] == "method name not recognized");
  BOOST_TEST(j["huge_body"]["status"] == 413);
  BOOST_TEST(j["endless_headers"]["status"] == 431);
  BOOST_TEST(j["flood"]["served"] == 5);

  const std::string not_a_torrent = run.root.path + "/not.torrent";
  std::ofstream(not_a_torrent) << "d4:infoi3ee";
  const std::vector<std::pair<std::string, nlohmann::json>> hostile = {
      {"torrent-add", {{"metainfo", "!!! not base64 !!!"}}},
      {"torrent-add", {{"metainfo", "ZDQ6aW5mb2kzZWU="}}}, // base64 of d4:infoi3ee
      {"torrent-add", {{"filename", not_a_torrent}}},
      {"torrent-add", {{"filename", "/nonexistent/x.torrent"}}},
      {"torrent-add", {{"filename", "magnet:?xt=urn:btih:zz"}}},
      {"torrent-add", {{"filename", 42}}},
      {"torrent-add", nlohmann::json::object()},
      {"torrent-start", {{"ids", "not-recently-active"}}},
      {"torrent-stop", {{"ids", {{{"a", 1}}}}}},
      {"torrent-get", {{"fields", "id"}}},
      {"torrent-set", {{"ids", {1}}, {"peer-limit", -5}}},
      {"torrent-set-location", {{"ids", {1}}, {"location", 7}}},
      {"torrent-remove", {{"ids", {99999}}, {"delete-local-data", "yes"}}},
      {"session-set", {{"speed-limit-down", "fast"}}},
      {"session-set", {{"download-dir", ""}}},
      {"free-space", {{"path", 3}}},
      {"queue-move-top", {{"ids", -1}}},
  };
  for (const auto& [method, args] : hostile) {
    const auto reply = d.call(method, args);
    BOOST_TEST_INFO(method << " " << args.dump() << " -> " << reply.dump());
    BOOST_REQUIRE(reply.is_object());
    const std::string result = reply.value("result", "");
    BOOST_TEST(!result.empty());
    BOOST_TEST(result.find('\n') == std::string::npos);
    if (method == "torrent-add") BOOST_TEST(result != "success");
  }
  BOOST_TEST(d.torrents({"id"}).empty());
  BOOST_TEST(d.call("session-get").value("result", "") == "success");
  BOOST_TEST(d.stop() == 0, d.process->stderr_text());
}

BOOST_AUTO_TEST_SUITE_END()

namespace {

// Bytes per second of a torrent's counter (downloadedEver, uploadedEver) over
// `window`. The daemon refreshes counters once a second, so the rate runs from
// the first sighting of one value to the first sighting of a later one: both
// ends carry the same polling delay, which cancels out.
double counter_rate(const daemon_run& d, int id, const std::string& field, std::chrono::seconds window) {
  using steady = std::chrono::steady_clock;
  const auto read = [&]() -> std::int64_t {
    for (const auto& t : d.torrents({"id", field}))
      if (t["id"].get<int>() == id) return t[field].get<std::int64_t>();
    return -1;
  };
  // Polls (paced, with a deadline) and keeps the first sighting of each new value.
  const auto give_up = steady::now() + window + 20s;
  std::int64_t seen = read(), v0 = -1;
  steady::time_point t0{};
  while (steady::now() < give_up) {
    const auto v = read();
    if (v >= 0 && v != seen) {
      seen = v;
      const auto now = steady::now();
      if (v0 < 0) {
        v0 = v;
        t0 = now;
      } else if (now - t0 >= window) {
        return static_cast<double>(v - v0) / std::chrono::duration<double>(now - t0).count();
      }
    }
    std::this_thread::sleep_for(50ms);
  }
  return -1;
}

} // namespace

BOOST_AUTO_TEST_SUITE(daemon_rpc)

BOOST_AUTO_TEST_CASE(speed_limits_set_with_transmission_remote_take_effect_while_torrents_run) {
  skip_without_transmission_remote();
  // One torrent downloading from an unlimited libtorrent seeder, one seeding to
  // a libtorrent leecher; every limit is changed while they run, and the
  // measured rate follows each change without a restart (same startDate).
  // Transmission's kB is 1000 bytes (session-get units.speed-bytes).
  test::swarm down("--size-kib 65536 --seeders 1");
  test::swarm up("--size-kib 61440 --seeders 0"); // another size: the fixture's payloads are deterministic
  ready_daemon run;
  auto& d = run.d;
  const auto add_paused = [&](const std::string& torrent, const std::string& dir) {
    return d.call("torrent-add", {{"filename", torrent}, {"download-dir", dir}, {"paused", true}}).value("result", "") == "success";
  };
  BOOST_REQUIRE(add_paused(down.torrent(), d.downloads + "/down"));
  BOOST_REQUIRE(add_paused(up.torrent(), up.source_dir()));
  BOOST_REQUIRE(d.remote({"-t", "1", "-d", "400"}).exit_code == 0);
  BOOST_REQUIRE(d.remote({"-t", "2", "-u", "400"}).exit_code == 0);
  BOOST_REQUIRE(d.remote({"-t", "all", "-s"}).exit_code == 0);
  // The seed checks its data first; then a leecher comes.
  BOOST_REQUIRE_MESSAGE(eventually([&] { return contains(d.remote({"-t", "2", "-i"}).out, "Percent Done: 100%"); }, 60s),
                        d.remote({"-l"}).out << d.remote({"-t", "2", "-i"}).err << d.process->stderr_text());
  test::child_process leecher(up.libtorrent_leecher_command(up.new_download_dir("lt")));
  const auto start_dates = [&] {
    std::map<int, std::int64_t> dates;
    for (const auto& t : d.torrents({"id", "startDate"})) dates[t["id"].get<int>()] = t["startDate"].get<std::int64_t>();
    return dates;
  };
  const auto started = start_dates();
  struct phase {
    const char* what;
    std::vector<std::vector<std::string>> commands;
    int id;
    const char* counter;
    double limit; // bytes/s
  };
  const std::vector<phase> phases{
      {"torrent 1 at -d 400", {}, 1, "downloadedEver", 400e3},
      {"torrent 2 at -u 400", {}, 2, "uploadedEver", 400e3},
      {"torrent 1 raised to -d 1500", {{"-t", "1", "-d", "1500"}}, 1, "downloadedEver", 1500e3},
      {"torrent 2 raised to -u 1500", {{"-t", "2", "-u", "1500"}}, 2, "uploadedEver", 1500e3},
      // The session's limit is shared by the torrents that honour it.
      {"torrent 1 unlimited, the session at -d 700", {{"-d", "700"}, {"-t", "1", "-D"}}, 1, "downloadedEver", 700e3},
      {"the session's turtle mode at 250", {{"-as"}}, 1, "downloadedEver", 250e3},
  };
  BOOST_REQUIRE(d.call("session-set", {{"alt-speed-down", 250}}).value("result", "") == "success");
  for (const auto& p : phases) {
    for (const auto& command : p.commands) BOOST_REQUIRE(d.remote(command).exit_code == 0);
    // A one-second window measured and dropped: the previous limit's requests in flight land there.
    counter_rate(d, p.id, p.counter, 1s);
    const double rate = counter_rate(d, p.id, p.counter, 6s);
    BOOST_TEST_MESSAGE(p.what << ": " << rate / 1e3 << " kB/s");
    // A limit is a ceiling (with its quarter-second burst); the floor only
    // catches a limit that was not lifted. Loaded CI machines run slower.
    BOOST_TEST(rate <= 1.15 * p.limit + 64e3, p.what << ": " << rate / 1e3 << " kB/s");
    BOOST_TEST(rate >= 0.5 * p.limit, p.what << ": " << rate / 1e3 << " kB/s");
  }
  BOOST_TEST((start_dates() == started), "a limit change restarted a torrent");
  leecher.signal(SIGTERM);
  BOOST_TEST(d.stop() == 0, d.process->stderr_text());
}

BOOST_AUTO_TEST_CASE(the_global_peer_limit_is_shared_by_all_torrents) {
  // Six torrents, one libtorrent seeder of them all, and room for three
  // connections in the whole engine: never more than three are open at once,
  // and as finished torrents let go of theirs, every torrent completes.
  constexpr std::size_t n = 6;
  test::swarm s("--size-kib 2048 --piece-kib 64 --seeders 1 --seeder-rate-kib 2048 --torrents 6");
  ready_daemon run;
  auto& d = run.d;
  BOOST_REQUIRE(d.call("session-set", {{"download-queue-enabled", false}, {"peer-limit-global", 3}}).value("result", "") == "success");
  for (std::size_t i = 0; i < n; ++i)
    BOOST_REQUIRE(d.call("torrent-add", {{"filename", s.torrent(i)}, {"download-dir", d.folder(i)}})
                      .value("result", "") == "success");
  std::int64_t most = 0;
  const auto all_done = [&] {
    const auto t = d.torrents({"id", "percentDone", "peersConnected"});
    std::int64_t connected = 0;
    bool done = t.size() == n;
    for (const auto& x : t) {
      connected += x["peersConnected"].get<std::int64_t>();
      done = done && x["percentDone"].get<double>() >= 1.0;
    }
    most = std::max(most, connected);
    return done;
  };
  BOOST_TEST(eventually(all_done, 180s), d.remote({"-l"}).out);
  BOOST_TEST_MESSAGE("at most " << most << " peers connected at once");
  BOOST_TEST(most <= 3);
  BOOST_TEST(most >= 1);
  d.check_identical(s, n);
  BOOST_TEST(d.stop() == 0, d.process->stderr_text());
}

BOOST_AUTO_TEST_CASE(trackers_and_file_names_are_edited_while_the_torrent_runs) {
  skip_without_transmission_remote();
  // The torrent starts with its only tracker removed (no DHT, no peer in the
  // link): nothing to download from until transmission-remote -td gives the
  // tracker back to the running torrent. Then its files, a folder and the
  // torrent itself are renamed on disk, and a restart and a verify find them.
  test::swarm s("--size-kib 2048 --files 3 --seeders 1");
  ready_daemon run;
  auto& d = run.d;
  BOOST_REQUIRE(d.call("torrent-add", {{"filename", s.torrent()}, {"paused", true}}).value("result", "") == "success");
  // transmission-remote -it shows a tracker as "Tracker N: HOST:PORT".
  const std::string url = s.announce();
  const std::string host = url.substr(url.find("://") + 3, url.find('/', url.find("://") + 3) - url.find("://") - 3);
  BOOST_REQUIRE(contains(d.remote({"-t", "1", "-it"}).out, "Tracker 0: " + host));
  BOOST_REQUIRE(d.remote({"-t", "1", "-tr", "0"}).exit_code == 0);
  BOOST_TEST(!contains(d.remote({"-t", "1", "-it"}).out, "Tracker 0: " + host));
  BOOST_REQUIRE(d.remote({"-t", "1", "-s"}).exit_code == 0);
  const auto done = [&] {
    const auto t = d.torrents({"percentDone"});
    return t.size() == 1 && t[0]["percentDone"].get<double>() >= 1.0;
  };
  BOOST_TEST(!eventually(done, 5s), "it downloaded with no tracker");
  BOOST_REQUIRE(d.remote({"-t", "1", "-td", s.announce()}).exit_code == 0);
  BOOST_TEST(contains(d.remote({"-t", "1", "-it"}).out, "Tracker 0: " + host));
  BOOST_REQUIRE_MESSAGE(eventually(done, 60s), d.remote({"-t", "1", "-i"}).out);
  BOOST_REQUIRE(s.verify(d.downloads));
  // trackerStats tells when the tracker answered and with how many peers.
  const auto announced = [&] {
    const auto t = d.torrents({"trackerStats"});
    if (t.size() != 1 || t[0]["trackerStats"].size() != 1) return false;
    const auto& st = t[0]["trackerStats"][0];
    return st["announce"] == url && st["hasAnnounced"] == true && st["lastAnnounceSucceeded"] == true &&
           st["lastAnnounceTime"].get<std::int64_t>() > 0 && st["lastAnnouncePeerCount"].get<std::int64_t>() >= 1;
  };
  BOOST_TEST(eventually(announced, 30s), d.torrents({"trackerStats"}).dump());
  // Bad edits are one-line errors that change nothing.
  for (const auto& bad : {nlohmann::json{{"trackerAdd", {"ftp://nope/"}}}, nlohmann::json{{"trackerRemove", {7}}}}) {
    auto args = bad;
    args["ids"] = {1};
    BOOST_TEST(d.call("torrent-set", args).value("result", "") != "success", bad.dump());
  }
  const auto files = d.torrents({"files"}).at(0)["files"];
  std::vector<std::string> names;
  for (const auto& f : files) names.push_back(f["name"].get<std::string>());
  BOOST_REQUIRE(names.size() == 3u); // two files and an empty one between them (tests/fixtures/swarm.py)
  const auto rename = [&](const std::string& path, const std::string& name) {
    return d.call("torrent-rename-path", {{"ids", {1}}, {"path", path}, {"name", name}}).value("result", "");
  };
  // set/d0/f000_*.dat and set/d1/f001_*.dat (tests/fixtures/swarm.py), in the torrent's order.
  const auto named = [&](const std::string& part) {
    for (const auto& n : names)
      if (contains(n, part)) return n;
    return std::string();
  };
  const std::string file0 = named("set/d0/"), file1 = named("set/d1/");
  BOOST_REQUIRE_MESSAGE(!file0.empty() && !file1.empty(), files.dump());
  BOOST_TEST(rename(file0, "first.dat") == "success");
  BOOST_TEST(rename("set/d1", "second") == "success");
  BOOST_TEST(rename("set/second", "../escape") != "success");
  BOOST_TEST(rename("set/second", "d0") != "success"); // a folder of that name is in the torrent
  BOOST_TEST(rename("set/nothing", "x") != "success");
  BOOST_TEST(rename("set", "renamed") == "success");
  const std::string leaf3 = file1.substr(file1.rfind('/') + 1);
  const std::map<std::string, std::string> moved{{"renamed/d0/first.dat", file0}, {"renamed/second/" + leaf3, file1}};
  const auto same_file = [](const std::string& a, const std::string& b) {
    std::ifstream x(a, std::ios::binary), y(b, std::ios::binary);
    const std::string ax((std::istreambuf_iterator<char>(x)), {}), by((std::istreambuf_iterator<char>(y)), {});
    return x.good() || x.eof() ? !ax.empty() && ax == by : false;
  };
  const auto renamed_on_disk = [&] {
    for (const auto& [now, was] : moved)
      if (!same_file(d.downloads + "/" + now, s.source_dir() + "/" + was)) return false;
    return !exists(d.downloads + "/set") && exists(d.downloads + "/renamed/empty.txt");
  };
  BOOST_TEST(eventually(renamed_on_disk, 30s));
  BOOST_TEST(eventually([&] { return contains(d.remote({"-l"}).out, "renamed"); }, 30s), d.remote({"-l"}).out);
  // A restart keeps the names and the trackers; a verify finds every piece where the names say.
  BOOST_TEST(d.stop() == 0, d.process->stderr_text());
  d.start();
  d.require_ready();
  const auto after = d.torrents({"files", "name"});
  BOOST_REQUIRE(after.size() == 1u);
  BOOST_TEST(after[0]["name"].get<std::string>() == "renamed");
  std::vector<std::string> now;
  for (const auto& f : after[0]["files"]) now.push_back(f["name"].get<std::string>());
  BOOST_TEST((std::find(now.begin(), now.end(), "renamed/d0/first.dat") != now.end()), after.dump());
  BOOST_TEST(contains(d.remote({"-t", "1", "-it"}).out, "Tracker 0: " + host));
  BOOST_REQUIRE(d.remote({"-t", "1", "-v"}).exit_code == 0);
  BOOST_TEST(eventually([&] { return contains(d.remote({"-t", "1", "-i"}).out, "Percent Done: 100%") &&
                                     !contains(d.remote({"-t", "1", "-i"}).out, "Verifying"); }, 60s),
             d.remote({"-t", "1", "-i"}).out);
  BOOST_TEST(renamed_on_disk());
  BOOST_TEST(d.stop() == 0, d.process->stderr_text());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(daemon_rest)

// Whether torrent `id` rests (no actors of its own), as the engine reports it.
bool resting(const daemon_run& d, int id) {
  const auto stats = d.call("actorrent-engine-stats");
  if (!stats.is_object() || !stats.contains("arguments")) return false;
  for (const auto& t : stats["arguments"].value("torrents", nlohmann::json::array()))
    if (t.value("id", 0) == id) return t.value("resting", false);
  return false;
}

BOOST_AUTO_TEST_CASE(a_complete_torrent_rests_without_actors_and_a_leechers_handshake_wakes_it) {
  // A seed with its data present is checked by the engine and rests: no
  // session, shown as seeding, announced by the engine (the tracker lists it).
  // A libtorrent leecher's handshake wakes it and gets every byte; with no peer
  // left it rests again; after a restart it rests at once, hashing nothing.
  test::swarm up("--size-kib 3072 --seeders 0");
  test::temp_dir root;
  daemon_run d(root.path, free_port(), {"--rest-after", "2"});
  d.require_ready();
  BOOST_REQUIRE(d.call("torrent-add", {{"filename", up.torrent()}, {"download-dir", up.source_dir()}}).value("result", "") == "success");
  BOOST_REQUIRE_MESSAGE(eventually([&] { return resting(d, 1); }, 30s), d.process->stderr_text());
  const auto status = [&] {
    const auto t = d.torrents({"status", "percentDone", "trackerStats", "uploadedEver"});
    return t.empty() ? nlohmann::json::object() : t[0];
  };
  BOOST_TEST(status().value("status", -1) == 6, status().dump()); // seeding
  BOOST_TEST(status().value("percentDone", 0.0) == 1.0);
  // The engine's announce reached the tracker: it counts one seeder, and trackerStats says when.
  BOOST_TEST(eventually([&] { return up.scrape().value("complete", 0) == 1; }, 30s), up.scrape().dump());
  BOOST_TEST(eventually([&] { return status()["trackerStats"][0].value("lastAnnounceTime", 0) > 0; }, 30s),
             status().dump() << d.process->stderr_text());

  const std::string lt = up.new_download_dir("lt");
  test::child_process leecher(up.libtorrent_leecher_command(lt, 90));
  const auto finished = leecher.wait(100s);
  BOOST_REQUIRE_MESSAGE(finished && *finished == 0, "the libtorrent leecher did not finish: " << leecher.stderr_text()
                                                                                            << d.process->stderr_text());
  BOOST_TEST(up.verify(lt));
  BOOST_TEST(eventually([&] { return status().value("uploadedEver", 0) >= 3072 * 1024; }, 30s), status().dump() << d.process->stderr_text());
  // No peer left: it rests again.
  BOOST_TEST(eventually([&] { return resting(d, 1); }, 60s), d.process->stderr_text());

  BOOST_REQUIRE(d.stop() == 0);
  d.start();
  d.require_ready();
  BOOST_TEST(eventually([&] { return resting(d, 1); }, 30s), d.process->stderr_text());
  BOOST_TEST(status().value("status", -1) == 6);
  BOOST_TEST(!contains(d.process->stderr_text(), "pieces of existing data"), d.process->stderr_text());
  BOOST_TEST(d.stop() == 0);
}

BOOST_AUTO_TEST_SUITE_END()
