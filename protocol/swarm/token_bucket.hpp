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

  // A new rate and burst from now on: what was earned so far at the old rate
  // stays (up to the new burst). Leaving "unlimited" starts empty.
  void set_rate(std::int64_t rate_bytes_per_s, std::int64_t burst_bytes, clock::time_point now) {
    if (unlimited()) {
      tokens_ = 0;
      last_ = now;
    } else {
      refill(now);
    }
    rate_ = rate_bytes_per_s;
    burst_ = std::max<std::int64_t>(burst_bytes, 1);
    tokens_ = std::min(tokens_, burst_);
    last_ = std::max(last_, now);
  }

  // Returns tokens taken but not used (up to the burst).
  void give_back(std::int64_t bytes) {
    if (!unlimited() && bytes > 0) tokens_ = std::min(burst_, tokens_ + bytes);
  }

  std::int64_t rate() const { return rate_; }

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
