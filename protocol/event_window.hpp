#pragma once
// Counts events over a sliding time window: "more than N in a minute".
//
// Misbehaviour limits must be rates, not lifetime totals: an honest peer that
// stays connected for hours crosses any fixed total through ordinary races
// (requests crossing our choke, rejects after its choke), while a flood still
// crosses the rate at once. Memory is bounded by the limit: once an event
// makes the count exceed it, the caller acts (drops the peer).
#include <chrono>
#include <cstddef>
#include <deque>

namespace actorrent {

class event_window {
public:
  using clock = std::chrono::steady_clock;
  event_window(std::size_t limit, clock::duration window) : limit_(limit), window_(window) {}

  // Records one event; true when more than `limit` fell within the window.
  bool exceeded_after(clock::time_point now) {
    while (!times_.empty() && now - times_.front() >= window_) times_.pop_front();
    times_.push_back(now);
    if (times_.size() > limit_ + 1) times_.pop_front(); // never more than we need to know
    return times_.size() > limit_;
  }

  std::size_t count(clock::time_point now) {
    while (!times_.empty() && now - times_.front() >= window_) times_.pop_front();
    return times_.size();
  }

private:
  std::size_t limit_;
  clock::duration window_;
  std::deque<clock::time_point> times_;
};

} // namespace actorrent
