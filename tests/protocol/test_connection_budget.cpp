// Per-torrent and engine-wide peer slots.
#include <boost/test/unit_test.hpp>

#include <thread>
#include <vector>

#include "protocol/swarm/connection_budget.hpp"

using namespace actorrent;

BOOST_AUTO_TEST_SUITE(connection_budget_suite)

BOOST_AUTO_TEST_CASE(a_slot_needs_room_in_both_budgets) {
  auto engine = std::make_shared<connection_budget>(3);
  peer_slots a(std::make_shared<connection_budget>(2), engine), b(std::make_shared<connection_budget>(5), engine);
  BOOST_TEST(a.free() == 2u);
  BOOST_TEST(a.try_take());
  BOOST_TEST(a.try_take());
  BOOST_TEST(!a.try_take()); // its own limit
  BOOST_TEST(b.free() == 1u);
  BOOST_TEST(b.try_take());
  BOOST_TEST(!b.try_take()); // the engine's limit; b's own slot was handed back
  BOOST_TEST(b.own().used() == 1u);
  a.release();
  BOOST_TEST(b.try_take());
  BOOST_TEST(engine->used() == 3u);
}

BOOST_AUTO_TEST_CASE(a_lowered_limit_closes_nothing_and_admits_nobody_until_below) {
  connection_budget c(4);
  for (int i = 0; i < 4; ++i) BOOST_TEST(c.try_take());
  c.set_limit(2);
  BOOST_TEST(c.used() == 4u);
  BOOST_TEST(c.free() == 0u);
  c.release();
  c.release();
  BOOST_TEST(!c.try_take());
  c.release();
  BOOST_TEST(c.try_take());
  c.release();
  c.release();
  c.release(); // one too many: stays at zero
  BOOST_TEST(c.used() == 0u);
}

BOOST_AUTO_TEST_CASE(threads_never_take_more_than_the_limit) {
  auto engine = std::make_shared<connection_budget>(100);
  std::vector<int> taken(8, 0);
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&, i] {
      peer_slots s(std::make_shared<connection_budget>(1000), engine);
      for (int k = 0; k < 1000; ++k) taken[i] += s.try_take() ? 1 : 0;
    });
  for (auto& t : threads) t.join();
  int total = 0;
  for (int t : taken) total += t;
  BOOST_TEST(total == 100);
  BOOST_TEST(engine->used() == 100u);
}

BOOST_AUTO_TEST_SUITE_END()
