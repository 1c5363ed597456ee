#pragma once
// Who may download from us: tit-for-tat with an optimistic unchoke, the
// policy of the BitTorrent spec as libtorrent and Transmission apply it.
//
// - Regular slots (upload_slots, default 4) go to interested peers: while we
//   download, to those that upload to us fastest; while we seed, to those we
//   upload to fastest (they can take the most).
// - One optimistic slot rotates every 30 s to a random interested peer outside
//   the regular ones; peers connected in the last minute are three times as
//   likely to get it, so newcomers can start trading.
// - Anti-snubbing: while we download, a peer that sent us nothing for 60 s
//   while unchoking us loses its regular slot (it may still win the optimistic one).
//
// Plain class: the session calls run() every 10 s with fresh rates.
#include <chrono>
#include <cstdint>
#include <optional>
#include <random>
#include <vector>

#include "protocol/swarm/piece_picker.hpp"

namespace actorrent {

struct choker_peer {
  peer_key key = 0;
  bool interested = false;      // it wants our data
  double rate_from_peer = 0;    // payload bytes/s it sends us
  double rate_to_peer = 0;      // payload bytes/s we send it
  bool snubbed = false;         // sent us nothing for 60 s
  std::chrono::steady_clock::time_point connected_at{};
};

struct choker_options {
  std::size_t upload_slots = 4;
  std::chrono::seconds optimistic_every{30};
  std::chrono::seconds newcomer_window{60};
  int newcomer_weight = 3;
  std::uint64_t seed = 0; // 0: from std::random_device
};

class choker {
public:
  using clock = std::chrono::steady_clock;
  explicit choker(choker_options options = {});

  struct decision {
    std::vector<peer_key> unchoked; // regular slots, best first, then the optimistic one
    std::optional<peer_key> optimistic;
  };
  decision run(const std::vector<choker_peer>& peers, bool seeding, clock::time_point now);

private:
  std::optional<peer_key> pick_optimistic(const std::vector<const choker_peer*>& candidates, clock::time_point now);

  choker_options options_;
  std::mt19937_64 rng_;
  std::optional<peer_key> optimistic_;
  clock::time_point optimistic_since_{};
};

} // namespace actorrent
