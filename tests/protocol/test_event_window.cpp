#include <boost/test/unit_test.hpp>

#include "protocol/event_window.hpp"

using namespace actorrent;
using namespace std::chrono_literals;

namespace {
const auto t0 = event_window::clock::time_point{} + 10h;
}

BOOST_AUTO_TEST_SUITE(event_window_suite)

BOOST_AUTO_TEST_CASE(a_burst_over_the_limit_is_caught) {
  event_window w(3, 60s);
  BOOST_TEST(!w.exceeded_after(t0));
  BOOST_TEST(!w.exceeded_after(t0 + 1s));
  BOOST_TEST(!w.exceeded_after(t0 + 2s));
  BOOST_TEST(w.exceeded_after(t0 + 3s));
}

BOOST_AUTO_TEST_CASE(the_same_events_spread_out_never_are) {
  // An honest, long-lived peer: 3 a minute for an hour is 180 events, never 4 in a minute.
  event_window w(3, 60s);
  for (int i = 0; i < 180; ++i) BOOST_TEST_REQUIRE(!w.exceeded_after(t0 + i * 20s));
  BOOST_TEST(w.count(t0 + 180 * 20s) == 2u); // the last two are still inside the window
  BOOST_TEST(w.count(t0 + 10h) == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
