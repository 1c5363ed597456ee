#include <boost/test/unit_test.hpp>

#include "protocol/swarm/token_bucket.hpp"

using namespace actorrent;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(token_bucket_suite)

BOOST_AUTO_TEST_CASE(grants_the_rate_over_time) {
  const auto t0 = token_bucket::clock::time_point{} + 1h;
  token_bucket b(1000, 500, t0);
  BOOST_TEST(b.take(100, t0) == 0); // starts empty: no burst at start
  BOOST_TEST(b.take(1000, t0 + 100ms) == 100);
  BOOST_TEST(b.take(1000, t0 + 100ms) == 0);
  BOOST_TEST(b.take(1000, t0 + 10s) == 500); // capped by the burst
  // Over 30 s of steady demand, within 1% of the rate.
  std::int64_t total = 0;
  auto t = t0 + 20s;
  b.take(1000000, t);
  for (int i = 0; i < 3000; ++i) {
    t += 10ms;
    total += b.take(1000000, t);
  }
  BOOST_TEST(total >= 29700);
  BOOST_TEST(total <= 30300);
}

BOOST_AUTO_TEST_CASE(zero_rate_is_unlimited) {
  const auto t0 = token_bucket::clock::time_point{};
  token_bucket b(0, 0, t0);
  BOOST_TEST(b.unlimited());
  BOOST_TEST(b.take(1 << 30, t0) == 1 << 30);
}

BOOST_AUTO_TEST_CASE(time_going_backwards_grants_nothing_extra) {
  const auto t0 = token_bucket::clock::time_point{} + 1h;
  token_bucket b(1000, 1000, t0);
  BOOST_TEST(b.take(1000, t0 + 1s) == 1000);
  BOOST_TEST(b.take(1000, t0) == 0);
}

BOOST_AUTO_TEST_SUITE_END()
