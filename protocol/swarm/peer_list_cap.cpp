#include "protocol/swarm/peer_list_cap.hpp"

#include <algorithm>

namespace actorrent {

std::vector<std::size_t> peers_to_evict(const std::vector<listed_peer>& peers, std::size_t newcomers, std::size_t cap) {
  const std::size_t wanted = peers.size() + newcomers;
  if (wanted <= cap) return {};
  const std::size_t over = wanted - cap;
  std::vector<std::size_t> candidates;
  for (std::size_t i = 0; i < peers.size(); ++i)
    if (!peers[i].in_use && !peers[i].banned && peers[i].failures > 0) candidates.push_back(i);
  const std::size_t n = std::min(over, candidates.size());
  std::partial_sort(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(n), candidates.end(),
                    [&](std::size_t a, std::size_t b) {
                      if (peers[a].failures != peers[b].failures) return peers[a].failures > peers[b].failures;
                      return a < b;
                    });
  candidates.resize(n);
  return candidates;
}

} // namespace actorrent
