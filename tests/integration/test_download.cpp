// End to end: the real binary downloads from real libtorrent seeders through
// a real opentracker, all on 127.0.0.1.
#include <boost/test/unit_test.hpp>

#include <signal.h>
#include <sys/stat.h>

#include <fstream>
#include <thread>

#include "tests/support/actorrent_runs.hpp"
#include "tests/support/process.hpp"
#include "tests/support/files.hpp"
#include "protocol/storage/file_selection.hpp"
#include "protocol/metainfo/metainfo.hpp"

using namespace actorrent;
using namespace std::chrono_literals;
using test::binary;
using test::free_port;
using test::poll_runs;
using test::run_actorrent;
using test::start_seeder;
using test::stop_seeder;
using test::watch_actorrent;
using test::watched_run;

BOOST_AUTO_TEST_SUITE(download)

BOOST_AUTO_TEST_CASE(single_file_from_three_seeders) {
  test::swarm s("--size-kib 65536 --seeders 3");
  const auto dir = s.new_download_dir("dl");
  const auto r = run_actorrent({s.torrent(), "-d", dir});
  BOOST_TEST_INFO(r.err);
  BOOST_TEST(r.exit_code == 0);
  BOOST_TEST(s.verify(dir));
  BOOST_TEST(r.last.value("final", false));
  BOOST_TEST(r.last["bytes_have"] == 64 << 20);
  BOOST_TEST(r.last["pieces_failed"] == 0);
}

BOOST_AUTO_TEST_CASE(multi_file_odd_sizes_spanning_pieces) {
  // 61 files of odd sizes (one empty) in nested folders, 64 KiB pieces: most
  // pieces span several files.
  test::swarm s("--size-kib 12000 --files 60 --piece-kib 64 --seeders 2");
  const auto dir = s.new_download_dir("dl");
  const auto r = run_actorrent({s.torrent(), "-d", dir});
  BOOST_TEST_INFO(r.err);
  BOOST_TEST(r.exit_code == 0);
  BOOST_TEST(s.verify(dir));
  struct stat st{};
  BOOST_TEST(::stat((dir + "/set/empty.txt").c_str(), &st) == 0);
  BOOST_TEST(st.st_size == 0);
}

// --only: the other files never appear, the chosen ones are byte-identical,
// and the download ends when they are in. A bad list is refused at once.
BOOST_AUTO_TEST_CASE(only_the_chosen_files_are_fetched) {
  test::swarm s("--size-kib 3000 --files 6 --piece-kib 64 --seeders 1");
  const metainfo m = parse_metainfo(test::read_file(s.torrent()));
  const auto dir = s.new_download_dir("dl");
  const auto r = run_actorrent({s.torrent(), "-d", dir, "--only", "2,4-5"});
  BOOST_TEST_INFO(r.err);
  BOOST_TEST(r.exit_code == 0);
  const auto chosen = selection_from_lists("2,4-5", "", m);
  std::size_t listed = 0;
  for (std::size_t i = 0; i < m.files.size(); ++i) {
    const auto& f = m.files[i];
    if (f.pad) continue;
    ++listed;
    const std::string path = f.path_string();
    struct stat st{};
    if (chosen.wants(i))
      BOOST_TEST((test::read_file(dir + "/" + path) == test::read_file(s.source_dir() + "/" + path)), path);
    else
      BOOST_TEST(::stat((dir + "/" + path).c_str(), &st) != 0, path << " was created");
  }
  BOOST_TEST(listed >= 5u);
  BOOST_TEST(r.last["bytes_have"] == r.last["bytes_total"]);
  BOOST_TEST(r.last["bytes_total"].get<std::int64_t>() == select_pieces(m, chosen).wanted_bytes);
  BOOST_TEST(r.last["bytes_total"].get<std::int64_t>() < m.total_size);

  const auto bad = run_actorrent({s.torrent(), "-d", dir, "--only", "99"});
  BOOST_TEST(bad.exit_code == 2);
  BOOST_TEST(bad.err.find("file 99 does not exist") != std::string::npos, bad.err);
}

BOOST_AUTO_TEST_CASE(corrupt_pieces_are_refetched_from_an_honest_seeder) {
  // One seeder serves a tampered copy without checking it (seed mode): every
  // third piece it sends fails its hash, gets fetched again, and the seeder
  // is banned after repeated failures.
  test::swarm s("--size-kib 32768 --piece-kib 256 --seeders 1 --corrupt-seeders 1");
  const auto dir = s.new_download_dir("dl");
  const auto r = run_actorrent({s.torrent(), "-d", dir});
  BOOST_TEST_INFO(r.err);
  BOOST_TEST(r.exit_code == 0);
  BOOST_TEST(s.verify(dir));
  BOOST_TEST((r.last["pieces_failed"].get<int>() > 0));
  BOOST_TEST((r.last["bytes_wasted"].get<long>() > 0));
}

