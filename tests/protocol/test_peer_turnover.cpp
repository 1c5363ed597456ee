#include <boost/test/unit_test.hpp>

#include "protocol/swarm/peer_turnover.hpp"

using namespace actorrent;
using namespace std::chrono_literals;

namespace {
const auto t0 = std::chrono::steady_clock::time_point{} + 10h;
}

BOOST_AUTO_TEST_SUITE(peer_turnover_suite)

BOOST_AUTO_TEST_CASE(a_newcomer_replaces_the_connection_useless_longest) {
  const std::vector<slot_holder> holders = {{1, t0 - 30s}, {2, t0 - 90s}, {3, t0}, {4, t0 - 60s}};
  BOOST_TEST(slot_for_newcomer(holders, t0).value_or(0) == 2u);
}

BOOST_AUTO_TEST_CASE(useful_or_fresh_connections_keep_their_slot) {
  // Each was useful (or connected) within the 10-s grace: the newcomer is refused.
  const std::vector<slot_holder> holders = {{1, t0 - 9s}, {2, t0}, {3, t0 - 1s}};
  BOOST_TEST(!slot_for_newcomer(holders, t0).has_value());
  BOOST_TEST(!slot_for_newcomer({}, t0).has_value());
  // The grace is the boundary.
  BOOST_TEST(slot_for_newcomer({{7, t0 - 10s}}, t0).value_or(0) == 7u);
  turnover_options o;
  o.grace = 60s;
  BOOST_TEST(!slot_for_newcomer(holders, t0 + 30s, o).has_value());
  BOOST_TEST(slot_for_newcomer(holders, t0 + 61s, o).value_or(0) == 1u);
}

BOOST_AUTO_TEST_CASE(connections_useless_past_the_idle_limit_are_dropped) {
  const std::vector<slot_holder> holders = {{1, t0 - 301s}, {2, t0 - 300s}, {3, t0 - 10min}, {4, t0}};
  const auto idle = idle_connections(holders, t0);
  BOOST_TEST(idle == (std::vector<peer_key>{1, 3}), boost::test_tools::per_element());
  BOOST_TEST(idle_connections(holders, t0 - 1h).empty());
}

BOOST_AUTO_TEST_SUITE_END()
