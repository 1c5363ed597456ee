// Trackers beyond one HTTP URL: UDP (BEP 15), tiers (BEP 12), broken and
// hostile trackers. Real opentracker and libtorrent seeders on 127.0.0.1,
// broken trackers from tests/fixtures/fake_tracker.py.
#include <boost/test/unit_test.hpp>

#include <dirent.h>

#include <fstream>

#include "tests/support/actorrent_runs.hpp"
#include "tests/support/process.hpp"

using namespace actorrent;
using test::run_actorrent;
using namespace std::chrono_literals;

using test::fake_tracker_log;

BOOST_AUTO_TEST_SUITE(trackers)

BOOST_AUTO_TEST_CASE(udp_tracker_is_the_only_tracker) {
  test::swarm s("--size-kib 8192 --seeders 2 --tiers udp");
  const auto dir = s.new_download_dir("dl");
  const auto r = run_actorrent({s.torrent(), "-d", dir, "-p", "0"});
  BOOST_TEST_INFO(r.err);
  BOOST_TEST(r.exit_code == 0);
  BOOST_TEST(s.verify(dir));
  // The peers came from the UDP announce: opentracker's count is in the status.
  BOOST_TEST(r.last["seeders"].get<int>() >= 2, r.last.dump());
}

BOOST_AUTO_TEST_CASE(dead_first_tier_falls_through_to_the_second) {
  // Tier 1: a closed HTTP port, an HTTP tracker that answers with a failure
  // and a UDP port nobody answers; tier 2: opentracker.
  test::swarm s("--size-kib 8192 --seeders 1 --tiers dead+fail+udp-dead,http");
  const auto dir = s.new_download_dir("dl");
  const auto r = run_actorrent({s.torrent(), "-d", dir, "-p", "0", "--udp-tracker-timeout", "0.2"}, 60s);
  BOOST_TEST_INFO(r.err);
  BOOST_TEST(r.exit_code == 0);
  BOOST_TEST(s.verify(dir));
  BOOST_TEST(!fake_tracker_log(s, "fail").empty()); // it was asked, and refused
}

BOOST_AUTO_TEST_CASE(hostile_udp_tracker_replies_are_refused) {
  // Its replies carry other transaction ids, wrong actions, wrong sizes: none
  // may be taken for an answer (the next tier gives the peers), none may crash us.
  test::swarm s("--size-kib 8192 --seeders 1 --tiers udp-hostile,udp");
  const auto dir = s.new_download_dir("dl");
  const auto r = run_actorrent({s.torrent(), "-d", dir, "-p", "0", "--udp-tracker-timeout", "0.2", "-v"}, 60s);
  BOOST_TEST_INFO(r.err);
  BOOST_TEST(r.exit_code == 0);
  BOOST_TEST(s.verify(dir));
  const auto log = fake_tracker_log(s, "udp-hostile");
  int announces = 0;
  for (const auto& j : log) announces += j["action"] == 1;
  // Its first answer had another transaction id: we waited and sent the announce again.
  BOOST_TEST(announces >= 2, log.size());
  BOOST_TEST(r.err.find("malformed UDP reply") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(show_scrape_asks_every_tracker) {
  test::swarm s("--size-kib 1024 --seeders 2 --tiers udp+dead,http");
  auto r = test::run_process({test::binary, "show", "--scrape", "--json", "--timeout", "2", s.torrent()});
  BOOST_TEST_INFO(r.err);
  BOOST_REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(r.out);
  BOOST_REQUIRE(j["scrape"].size() == 3u);
  int answered = 0;
  for (const auto& t : j["scrape"]) {
    const std::string url = t["url"];
    if (t.contains("error")) {
      BOOST_TEST(url.rfind("http://", 0) == 0, t.dump()); // the dead one
      continue;
    }
    ++answered;
    BOOST_TEST(t["seeders"] == 2, t.dump());
    BOOST_TEST(t["leechers"] == 0, t.dump());
    BOOST_TEST(t["tier"] == (url.rfind("udp://", 0) == 0 ? 1 : 2), t.dump());
  }
  BOOST_TEST(answered == 2);
  // Text form: one line per tracker under its tier.
  r = test::run_process({test::binary, "show", "--scrape", "--timeout", "2", s.torrent()});
  BOOST_TEST(r.out.find("Tier #2") != std::string::npos, r.out);
  BOOST_TEST(r.out.find("seeders 2  leechers 0") != std::string::npos, r.out);
}

BOOST_AUTO_TEST_CASE(show_scrape_with_no_answer_fails) {
  test::swarm s("--size-kib 1024 --seeders 0 --tiers dead+udp-dead");
  const auto r = test::run_process({test::binary, "show", "--scrape", "--timeout", "0.5", s.torrent()});
  BOOST_TEST(r.exit_code == 1, r.out << r.err);
  BOOST_TEST(r.out.find("no reply from UDP tracker") != std::string::npos, r.out);
}

BOOST_AUTO_TEST_SUITE_END()