BOOST_AUTO_TEST_CASE(resume_after_interrupt_fetches_only_what_is_missing) {
  // 256 MiB at 64 MiB/s: the interrupt lands near half.
  test::swarm s("--size-kib 262144 --seeders 1");
  const auto dir = s.new_download_dir("dl");
  const std::int64_t total = 256 << 20;
  double have_at_interrupt = 0;
  {
    test::child_process p({binary, "--json", "--no-seed", "--no-dht", "--max-download-rate", "65536", s.torrent(), "-d", dir});
    bool interrupted = false;
    while (auto line = p.read_line(20s)) {
      const auto j = nlohmann::json::parse(*line);
      if (j.value("progress", 0.0) >= 0.45) {
        BOOST_REQUIRE_MESSAGE(j.value("progress", 0.0) < 0.9, "the rate limit did not hold: nothing left to resume");
        p.signal(SIGINT);
        interrupted = true;
        break;
      }
    }
    BOOST_REQUIRE_MESSAGE(interrupted, "the download never reached 45%: " << p.stderr_text());
    const auto code = p.wait(20s);
    BOOST_TEST_INFO(p.stderr_text());
    // Finished before the signal landed would prove nothing: it must be the interrupt.
    BOOST_REQUIRE(code.value_or(-2) == 130);
    // The last line before exit tells what was saved.
    while (auto line = p.read_line(1s)) {
      const auto j = nlohmann::json::parse(*line);
      have_at_interrupt = j["bytes_have"].get<double>();
    }
  }
  BOOST_TEST(have_at_interrupt > 0.2 * total);
  const auto r = run_actorrent({s.torrent(), "-d", dir});
  BOOST_TEST_INFO(r.err);
  BOOST_TEST(r.exit_code == 0);
  BOOST_TEST(s.verify(dir));
  // Only the missing part was fetched again (5% slack for pieces in flight).
  const double fetched = r.last["bytes_received"].get<double>();
  BOOST_TEST_MESSAGE("interrupted with " << 100 * have_at_interrupt / total << "% saved; the second run fetched "
                                         << 100 * fetched / total << "% of the torrent");
  BOOST_TEST(fetched <= total - have_at_interrupt + 0.05 * total);
  BOOST_TEST(fetched > 0);
}

BOOST_AUTO_TEST_CASE(crashing_peer_actors_are_replaced_and_their_blocks_refetched) {
  // Supervision: with peer actors throwing on 1% of messages, the session
  // restarts them, their outstanding blocks go back to the scheduler, and the
  // download still completes byte-identical.
  test::swarm s("--size-kib 65536 --seeders 3");
  const auto dir = s.new_download_dir("dl");
  const auto r = run_actorrent({s.torrent(), "-d", dir, "--fault", "peer-crash=0.01", "--fault-seed", "3"});
  BOOST_TEST_INFO(r.err);
  BOOST_TEST(r.exit_code == 0);
  BOOST_TEST(s.verify(dir));
  BOOST_TEST((r.last["peer_restarts"].get<int>() > 0));
  BOOST_TEST((r.last["faults"]["peer-crash"].get<int>() > 0));
  BOOST_TEST(r.err.find("fault report: injected peer-crash") != std::string::npos, r.err);
}

BOOST_AUTO_TEST_CASE(disk_errors_stop_with_one_clear_message) {
  // The download directory cannot be created (a file is in the way): the
  // session stops cleanly, exit code 1, one error line naming the path.
  test::swarm s("--size-kib 1024 --seeders 1");
  const auto dir = s.new_download_dir("blocker") + "/file";
  std::ofstream(dir) << "in the way";
  const auto r = run_actorrent({s.torrent(), "-d", dir + "/sub"}, 30s);
  BOOST_TEST(r.exit_code == 1);
  BOOST_TEST(r.err.find("error: disk: cannot") != std::string::npos, r.err);
  BOOST_TEST(r.err.find("/file/sub") != std::string::npos, r.err);
  BOOST_TEST(r.err.find("Not a directory") != std::string::npos, r.err);
}


BOOST_AUTO_TEST_CASE(seeds_a_multi_file_torrent_to_a_libtorrent_leecher) {
  test::swarm s("--size-kib 65536 --files 30 --piece-kib 64 --seeders 0");
  auto seeder = start_seeder(s);
  const auto dir = s.new_download_dir("lt");
  BOOST_TEST(s.leech_with_libtorrent(dir));
  BOOST_TEST(s.verify(dir));
  const auto last = stop_seeder(*seeder);
  BOOST_TEST((last["bytes_uploaded"].get<std::int64_t>() >= std::int64_t{64} << 20));
  BOOST_TEST(last["ratio"].get<double>() >= 1.0, last.dump()); // the whole torrent went out once
}


