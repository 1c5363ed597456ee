#pragma once
// The BEP 12 order of a torrent's trackers: each tier shuffled once, tiers
// tried in order and each tracker in its tier in order; a tracker that
// answers moves to the front of its tier (and is asked first next time).
// A plain class, so the order can be tested without a tracker actor.
#include <cstdint>
#include <string>
#include <vector>

namespace actorrent {

class tracker_tiers {
public:
  tracker_tiers() = default;
  tracker_tiers(std::vector<std::vector<std::string>> tiers, std::uint64_t seed);

  const std::vector<std::vector<std::string>>& tiers() const { return tiers_; }
  // tiers()[tier][index] answered.
  void answered(std::size_t tier, std::size_t index);

private:
  std::vector<std::vector<std::string>> tiers_;
};

} // namespace actorrent
