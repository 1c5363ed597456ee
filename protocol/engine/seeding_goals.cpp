#include "protocol/engine/seeding_goals.hpp"

namespace actorrent {

seeding_goals goals_of(const torrent_record& r, const session_settings& s) {
  seeding_goals g;
  if (r.seed_ratio_mode == 1 || (r.seed_ratio_mode == 0 && s.seed_ratio_limited))
    g.ratio = r.seed_ratio_mode == 1 ? r.seed_ratio_limit : s.seed_ratio_limit;
  if (r.seed_idle_mode == 1 || (r.seed_idle_mode == 0 && s.idle_seeding_limit_enabled))
    g.idle = std::chrono::minutes(r.seed_idle_mode == 1 ? r.seed_idle_limit : s.idle_seeding_limit);
  return g;
}

double share_ratio(std::int64_t uploaded_ever, std::int64_t downloaded_ever, std::int64_t have_valid) {
  const std::int64_t base = downloaded_ever > 0 ? downloaded_ever : have_valid;
  if (base <= 0) return -1;
  return static_cast<double>(uploaded_ever) / static_cast<double>(base);
}

bool ratio_goal_reached(const seeding_goals& g, double ratio) {
  return g.ratio && (*g.ratio <= 0 || ratio >= *g.ratio);
}

bool idle_goal_reached(const seeding_goals& g, std::chrono::steady_clock::time_point quiet_since,
                       std::chrono::steady_clock::time_point now) {
  return g.idle && now - quiet_since >= *g.idle;
}

} // namespace actorrent
