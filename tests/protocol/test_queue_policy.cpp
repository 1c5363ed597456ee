// The download and seed queues and the seeding goals: explicit time points,
// no clock read.
#include <boost/test/unit_test.hpp>

#include <algorithm>

#include "protocol/engine/queue_policy.hpp"
#include "protocol/engine/seeding_goals.hpp"

using namespace actorrent;
using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

namespace {

const steady::time_point t0 = steady::time_point{} + 24h;

queue_entry waiting(int id, int position, queue_direction d = queue_direction::download) {
  queue_entry e;
  e.id = id;
  e.position = position;
  e.direction = d;
  e.wants_to_run = true;
  return e;
}

queue_entry running(int id, int position, steady::time_point active, queue_direction d = queue_direction::download) {
  auto e = waiting(id, position, d);
  e.running = true;
  e.last_activity = active;
  return e;
}

queue_limits limits(int download, int seed = 10, bool seed_enabled = false) {
  queue_limits l;
  l.download_size = download;
  l.seed_size = seed;
  l.seed_enabled = seed_enabled;
  l.stalled_after = 30min;
  return l;
}

bool has(const std::vector<int>& v, int id) { return std::find(v.begin(), v.end(), id) != v.end(); }

} // namespace

BOOST_AUTO_TEST_SUITE(queue_policy_suite)

BOOST_AUTO_TEST_CASE(only_the_queue_size_starts_best_placed_first) {
  const auto plan = plan_queue({waiting(1, 3), waiting(2, 0), waiting(3, 2), waiting(4, 1)}, limits(2), t0);
  BOOST_TEST(plan.start == (std::vector<int>{2, 4}));
  BOOST_TEST(plan.stop.empty());
}

BOOST_AUTO_TEST_CASE(a_disabled_queue_starts_every_torrent_the_user_started) {
  auto l = limits(1);
  l.download_enabled = false;
  auto paused = waiting(3, 2);
  paused.wants_to_run = false;
  const auto plan = plan_queue({waiting(1, 0), waiting(2, 1), paused}, l, t0);
  BOOST_TEST(plan.start == (std::vector<int>{1, 2}));
}

BOOST_AUTO_TEST_CASE(running_torrents_fill_slots_and_a_full_queue_starts_nothing) {
  const auto plan = plan_queue({running(1, 0, t0), running(2, 1, t0), waiting(3, 2)}, limits(2), t0 + 1min);
  BOOST_TEST(plan.start.empty());
  BOOST_TEST(plan.stop.empty());
}

BOOST_AUTO_TEST_CASE(a_stalled_torrent_holds_no_slot_but_keeps_running) {
  // Torrent 1 moved nothing for 30 minutes: torrent 3 gets its slot.
  const auto plan = plan_queue({running(1, 0, t0), running(2, 1, t0 + 29min), waiting(3, 2)}, limits(2), t0 + 30min);
  BOOST_TEST(plan.start == (std::vector<int>{3}));
  BOOST_TEST(plan.stop.empty());
  // With stalled detection off, it still holds its slot.
  auto l = limits(2);
  l.stalled_enabled = false;
  BOOST_TEST(plan_queue({running(1, 0, t0), running(2, 1, t0 + 29min), waiting(3, 2)}, l, t0 + 30min).start.empty());
}

BOOST_AUTO_TEST_CASE(a_checking_torrent_is_never_stalled_nor_stopped) {
  auto checking = running(1, 5, t0);
  checking.checking = true;
  BOOST_TEST(!is_stalled(checking, limits(1), t0 + 5h));
  // The queue shrank to 0: the check goes on, nothing else starts.
  const auto plan = plan_queue({checking, waiting(2, 0)}, limits(0), t0 + 5h);
  BOOST_TEST(plan.stop.empty());
  BOOST_TEST(plan.start.empty());
}

BOOST_AUTO_TEST_CASE(a_shrunk_queue_or_a_better_placed_torrent_sends_the_lowest_placed_back) {
  const auto shrunk = plan_queue({running(1, 0, t0), running(2, 1, t0), running(3, 2, t0)}, limits(1), t0 + 1min);
  BOOST_TEST(shrunk.stop == (std::vector<int>{2, 3}));
  // Torrent 4 was moved to the top of the queue: it takes torrent 3's slot.
  const auto moved = plan_queue({running(1, 1, t0), running(3, 2, t0), waiting(4, 0)}, limits(2), t0 + 1min);
  BOOST_TEST(moved.start == (std::vector<int>{4}));
  BOOST_TEST(moved.stop == (std::vector<int>{3}));
}