BOOST_AUTO_TEST_CASE(bad_requests_drop_the_peer_and_seeding_goes_on) {
  test::swarm s("--size-kib 8192 --seeders 0");
  const auto port = free_port();
  auto seeder = start_seeder(s, port);
  for (const char* mode : {"out-of-range", "oversized", "past-the-end", "flood", "duplicate"}) {
    const auto r = test::run_process({ACTORRENT_PYTHON, std::string(ACTORRENT_FIXTURES) + "/hostile_leecher.py",
                                      s.torrent(), std::to_string(port), mode});
    BOOST_TEST(r.out == "dropped\n", mode << ": " << r.out << r.err);
  }
  // The seeder is unharmed: an honest leecher still gets everything.
  const auto dir = s.new_download_dir("lt");
  BOOST_TEST(s.leech_with_libtorrent(dir));
  BOOST_TEST(s.verify(dir));
  const auto last = stop_seeder(*seeder);
  // Three bad modes, each refused 21 times before the peer is dropped; one duplicate.
  BOOST_TEST(last["requests_refused"].get<int>() >= 63, last.dump());
  BOOST_TEST(last["duplicate_connections"].get<int>() == 1, last.dump());
}

// The second start trusts the resume file instead of hashing; the seeder must
// still tell the tracker it has everything (left=0), or leechers see no seed.
BOOST_AUTO_TEST_CASE(a_restarted_seeder_announces_itself_complete) {
  test::swarm s("--size-kib 8192 --seeders 0");
  for (int start = 1; start <= 2; ++start) {
    auto seeder = start_seeder(s);
    nlohmann::json counts;
    for (auto deadline = std::chrono::steady_clock::now() + 10s; std::chrono::steady_clock::now() < deadline;) {
      counts = s.scrape();
      if (counts.value("complete", 0) + counts.value("incomplete", 0) > 0) break;
      std::this_thread::sleep_for(100ms); // polling interval of a condition wait
    }
    BOOST_TEST(counts.value("complete", 0) == 1, "start " << start << ": " << counts.dump());
    BOOST_TEST(counts.value("incomplete", 0) == 0, "start " << start << ": " << counts.dump());
    stop_seeder(*seeder); // announces 'stopped': the tracker forgets it
  }
}

BOOST_AUTO_TEST_CASE(aria2_downloads_from_an_actorrent_seeder) {
  test::swarm s("--size-kib 16384 --files 5 --seeders 0");
  auto seeder = start_seeder(s);
  const auto dir = s.new_download_dir("aria2");
  BOOST_TEST(s.leech_with_aria2(dir));
  BOOST_TEST(s.verify(dir));
  stop_seeder(*seeder);
}

BOOST_AUTO_TEST_CASE(actorrent_leecher_downloads_from_an_actorrent_seeder) {
  test::swarm s("--size-kib 32768 --seeders 0");
  auto seeder = start_seeder(s);
  const auto dir = s.new_download_dir("dl");
  const auto r = run_actorrent({s.torrent(), "-d", dir});
  BOOST_TEST_INFO(r.err);
  BOOST_TEST(r.exit_code == 0);
  BOOST_TEST(s.verify(dir));
  stop_seeder(*seeder);
}


namespace {
// Bytes/s of `field` over `window` seconds, starting `settle` seconds after it first moved.
double rate_over_window(const std::vector<nlohmann::json>& lines, const char* field, double settle, double window) {
  double first_moved = -1, start_t = -1, start_v = 0;
  for (const auto& j : lines) {
    const double t = j.value("elapsed_s", 0.0);
    const double v = static_cast<double>(j.value(field, std::int64_t{0}));
    if (first_moved < 0 && v > 0) first_moved = t;
    if (first_moved >= 0 && start_t < 0 && t >= first_moved + settle) {
      start_t = t;
      start_v = v;
    }
    if (start_t >= 0 && t >= start_t + window) return (v - start_v) / (t - start_t);
  }
  return -1; // the window never closed
}
} // namespace

