#include "protocol/tracker/tracker_tiers.hpp"

#include <algorithm>
#include <random>

namespace actorrent {

tracker_tiers::tracker_tiers(std::vector<std::vector<std::string>> tiers, std::uint64_t seed) : tiers_(std::move(tiers)) {
  std::mt19937_64 rng(seed);
  for (auto& tier : tiers_) std::shuffle(tier.begin(), tier.end(), rng);
}

void tracker_tiers::answered(std::size_t tier, std::size_t index) {
  if (tier >= tiers_.size() || index >= tiers_[tier].size()) return;
  auto& t = tiers_[tier];
  std::rotate(t.begin(), t.begin() + static_cast<std::ptrdiff_t>(index), t.begin() + static_cast<std::ptrdiff_t>(index) + 1);
}

} // namespace actorrent
