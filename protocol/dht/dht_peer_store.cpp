#include "protocol/dht/dht_peer_store.hpp"

#include <algorithm>

namespace actorrent::dht {

void peer_store::announce(const node_id& info_hash, const peer_endpoint& peer, clock::time_point now) {
  auto it = store_.find(info_hash);
  if (it == store_.end()) {
    if (store_.size() >= max_torrents) return;
    it = store_.emplace(info_hash, std::vector<stored>{}).first;
  }
  auto& list = it->second;
  for (auto& s : list)
    if (s.peer.ip == peer.ip && s.peer.port == peer.port) {
      s.at = now;
      return;
    }
  if (list.size() >= max_peers_per_torrent) list.erase(list.begin()); // the oldest announce goes
  list.push_back({peer, now});
}

std::vector<peer_endpoint> peer_store::peers(const node_id& info_hash, std::size_t n, clock::time_point now) const {
  std::vector<peer_endpoint> out;
  auto it = store_.find(info_hash);
  if (it == store_.end()) return out;
  for (auto s = it->second.rbegin(); s != it->second.rend() && out.size() < n; ++s)
    if (now - s->at < lifetime) out.push_back(s->peer);
  return out;
}

void peer_store::expire(clock::time_point now) {
  for (auto it = store_.begin(); it != store_.end();) {
    auto& list = it->second;
    list.erase(std::remove_if(list.begin(), list.end(), [&](const stored& s) { return now - s.at >= lifetime; }),
               list.end());
    it = list.empty() ? store_.erase(it) : std::next(it);
  }
}

} // namespace actorrent::dht
