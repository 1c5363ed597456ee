#include "protocol/swarm/peer_turnover.hpp"

namespace actorrent {

std::optional<peer_key> slot_for_newcomer(const std::vector<slot_holder>& holders, std::chrono::steady_clock::time_point now,
                                          const turnover_options& options) {
  const slot_holder* worst = nullptr;
  for (const auto& h : holders) {
    if (now - h.useful_at < options.grace) continue;
    if (worst == nullptr || h.useful_at < worst->useful_at) worst = &h;
  }
  if (worst == nullptr) return std::nullopt;
  return worst->key;
}

std::vector<peer_key> idle_connections(const std::vector<slot_holder>& holders, std::chrono::steady_clock::time_point now,
                                       const turnover_options& options) {
  std::vector<peer_key> out;
  for (const auto& h : holders)
    if (now - h.useful_at > options.idle_limit) out.push_back(h.key);
  return out;
}

} // namespace actorrent
