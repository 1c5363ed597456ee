// Shared, live rate limits: explicit time points, and a threaded check that
// torrents drawing from one engine limit together stay within it.
#include <boost/test/unit_test.hpp>

#include <thread>
#include <vector>

#include "protocol/storage/piece_geometry.hpp"
#include "protocol/swarm/rate_limit.hpp"

using namespace actorrent;
using namespace std::chrono_literals;

namespace {
const auto t0 = shared_rate::clock::time_point{} + 1h;
}

BOOST_AUTO_TEST_SUITE(rate_limit_suite)

BOOST_AUTO_TEST_CASE(a_new_rate_takes_effect_at_once) {
  shared_rate r(100'000, t0);
  BOOST_TEST(r.take_up_to(1'000'000, t0 + 1s) == shared_rate::burst_for(100'000)); // capped by the burst
  r.set_rate(400'000, t0 + 1s);
  BOOST_TEST(r.take_up_to(1'000'000, t0 + 1100ms) == 40'000);
  r.set_rate(0, t0 + 1100ms);
  BOOST_TEST(r.unlimited());
  BOOST_TEST(r.take_up_to(1'000'000, t0 + 1100ms) == 1'000'000);
  // Back to a limit: it starts empty, no burst saved up while unlimited.
  r.set_rate(50'000, t0 + 5s);
  BOOST_TEST(r.take_up_to(1'000'000, t0 + 5s) == 0);
  BOOST_TEST(r.take_up_to(1'000'000, t0 + 5200ms) == 10'000);
}

BOOST_AUTO_TEST_CASE(the_burst_is_never_below_one_block) {
  BOOST_TEST(shared_rate::burst_for(1) == static_cast<std::int64_t>(block_size));
  shared_rate r(1, t0);
  // At 1 B/s a block passes after block_size seconds, not never.
  BOOST_TEST(!r.take_all(block_size, t0 + 10s));
  BOOST_TEST(r.take_all(block_size, t0 + std::chrono::seconds(block_size)));
}

BOOST_AUTO_TEST_CASE(a_chain_grants_what_both_limits_allow_and_hands_back_the_rest) {
  auto engine = std::make_shared<shared_rate>(10'000, t0);
  rate_chain chain(std::make_shared<shared_rate>(100'000, t0), engine);
  // After 1 s: own has earned 25,000 (its burst), the engine 10,000.
  BOOST_TEST(chain.take_up_to(1'000'000, t0 + 1s) == 10'000);
  // The own limit kept what the engine refused: it alone now grants its remainder.
  chain.honour_engine(false);
  BOOST_TEST(chain.take_up_to(1'000'000, t0 + 1s) == 15'000);
  chain.honour_engine(true);
  // take_all refused by the engine leaves the own limit as it was.
  BOOST_TEST(!chain.take_all(1000, t0 + 1s));
  BOOST_TEST(chain.own().take_up_to(1'000'000, t0 + 1s) == 0);
}

BOOST_AUTO_TEST_CASE(unlimited_only_when_every_limit_in_force_is) {
  auto engine = std::make_shared<shared_rate>(0, t0);
  rate_chain chain(std::make_shared<shared_rate>(0, t0), engine);
  BOOST_TEST(chain.unlimited());
  engine->set_rate(1000, t0);
  BOOST_TEST(!chain.unlimited());
  chain.honour_engine(false);
  BOOST_TEST(chain.unlimited());
  rate_chain alone(nullptr, nullptr);
  BOOST_TEST(alone.unlimited());
  BOOST_TEST(alone.take_up_to(123, t0) == 123);
}

BOOST_AUTO_TEST_CASE(torrents_on_threads_share_the_engine_limit) {
  // Four torrents, each with a generous own limit, drawing from one engine
  // limit of 100 kB/s over a simulated 10 s: together they get the engine's
  // rate plus one burst, whatever the interleaving.
  auto engine = std::make_shared<shared_rate>(100'000, t0);
  std::vector<std::int64_t> got(4, 0);
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i)
    threads.emplace_back([&, i] {
      rate_chain chain(std::make_shared<shared_rate>(1'000'000, t0), engine);
      for (int step = 1; step <= 1000; ++step) got[i] += chain.take_up_to(50'000, t0 + step * 10ms);
    });
  for (auto& t : threads) t.join();
  std::int64_t total = 0;
  for (auto g : got) total += g;
  BOOST_TEST(total <= 1'000'000 + shared_rate::burst_for(100'000));
  BOOST_TEST(total >= 990'000);
}

BOOST_AUTO_TEST_SUITE_END()
