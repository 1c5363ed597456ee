#pragma once
// Rate limits that torrents share and the engine changes while they run.
//
// A `shared_rate` is a token bucket behind a mutex: the actors of every
// torrent (scheduler, upload gate) draw from it on their own threads, and a
// torrent-set or session-set changes its rate in place, so a new limit takes
// effect within one refill period instead of restarting the torrent.
// A `rate_chain` is what one torrent obeys: its own limit and, while it
// honours them, the engine's. Taking is all-or-nothing across the chain, so
// bytes granted by one limit and refused by the next are handed back.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>

#include "protocol/swarm/token_bucket.hpp"

namespace actorrent {

class shared_rate {
public:
  using clock = token_bucket::clock;

  // bytes_per_second 0: unlimited.
  explicit shared_rate(std::int64_t bytes_per_second = 0, clock::time_point now = clock::now());

  void set_rate(std::int64_t bytes_per_second, clock::time_point now = clock::now());
  std::int64_t rate() const { return rate_.load(std::memory_order_relaxed); }
  bool unlimited() const { return rate() <= 0; }

  // Up to `want` bytes now; how many were granted.
  std::int64_t take_up_to(std::int64_t want, clock::time_point now);
  // Exactly `want` bytes, or none.
  bool take_all(std::int64_t want, clock::time_point now);
  void give_back(std::int64_t bytes);

  // A quarter second of burst keeps a limit smooth without starving a fast
  // peer, and never less than one block, or a block could never pass.
  static std::int64_t burst_for(std::int64_t bytes_per_second);

private:
  mutable std::mutex mutex_;
  token_bucket bucket_;
  std::atomic<std::int64_t> rate_; // a lock-free "unlimited?" for the common case
};

using shared_rate_ptr = std::shared_ptr<shared_rate>;

class rate_chain {
public:
  using clock = shared_rate::clock;

  rate_chain(shared_rate_ptr own, shared_rate_ptr engine, bool honours_engine = true);

  void honour_engine(bool yes) { honours_engine_.store(yes, std::memory_order_relaxed); }
  bool unlimited() const;
  shared_rate& own() { return *own_; }

  std::int64_t take_up_to(std::int64_t want, clock::time_point now);
  bool take_all(std::int64_t want, clock::time_point now);
  // Bytes taken with take_up_to that were not used after all.
  void give_back(std::int64_t bytes);

private:
  shared_rate* engine_in_force() const;

  shared_rate_ptr own_;
  shared_rate_ptr engine_; // may be null: no engine-wide limit (the one-shot CLI)
  std::atomic<bool> honours_engine_;
};

using rate_chain_ptr = std::shared_ptr<rate_chain>;

} // namespace actorrent