BOOST_AUTO_TEST_CASE(rate_limits_hold_over_a_30_second_window) {
  // Both limits at once, in two swarms: actorrent uploading to a libtorrent
  // leecher with --max-upload-rate, and downloading from an unlimited
  // libtorrent seeder with --max-download-rate. Each must stay within 10% of
  // the limit over 30 s, while the other side could go 100 times faster.
  constexpr double limit = 1024 * 1024;
  constexpr double window = 30, settle = 3;
  test::swarm up("--size-kib 49152 --seeders 0");
  test::swarm down("--size-kib 49152 --seeders 1");
  auto seeder = watch_actorrent({"--max-upload-rate", "1024", up.torrent(), "-d", up.source_dir()});
  test::child_process lt_leecher(up.libtorrent_leecher_command(up.new_download_dir("lt")));
  auto leecher = watch_actorrent({"--no-seed", "--max-download-rate", "1024", down.torrent(), "-d", down.new_download_dir("dl")});
  const auto windows_closed = [&] {
    return rate_over_window(seeder.lines, "bytes_uploaded", settle, window) >= 0 &&
           rate_over_window(leecher.lines, "bytes_received", settle, window) >= 0;
  };
  BOOST_REQUIRE_MESSAGE(poll_runs({&seeder, &leecher}, windows_closed, 90s),
                        "no 30-s window of transfer: " << seeder.process->stderr_text() << leecher.process->stderr_text());
  const double up_rate = rate_over_window(seeder.lines, "bytes_uploaded", settle, window);
  const double down_rate = rate_over_window(leecher.lines, "bytes_received", settle, window);
  BOOST_TEST_MESSAGE("upload " << up_rate / 1024 << " KiB/s, download " << down_rate / 1024 << " KiB/s (limit 1024)");
  // A limit is a ceiling: 10% over it fails whatever the load. The floor only
  // catches a limiter that throttles far below its setting; it is loose
  // because a loaded machine (CI runs two suites at once) may not keep up.
  BOOST_TEST(up_rate <= 1.1 * limit);
  BOOST_TEST(down_rate <= 1.1 * limit);
  BOOST_TEST(up_rate >= 0.75 * limit);
  BOOST_TEST(down_rate >= 0.75 * limit);
}

BOOST_AUTO_TEST_CASE(mixed_swarm_of_libtorrent_and_actorrent_leechers_all_finish) {
  // One libtorrent seeder, slowed to 4 MiB/s so leechers must trade with each
  // other; two actorrent and two libtorrent leechers start together.
  test::swarm s("--size-kib 32768 --seeders 1 --seeder-rate-kib 4096");
  std::vector<std::string> dirs{s.new_download_dir("at1"), s.new_download_dir("at2"), s.new_download_dir("lt1"),
                                s.new_download_dir("lt2")};
  auto at1 = watch_actorrent({s.torrent(), "-d", dirs[0]});
  auto at2 = watch_actorrent({s.torrent(), "-d", dirs[1]});
  test::child_process lt1(s.libtorrent_leecher_command(dirs[2]));
  test::child_process lt2(s.libtorrent_leecher_command(dirs[3]));
  std::optional<int> lt1_code, lt2_code;
  const auto all_done = [&] {
    if (!lt1_code) lt1_code = lt1.wait(0ms);
    if (!lt2_code) lt2_code = lt2.wait(0ms);
    return at1.complete() && at2.complete() && lt1_code && lt2_code;
  };
  BOOST_TEST(poll_runs({&at1, &at2}, all_done, 120s));
  BOOST_TEST(lt1_code.value_or(-2) == 0);
  BOOST_TEST(lt2_code.value_or(-2) == 0);
  // The actorrent leechers stayed to seed; now stop them and read their totals.
  const auto up1 = stop_seeder(*at1.process)["bytes_uploaded"].get<std::int64_t>();
  const auto up2 = stop_seeder(*at2.process)["bytes_uploaded"].get<std::int64_t>();
  BOOST_TEST_MESSAGE("actorrent leechers uploaded " << up1 << " and " << up2 << " bytes");
  BOOST_TEST(up1 + up2 > 0); // they traded, not just took
  for (const auto& d : dirs) BOOST_TEST(s.verify(d), d);
}

BOOST_AUTO_TEST_CASE(https_tracker_with_ca_file) {
  test::swarm s("--size-kib 8192 --seeders 1 --tls");
  const auto dir = s.new_download_dir("dl");
  const auto r = run_actorrent({s.torrent(), "-d", dir, "--ca-file", s.tls_pem()});
  BOOST_TEST_INFO(r.err);
  BOOST_TEST(r.exit_code == 0);
  BOOST_TEST(s.verify(dir));
}

BOOST_AUTO_TEST_CASE(https_tracker_with_unknown_certificate_is_a_clear_warning) {
  test::swarm s("--size-kib 1024 --seeders 1 --tls");
  const auto dir = s.new_download_dir("dl");
  test::child_process p({binary, "--no-seed", "--no-dht", s.torrent(), "-d", dir});
  BOOST_TEST(p.wait_for_stderr({"certificate"}, 30s), p.stderr_text());
  p.signal(SIGTERM);
  const auto code = p.wait(20s);
  BOOST_TEST(code.value_or(-2) == 143);
  const std::string err = p.stderr_text();
  BOOST_TEST(err.find("certificate") != std::string::npos, err);
}

BOOST_AUTO_TEST_SUITE_END()
