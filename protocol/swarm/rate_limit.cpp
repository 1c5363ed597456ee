#include "protocol/swarm/rate_limit.hpp"

#include <algorithm>

#include "protocol/storage/piece_geometry.hpp"

namespace actorrent {

std::int64_t shared_rate::burst_for(std::int64_t bytes_per_second) {
  return std::max<std::int64_t>(bytes_per_second / 4, block_size);
}

shared_rate::shared_rate(std::int64_t bytes_per_second, clock::time_point now)
    : bucket_(std::max<std::int64_t>(0, bytes_per_second), burst_for(bytes_per_second), now),
      rate_(std::max<std::int64_t>(0, bytes_per_second)) {}

void shared_rate::set_rate(std::int64_t bytes_per_second, clock::time_point now) {
  bytes_per_second = std::max<std::int64_t>(0, bytes_per_second);
  std::lock_guard<std::mutex> lock(mutex_);
  bucket_.set_rate(bytes_per_second, burst_for(bytes_per_second), now);
  rate_.store(bytes_per_second, std::memory_order_relaxed);
}

std::int64_t shared_rate::take_up_to(std::int64_t want, clock::time_point now) {
  if (want <= 0) return 0;
  if (unlimited()) return want;
  std::lock_guard<std::mutex> lock(mutex_);
  return bucket_.take(want, now);
}

bool shared_rate::take_all(std::int64_t want, clock::time_point now) {
  if (want <= 0 || unlimited()) return true;
  std::lock_guard<std::mutex> lock(mutex_);
  if (bucket_.available(now) < want) return false;
  bucket_.take(want, now);
  return true;
}

void shared_rate::give_back(std::int64_t bytes) {
  if (bytes <= 0 || unlimited()) return;
  std::lock_guard<std::mutex> lock(mutex_);
  bucket_.give_back(bytes);
}

rate_chain::rate_chain(shared_rate_ptr own, shared_rate_ptr engine, bool honours_engine)
    : own_(own ? std::move(own) : std::make_shared<shared_rate>()), engine_(std::move(engine)),
      honours_engine_(honours_engine) {}

shared_rate* rate_chain::engine_in_force() const {
  return engine_ && honours_engine_.load(std::memory_order_relaxed) ? engine_.get() : nullptr;
}

bool rate_chain::unlimited() const {
  const shared_rate* engine = engine_in_force();
  return own_->unlimited() && (!engine || engine->unlimited());
}

std::int64_t rate_chain::take_up_to(std::int64_t want, clock::time_point now) {
  const std::int64_t mine = own_->take_up_to(want, now);
  shared_rate* engine = engine_in_force();
  if (!engine || mine <= 0) return mine;
  const std::int64_t both = engine->take_up_to(mine, now);
  own_->give_back(mine - both);
  return both;
}

bool rate_chain::take_all(std::int64_t want, clock::time_point now) {
  if (!own_->take_all(want, now)) return false;
  shared_rate* engine = engine_in_force();
  if (!engine || engine->take_all(want, now)) return true;
  own_->give_back(want);
  return false;
}

void rate_chain::give_back(std::int64_t bytes) {
  own_->give_back(bytes);
  if (shared_rate* engine = engine_in_force()) engine->give_back(bytes);
}

} // namespace actorrent
