#include "protocol/swarm/connection_budget.hpp"

#include <algorithm>

namespace actorrent {

std::size_t connection_budget::free() const {
  const std::size_t l = limit(), u = used();
  return u < l ? l - u : 0;
}

bool connection_budget::try_take() {
  std::size_t u = used_.load(std::memory_order_relaxed);
  do {
    if (u >= limit()) return false;
  } while (!used_.compare_exchange_weak(u, u + 1, std::memory_order_relaxed));
  return true;
}

void connection_budget::release() {
  std::size_t u = used_.load(std::memory_order_relaxed);
  // Never below zero, even if a caller releases twice.
  while (u > 0 && !used_.compare_exchange_weak(u, u - 1, std::memory_order_relaxed)) {
  }
}

std::size_t peer_slots::free() const {
  return engine_ ? std::min(own_->free(), engine_->free()) : own_->free();
}

bool peer_slots::try_take() {
  if (!own_->try_take()) return false;
  if (!engine_ || engine_->try_take()) return true;
  own_->release();
  return false;
}

void peer_slots::release() {
  own_->release();
  if (engine_) engine_->release();
}

} // namespace actorrent
