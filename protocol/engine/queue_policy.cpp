#include "protocol/engine/queue_policy.hpp"

#include <algorithm>

namespace actorrent {

queue_limits queue_limits_of(const session_settings& s) {
  queue_limits l;
  l.download_enabled = s.download_queue_enabled;
  l.download_size = s.download_queue_size;
  l.seed_enabled = s.seed_queue_enabled;
  l.seed_size = s.seed_queue_size;
  l.stalled_enabled = s.queue_stalled_enabled;
  l.stalled_after = std::chrono::minutes(s.queue_stalled_minutes);
  return l;
}

bool is_stalled(const queue_entry& e, const queue_limits& limits, std::chrono::steady_clock::time_point now) {
  return limits.stalled_enabled && e.running && !e.checking && now - e.last_activity >= limits.stalled_after;
}

namespace {

void plan_direction(const std::vector<queue_entry>& sorted, queue_direction d, bool enabled, int size,
                    const queue_limits& limits, std::chrono::steady_clock::time_point now, queue_plan& plan) {
  std::vector<const queue_entry*> mine;
  for (const auto& e : sorted)
    if (e.direction == d && e.wants_to_run) mine.push_back(&e);
  if (!enabled) {
    for (const auto* e : mine)
      if (!e->running) plan.start.push_back(e->id);
    return;
  }
  long slots = std::max(0, size);
  for (const auto* e : mine) {
    if (e->forced) {
      if (!e->running) plan.start.push_back(e->id);
      continue;
    }
    if (e->running) {
      if (is_stalled(*e, limits, now)) continue; // holds no slot, keeps running
      if (slots > 0 || e->checking)
        --slots;
      else
        plan.stop.push_back(e->id);
    } else if (slots > 0) {
      plan.start.push_back(e->id);
      --slots;
    }
  }
}

} // namespace

queue_plan plan_queue(std::vector<queue_entry> entries, const queue_limits& limits,
                      std::chrono::steady_clock::time_point now) {
  std::sort(entries.begin(), entries.end(), [](const queue_entry& a, const queue_entry& b) {
    return a.position != b.position ? a.position < b.position : a.id < b.id;
  });
  queue_plan plan;
  plan_direction(entries, queue_direction::download, limits.download_enabled, limits.download_size, limits, now, plan);
  plan_direction(entries, queue_direction::seed, limits.seed_enabled, limits.seed_size, limits, now, plan);
  return plan;
}

} // namespace actorrent
