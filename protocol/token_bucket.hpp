#pragma once
// A token bucket for rate limits: `rate` bytes per second, bursts up to
// `burst` bytes. Time is passed in, so tests need no clock.
#include <algorithm>
#include <chrono>
#include <cstdint>

namespace actorrent {

class token_bucket {
public:
  using clock = std::chrono::steady_clock;

  // rate 0 means unlimited.
  token_bucket(std::int64_t rate_bytes_per_s, std::int64_t burst_bytes, clock::time_point now)
      : rate_(rate_bytes_per_s), burst_(std::max<std::int64_t>(burst_bytes, 1)), tokens_(0), last_(now) {}

  bool unlimited() const { return rate_ <= 0; }

  // Takes up to `want` bytes; returns how many were granted.
  std::int64_t take(std::int64_t want, clock::time_point now) {
    if (unlimited()) return want;
    refill(now);
    const std::int64_t granted = std::clamp<std::int64_t>(tokens_, 0, want);
    tokens_ -= granted;
    return granted;
  }

  std::int64_t available(clock::time_point now) {
    if (unlimited()) return burst_;
    refill(now);
    return tokens_;
  }

private:
  void refill(clock::time_point now) {
    if (now <= last_) return;
    const double secs = std::chrono::duration<double>(now - last_).count();
    tokens_ = std::min<std::int64_t>(burst_, tokens_ + static_cast<std::int64_t>(secs * static_cast<double>(rate_)));
    last_ = now;
  }

  std::int64_t rate_;
  std::int64_t burst_;
  std::int64_t tokens_;
  clock::time_point last_;
};

} // namespace actorrent
