#pragma once
// Peers announced to our DHT node (announce_peer), by info-hash, each kept for
// 30 minutes unless announced again. Bounded: a flood of announces cannot
// exhaust memory.
#include <chrono>
#include <cstddef>
#include <map>
#include <vector>

#include "protocol/dht/krpc.hpp"

namespace actorrent::dht {

class peer_store {
public:
  using clock = std::chrono::steady_clock;
  static constexpr std::size_t max_torrents = 2000;
  static constexpr std::size_t max_peers_per_torrent = 200;
  static constexpr auto lifetime = std::chrono::minutes(30);

  void announce(const node_id& info_hash, const peer_endpoint& peer, clock::time_point now);
  // Up to `n` peers for the info-hash, fresh ones only.
  std::vector<peer_endpoint> peers(const node_id& info_hash, std::size_t n, clock::time_point now) const;
  void expire(clock::time_point now);
  std::size_t torrents() const { return store_.size(); }

private:
  struct stored {
    peer_endpoint peer;
    clock::time_point at;
  };
  std::map<node_id, std::vector<stored>> store_;
};

} // namespace actorrent::dht
