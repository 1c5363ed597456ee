#pragma once
// When a complete torrent stops seeding, as Transmission decides it: at a
// share ratio, or after so many minutes without a byte moving. Each goal is
// the torrent's own (mode 1), the session's when enabled there (mode 0), or
// none (mode 2).
#include <chrono>
#include <cstdint>
#include <optional>

#include "protocol/engine/session_settings.hpp"
#include "protocol/engine/torrent_record.hpp"

namespace actorrent {

struct seeding_goals {
  std::optional<double> ratio;              // uploaded / size wanted
  std::optional<std::chrono::minutes> idle; // without bytes moving
};

seeding_goals goals_of(const torrent_record& r, const session_settings& s);

// The share ratio as Transmission reckons it: all-time upload over all-time
// download, or over the verified bytes for a torrent that was seeded from data
// already present. -1 when there is nothing to divide by.
double share_ratio(std::int64_t uploaded_ever, std::int64_t downloaded_ever, std::int64_t have_valid);

// True when the ratio goal is met (a goal of 0 is met at once, as in Transmission).
bool ratio_goal_reached(const seeding_goals& g, double ratio);

// True when the idle goal is met: seeding and nothing moved since `quiet_since`
// (the later of the last transfer and the moment seeding began).
bool idle_goal_reached(const seeding_goals& g, std::chrono::steady_clock::time_point quiet_since,
                       std::chrono::steady_clock::time_point now);

} // namespace actorrent