BOOST_AUTO_TEST_CASE(a_forced_torrent_is_outside_the_queue) {
  auto forced = waiting(9, 0);
  forced.forced = true;
  const auto plan = plan_queue({forced, waiting(1, 1), waiting(2, 2)}, limits(1), t0);
  BOOST_TEST(plan.start == (std::vector<int>{9, 1})); // it takes no slot
  // Running beside a full queue, or with a queue of 0: never sent back, sends nobody back.
  auto forced_running = running(9, 0, t0);
  forced_running.forced = true;
  const auto full = plan_queue({forced_running, running(1, 1, t0)}, limits(1), t0 + 1min);
  BOOST_TEST((full.stop.empty() && full.start.empty()));
  BOOST_TEST(plan_queue({forced_running, running(1, 1, t0)}, limits(0), t0 + 1min).stop == (std::vector<int>{1}));
}

BOOST_AUTO_TEST_CASE(the_seed_queue_counts_apart_from_the_download_queue) {
  const auto s = queue_direction::seed;
  const auto plan = plan_queue({running(1, 0, t0), waiting(2, 1), waiting(3, 2, s), waiting(4, 3, s), waiting(5, 4, s)},
                               limits(1, 2, true), t0 + 1min);
  BOOST_TEST(plan.start == (std::vector<int>{3, 4}));
  BOOST_TEST(plan.stop.empty());
  // The seed queue off: every seed starts, the download queue still holds.
  BOOST_TEST(plan_queue({running(1, 0, t0), waiting(2, 1), waiting(3, 2, s), waiting(4, 3, s), waiting(5, 4, s)},
                        limits(1, 2, false), t0 + 1min)
                 .start == (std::vector<int>{3, 4, 5}));
}

BOOST_AUTO_TEST_CASE(a_negative_size_counts_as_zero_and_ties_go_by_id) {
  BOOST_TEST(plan_queue({waiting(1, 0)}, limits(-3), t0).start.empty());
  BOOST_TEST(plan_queue({waiting(7, 0), waiting(2, 0)}, limits(1), t0).start == (std::vector<int>{2}));
}

BOOST_AUTO_TEST_CASE(seeding_goals_come_from_the_torrent_the_session_or_nowhere) {
  torrent_record r;
  session_settings s;
  s.seed_ratio_limited = true;
  s.seed_ratio_limit = 1.5;
  s.idle_seeding_limit_enabled = true;
  s.idle_seeding_limit = 10;
  auto g = goals_of(r, s); // mode 0: the session's
  BOOST_TEST(g.ratio.value_or(-1) == 1.5);
  BOOST_TEST(g.idle.value_or(0min).count() == 10);
  r.seed_ratio_mode = 1;
  r.seed_ratio_limit = 0.5;
  r.seed_idle_mode = 1;
  r.seed_idle_limit = 3;
  g = goals_of(r, s);
  BOOST_TEST(g.ratio.value_or(-1) == 0.5);
  BOOST_TEST(g.idle.value_or(0min).count() == 3);
  r.seed_ratio_mode = r.seed_idle_mode = 2;
  g = goals_of(r, s);
  BOOST_TEST(!g.ratio.has_value());
  BOOST_TEST(!g.idle.has_value());
  r.seed_ratio_mode = r.seed_idle_mode = 0;
  s.seed_ratio_limited = s.idle_seeding_limit_enabled = false;
  g = goals_of(r, s);
  BOOST_TEST((!g.ratio && !g.idle));
}

BOOST_AUTO_TEST_CASE(the_idle_goal_counts_from_the_last_transfer) {
  seeding_goals g;
  g.idle = 10min;
  BOOST_TEST(!idle_goal_reached(g, t0, t0 + 9min + 59s));
  BOOST_TEST(idle_goal_reached(g, t0, t0 + 10min));
  BOOST_TEST(!idle_goal_reached(seeding_goals{}, t0, t0 + 1000h));
}

BOOST_AUTO_TEST_CASE(the_ratio_divides_all_time_upload_by_download_or_by_the_data_held) {
  BOOST_TEST(share_ratio(300, 100, 1000) == 3.0);
  BOOST_TEST(share_ratio(500, 0, 1000) == 0.5); // seeded from data that was already there
  BOOST_TEST(share_ratio(500, 0, 0) == -1.0);
  seeding_goals g;
  BOOST_TEST(!ratio_goal_reached(g, 1e9));
  g.ratio = 2.0;
  BOOST_TEST(!ratio_goal_reached(g, 1.99));
  BOOST_TEST(ratio_goal_reached(g, 2.0));
  g.ratio = 0.0; // stop as soon as complete
  BOOST_TEST(ratio_goal_reached(g, -1.0));
}

BOOST_AUTO_TEST_SUITE_END()
