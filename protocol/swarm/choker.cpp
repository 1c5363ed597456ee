#include "protocol/swarm/choker.hpp"

#include <algorithm>

namespace actorrent {

choker::choker(choker_options options)
    : options_(options), rng_(options.seed != 0 ? options.seed : std::random_device{}()) {}

std::optional<peer_key> choker::pick_optimistic(const std::vector<const choker_peer*>& candidates,
                                                clock::time_point now) {
  if (candidates.empty()) return std::nullopt;
  std::vector<int> weights;
  for (const auto* p : candidates)
    weights.push_back(now - p->connected_at < options_.newcomer_window ? options_.newcomer_weight : 1);
  std::discrete_distribution<std::size_t> pick(weights.begin(), weights.end());
  return candidates[pick(rng_)]->key;
}

choker::decision choker::run(const std::vector<choker_peer>& peers, bool seeding, clock::time_point now) {
  std::vector<const choker_peer*> ranked;
  for (const auto& p : peers)
    if (p.interested && (seeding || !p.snubbed)) ranked.push_back(&p);
  std::stable_sort(ranked.begin(), ranked.end(), [seeding](const choker_peer* a, const choker_peer* b) {
    return seeding ? a->rate_to_peer > b->rate_to_peer : a->rate_from_peer > b->rate_from_peer;
  });
  decision d;
  for (std::size_t i = 0; i < ranked.size() && i < options_.upload_slots; ++i) d.unchoked.push_back(ranked[i]->key);

  // The optimistic slot: kept for its interval while its peer still qualifies.
  std::vector<const choker_peer*> others;
  for (const auto& p : peers)
    if (p.interested && std::find(d.unchoked.begin(), d.unchoked.end(), p.key) == d.unchoked.end())
      others.push_back(&p);
  const bool still_there = optimistic_ && std::any_of(others.begin(), others.end(),
                                                      [&](const choker_peer* p) { return p->key == *optimistic_; });
  if (!still_there || now - optimistic_since_ >= options_.optimistic_every) {
    optimistic_ = pick_optimistic(others, now);
    optimistic_since_ = now;
  }
  d.optimistic = optimistic_;
  if (optimistic_) d.unchoked.push_back(*optimistic_);
  return d;
}

} // namespace actorrent
