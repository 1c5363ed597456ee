#pragma once
// Peer connections that torrents share: Transmission's peer-limit-global
// beside each torrent's peer-limit.
//
// Every connection a torrent keeps holds one slot of its own budget and one
// of the engine's; a slot is taken before a connection becomes a peer and
// given back when it closes. Limits change in place (torrent-set, session-set):
// lowering one closes nothing, it only stops new connections until enough
// have closed, as in Transmission.
#include <atomic>
#include <cstddef>
#include <memory>

namespace actorrent {

class connection_budget {
public:
  explicit connection_budget(std::size_t limit) : limit_(limit) {}

  void set_limit(std::size_t limit) { limit_.store(limit, std::memory_order_relaxed); }
  std::size_t limit() const { return limit_.load(std::memory_order_relaxed); }
  std::size_t used() const { return used_.load(std::memory_order_relaxed); }
  std::size_t free() const;

  bool try_take();
  void release();

private:
  std::atomic<std::size_t> limit_;
  std::atomic<std::size_t> used_{0};
};

using connection_budget_ptr = std::shared_ptr<connection_budget>;

// A torrent's slots: its own budget and the engine's (null in the one-shot CLI).
class peer_slots {
public:
  peer_slots(connection_budget_ptr own, connection_budget_ptr engine) : own_(std::move(own)), engine_(std::move(engine)) {}

  connection_budget& own() { return *own_; }
  // Connections that could still be opened now.
  std::size_t free() const;
  // One slot of both budgets, or none.
  bool try_take();
  void release();

private:
  connection_budget_ptr own_;
  connection_budget_ptr engine_;
};

using peer_slots_ptr = std::shared_ptr<peer_slots>;

} // namespace actorrent
