#pragma once
// A bounded list of known peers (libtorrent's max_peerlist_size, 3,000): a
// tracker, the DHT or PEX may name any number of peers, and each one kept
// costs memory and, later, a connection attempt.
//
// When newcomers do not fit, room is made by evicting peers that were tried
// and failed, most failures first; peers in use, banned peers (forgetting
// one would lift its ban) and peers never tried are kept, and newcomers that
// still do not fit are dropped: an untried newcomer is worth no more than an
// untried peer we already hold.
#include <cstddef>
#include <vector>

namespace actorrent {

constexpr std::size_t max_known_peers = 3000;

struct listed_peer {
  bool in_use = false; // connected or connecting
  bool banned = false;
  int failures = 0;    // failed attempts since it last worked
};

// Indices into `peers` to evict so that `newcomers` more fit under `cap` (as
// many as can be found; fewer when the rest are worth keeping).
std::vector<std::size_t> peers_to_evict(const std::vector<listed_peer>& peers, std::size_t newcomers,
                                        std::size_t cap = max_known_peers);

} // namespace actorrent
