#include <boost/test/unit_test.hpp>

#include "protocol/swarm/peer_book.hpp"

using namespace actorrent;
using namespace std::chrono_literals;

namespace {

using clock_type = peer_book::clock;
const clock_type::time_point t0{std::chrono::hours(1000)};

peer_address at(const std::string& host, std::uint16_t port) { return {host, port}; }

std::vector<std::string> ids(const std::vector<peer_address>& v) {
  std::vector<std::string> out;
  for (const auto& a : v) out.push_back(a.to_string());
  return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(peer_book_suite)

BOOST_AUTO_TEST_CASE(adds_each_peer_once_and_skips_ourselves) {
  peer_book book;
  book.set_own_port(6881);
  const auto added = book.add({at("10.0.0.1", 1), at("10.0.0.1", 1), at("10.0.0.2", 0), at("127.0.0.1", 6881),
                               at("127.0.0.1", 6882), at("", 5)},
                              t0);
  BOOST_TEST(added == 2u); // 10.0.0.1:1 and 127.0.0.1:6882
  BOOST_TEST(book.size() == 2u);
  BOOST_TEST(book.add({at("10.0.0.1", 1)}, t0) == 0u);
}

BOOST_AUTO_TEST_CASE(the_cap_holds_and_failed_peers_make_room) {
  peer_book_options o;
  o.cap = 3;
  peer_book book(o);
  book.add({at("10.0.0.1", 1), at("10.0.0.2", 1), at("10.0.0.3", 1)}, t0);
  BOOST_TEST(book.add({at("10.0.0.4", 1)}, t0) == 0u); // nobody failed: the newcomer is dropped
  for (const auto& a : book.to_dial(10, t0)) book.dial_failed(a.to_string(), t0 + 1s);
  BOOST_TEST(book.add({at("10.0.0.4", 1)}, t0 + 2s) == 1u);
  BOOST_TEST(book.size() == 3u);
  BOOST_TEST(book.find("10.0.0.4:1") != nullptr);
  // A caller's own limit (PEX) is lower than the cap.
  peer_book small;
  BOOST_TEST(small.add({at("10.0.0.1", 1), at("10.0.0.2", 1), at("10.0.0.3", 1)}, t0, 2) == 2u);
  BOOST_TEST(small.add({at("10.0.0.4", 1)}, t0, 2) == 0u);
}

BOOST_AUTO_TEST_CASE(dials_within_the_limit_and_backs_off_after_failures) {
  peer_book book;
  book.add({at("10.0.0.1", 1), at("10.0.0.2", 1), at("10.0.0.3", 1)}, t0);
  const auto first = book.to_dial(2, t0);
  BOOST_TEST(first.size() == 2u);
  BOOST_TEST(book.active() == 2u);
  BOOST_TEST(book.to_dial(2, t0).empty()); // both still connecting
  const std::string a = first[0].to_string(), b = first[1].to_string();
  BOOST_TEST(book.dial_succeeded(a, 7));
  BOOST_TEST(book.find(a)->key == 7u);
  book.dial_failed(b, t0);
  BOOST_TEST(ids(book.to_dial(3, t0)) == (std::vector<std::string>{"10.0.0.3:1"}), boost::test_tools::per_element());
  // 2 << 1 = 4 s after its first failure, not before.
  BOOST_TEST(ids(book.to_dial(5, t0 + 3s)).empty());
  BOOST_TEST(ids(book.to_dial(5, t0 + 4s)) == (std::vector<std::string>{b}), boost::test_tools::per_element());
  // The wait doubles, up to the cap.
  for (int i = 0; i < 10; ++i) book.dial_failed(b, t0);
  BOOST_TEST((book.find(b)->next_attempt == t0 + 120s));
  BOOST_TEST(!book.dial_succeeded("10.9.9.9:1", 8)); // forgotten meanwhile: the caller closes the socket
}

BOOST_AUTO_TEST_CASE(endings_set_the_next_attempt) {
  peer_book book;
  book.add({at("10.0.0.1", 1), at("10.0.0.2", 1), at("10.0.0.3", 1)}, t0);
  for (const auto& a : book.to_dial(3, t0)) book.dial_succeeded(a.to_string(), 1);
  BOOST_TEST(!book.ended("10.0.0.1:1", peer_ending::closed, t0).newly_banned);
  BOOST_TEST((book.find("10.0.0.1:1")->next_attempt == t0 + 2s));
  book.ended("10.0.0.2:1", peer_ending::redundant, t0);
  BOOST_TEST((book.find("10.0.0.2:1")->next_attempt == t0 + 30min));
  book.ended("10.0.0.3:1", peer_ending::duplicate, t0);
  BOOST_TEST((book.find("10.0.0.3:1")->next_attempt == t0 + 5min));
  BOOST_TEST(book.active() == 0u);
}

BOOST_AUTO_TEST_CASE(a_ban_covers_the_whole_host_except_on_loopback) {
  peer_book book;
  book.add({at("10.0.0.1", 1), at("127.0.0.1", 1)}, t0);
  for (const auto& a : book.to_dial(5, t0)) book.dial_succeeded(a.to_string(), 1);
  BOOST_TEST(book.ended("10.0.0.1:1", peer_ending::misbehaved, t0).newly_banned);
  BOOST_TEST(book.banned(at("10.0.0.1", 2), t0 + 1min)); // another port of the same host
  BOOST_TEST(book.add({at("10.0.0.1", 2)}, t0 + 1min) == 0u);
  BOOST_TEST(book.to_dial(5, t0 + 1min).empty());
  BOOST_TEST(!book.banned(at("10.0.0.1", 2), t0 + 10min)); // served its time
  // On loopback one IP is many peers: only that address and port.
  book.ended("127.0.0.1:1", peer_ending::misbehaved, t0);
  BOOST_TEST(book.banned(at("127.0.0.1", 1), t0));
  BOOST_TEST(!book.banned(at("127.0.0.1", 2), t0));
  // A self-connection is banned for a day; a second ban does not shorten the first.
  book.ban(at("10.0.0.5", 1), 24h, t0);
  book.ban(at("10.0.0.5", 1), 1min, t0);
  BOOST_TEST(book.banned(at("10.0.0.5", 9), t0 + 23h));
}

BOOST_AUTO_TEST_CASE(crashes_restart_within_a_budget_then_ban) {
  peer_book book;
  book.add({at("10.0.0.1", 1)}, t0);
  const std::string id = "10.0.0.1:1";
  auto now = t0;
  std::vector<long long> delays;
  for (int i = 0; i < 4; ++i) {
    book.to_dial(1, now);
    book.dial_succeeded(id, 1);
    const auto out = book.ended(id, peer_ending::crashed, now);
    BOOST_REQUIRE(out.restart_in.has_value());
    BOOST_TEST(!out.newly_banned);
    delays.push_back(std::chrono::duration_cast<std::chrono::milliseconds>(*out.restart_in).count());
    now += *out.restart_in;
  }
  BOOST_TEST(delays == (std::vector<long long>{100, 200, 400, 800}), boost::test_tools::per_element());
  book.to_dial(1, now);
  book.dial_succeeded(id, 1);
  const auto fifth = book.ended(id, peer_ending::crashed, now);
  BOOST_TEST(fifth.newly_banned);
  BOOST_TEST(fifth.crashes == 5u);
  BOOST_TEST(!fifth.restart_in.has_value());
  BOOST_TEST(book.banned(at("10.0.0.1", 1), now));
}

BOOST_AUTO_TEST_CASE(a_crashing_peer_that_delivers_is_flaky_not_looping) {
  peer_book book;
  book.add({at("10.0.0.1", 1)}, t0);
  const std::string id = "10.0.0.1:1";
  for (int i = 0; i < 20; ++i) {
    book.to_dial(1, t0 + std::chrono::seconds(i));
    book.dial_succeeded(id, 1);
    book.delivered(id, 16 * 1024);
    const auto out = book.ended(id, peer_ending::crashed, t0 + std::chrono::seconds(i));
    BOOST_TEST(!out.newly_banned);
    BOOST_TEST(out.crashes == 1u);
  }
  // Crashes older than the window are forgotten too.
  peer_book other;
  other.add({at("10.0.0.2", 1)}, t0);
  for (int i = 0; i < 20; ++i) BOOST_TEST(!other.ended("10.0.0.2:1", peer_ending::crashed, t0 + std::chrono::seconds(61 * i)).newly_banned);
}

BOOST_AUTO_TEST_CASE(incoming_peers_are_forgotten_when_they_go_but_bans_stay) {
  peer_book book;
  book.add_incoming(at("10.0.0.7", 50000), 3);
  book.find("10.0.0.7:50000")->listen_port = 6881;
  book.add({at("10.0.0.8", 1)}, t0);
  book.dial_succeeded("10.0.0.8:1", 4);
  BOOST_TEST(ids(book.dialable_connected()) == (std::vector<std::string>{"10.0.0.7:6881", "10.0.0.8:1"}),
             boost::test_tools::per_element());
  BOOST_TEST(book.to_dial(10, t0).empty()); // an incoming peer is never dialled back
  book.ended("10.0.0.7:50000", peer_ending::misbehaved, t0);
  BOOST_TEST(book.find("10.0.0.7:50000") == nullptr);
  BOOST_TEST(book.banned(at("10.0.0.7", 50001), t0)); // it cannot come back from another port
}

BOOST_AUTO_TEST_CASE(remembered_bans_are_bounded) {
  peer_book_options o;
  o.max_bans = 2;
  peer_book book(o);
  book.ban(at("10.0.0.1", 1), 1min, t0);
  book.ban(at("10.0.0.2", 1), 1h, t0);
  book.ban(at("10.0.0.3", 1), 2h, t0); // all live: the one ending soonest goes
  BOOST_TEST(!book.banned(at("10.0.0.1", 1), t0));
  BOOST_TEST(book.banned(at("10.0.0.2", 1), t0));
  BOOST_TEST(book.banned(at("10.0.0.3", 1), t0));
  book.ban(at("10.0.0.4", 1), 1min, t0 + 90min); // 10.0.0.2's has expired: it goes first
  BOOST_TEST(book.banned(at("10.0.0.3", 1), t0 + 90min));
  BOOST_TEST(book.banned(at("10.0.0.4", 1), t0 + 90min));
}

BOOST_AUTO_TEST_SUITE_END()
