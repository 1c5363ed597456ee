// The scheduler actor: receives what peers have and what arrived, and answers
// each peer's "want" with blocks chosen by protocol/piece_picker.
#include "actors/scheduler.hpp"

#include <unordered_map>

#include <caf/all.hpp>

#include "actors/fault_injection.hpp"
#include "actors/load_meter.hpp"
#include "actors/failure_reason.hpp"
#include "protocol/swarm/rate_limit.hpp"

namespace actorrent {

namespace {

struct scheduler_state {
  context_ptr ctx;
  std::unique_ptr<piece_picker> picker;
  caf::actor session;
  // Weak: a peer that quits is gone at once (down_msg), even if nobody said
  // leave (a connection refused at the limit never joined the session).
  std::unordered_map<peer_key, caf::actor_addr> peers;
  std::unordered_map<caf::actor_addr, peer_key> key_of;
  download_stats stats;
  std::int64_t disk_backlog = 0;                // bytes sent to the disk writer, not yet processed
  std::vector<peer_key> waiting_for_disk;      // peers refused while the disk was behind
  std::vector<peer_key> waiting_for_tokens;    // peers refused by the rate limit
  bool refill_timer_armed = false;
  fault_injector faults;
  load_meter load;
  static inline const char* name = "scheduler";
};

using self_ptr = scheduler_actor::stateful_pointer<scheduler_state>;

// Sends to a peer that is still there.
template <class... Ts>
void tell_peer(scheduler_state& st, peer_key key, Ts&&... xs) {
  auto it = st.peers.find(key);
  if (it == st.peers.end()) return;
  if (auto peer = caf::actor_cast<caf::actor>(it->second)) caf::anon_send(peer, std::forward<Ts>(xs)...);
}

void forget(scheduler_state& st, peer_key key) {
  st.picker->remove_peer(key);
  if (auto it = st.peers.find(key); it != st.peers.end()) {
    st.key_of.erase(it->second);
    st.peers.erase(it);
  }
}

// The figures count the pieces the file selection wants (all, usually).
void count_verified(scheduler_state& st, std::uint32_t piece) {
  if (!st.ctx->pieces.wants(piece)) return;
  ++st.stats.pieces_have;
  st.stats.bytes_have += st.picker->geometry().piece_size(piece);
}

// Blocks a peer received: bookkeeping, and endgame cancels to the others.
void record_arrivals(self_ptr self, peer_key key, const std::vector<block_ref>& blocks) {
  auto& s = self->state;
  for (const auto& block : blocks) {
    if (inject(s.faults, fault_kind::scheduler_crash, s.session)) throw std::runtime_error("injected fault: scheduler-crash");
    s.stats.bytes_received += block.length;
    s.disk_backlog += block.length;
    const auto r = s.picker->block_received(key, block);
    if (!r.useful) s.stats.bytes_wasted += block.length;
    for (peer_key other : r.cancel) tell_peer(s, other, msg::cancel_atom::value, block);
  }
}

scheduler_actor::behavior_type scheduler_behavior(self_ptr self, context_ptr ctx, bitfield have, caf::actor session) {
  auto& st = self->state;
  st.ctx = ctx;
  st.session = std::move(session);
  picker_options po;
  po.request_timeout = ctx->options.request_timeout;
  po.policy = ctx->options.policy;
  st.picker = std::make_unique<piece_picker>(ctx->torrent.make_file_map().geometry(), po);
  if (!ctx->pieces.everything) st.picker->set_ranks(ctx->pieces.rank);
  const bool all = ctx->pieces.everything;
  st.stats.pieces_total = all ? ctx->torrent.piece_count() : static_cast<std::uint32_t>(ctx->pieces.wanted.count());
  st.stats.bytes_total = all ? ctx->torrent.total_size : ctx->pieces.wanted_bytes;
  for (std::uint32_t p = 0; p < have.size(); ++p)
    if (have.test(p)) count_verified(st, p);
  st.picker->set_have(have);
  st.faults = fault_injector(ctx->options.faults, fault_stream::scheduler);
  self->set_exception_handler([](std::exception_ptr& e) { return failure_reason(e); });
  self->set_down_handler([=](caf::down_msg& dm) {
    auto& s = self->state;
    if (auto it = s.key_of.find(dm.source); it != s.key_of.end()) forget(s, it->second);
  });
  self->delayed_send(self, std::chrono::seconds(1), msg::tick_atom::value);

  return {
      [=](msg::join_atom, peer_key key, caf::actor peer) {
        self->state.load.on_message(self);
        auto& s = self->state;
        s.picker->add_peer(key);
        s.peers[key] = peer.address();
        s.key_of[peer.address()] = key;
        self->monitor(peer);
      },
      [=](msg::bitfield_atom, peer_key key, const std::string& bytes) {
        self->state.load.on_message(self);
        auto& pk = *self->state.picker;
        // Peers validated the bitfield already; a mismatch here is a bug, not input.
        if (auto bf = bitfield::from_wire(bytes, pk.geometry().piece_count())) pk.peer_bitfield(key, *bf);
      },
      [=](msg::have_atom, peer_key key, std::uint32_t piece) {
        self->state.load.on_message(self);
        auto& pk = *self->state.picker;
        if (piece < pk.geometry().piece_count()) pk.peer_have(key, piece);
      },
      [=](msg::want_atom, peer_key key, std::uint32_t count, const std::vector<block_ref>& arrived) {
        self->state.load.on_message(self);
        record_arrivals(self, key, arrived);
        auto& s = self->state;
        if (s.disk_backlog > s.ctx->options.max_disk_backlog) {
          s.waiting_for_disk.push_back(key);
          return std::vector<block_ref>{};
        }
        const auto now = piece_picker::clock::now();
        auto& limit = *s.ctx->download_rate; // the torrent's and the engine's, changed live
        if (limit.unlimited()) return s.picker->pick(key, count, now);
        // Hand out only what the limits allow, whole blocks; refused peers are woken by the refill timer.
        const std::int64_t granted = limit.take_up_to(static_cast<std::int64_t>(count) * block_size, now);
        count = static_cast<std::uint32_t>(granted / block_size);
        if (count == 0) {
          limit.give_back(granted);
          s.waiting_for_tokens.push_back(key);
          if (!s.refill_timer_armed) {
            s.refill_timer_armed = true;
            self->delayed_send(self, std::chrono::milliseconds(50), msg::want_atom::value);
          }
          return std::vector<block_ref>{};
        }
        auto blocks = s.picker->pick(key, count, now);
        std::int64_t bytes = 0;
        for (const auto& b : blocks) bytes += b.length;
        limit.give_back(granted - bytes);
        return blocks;
      },
      [=](msg::want_atom) { // rate-limit refill timer: wake the peers we turned away
        self->state.load.on_message(self);
        auto& s = self->state;
        s.refill_timer_armed = false;
        for (peer_key key : s.waiting_for_tokens) tell_peer(s, key, msg::want_atom::value);
        s.waiting_for_tokens.clear();
      },
      [=](msg::written_atom, std::uint64_t bytes) {
        self->state.load.on_message(self);
        auto& s = self->state;
        s.disk_backlog -= static_cast<std::int64_t>(bytes);
        if (s.disk_backlog > s.ctx->options.max_disk_backlog / 2 || s.waiting_for_disk.empty()) return;
        // The disk caught up: wake the peers we turned away.
        for (peer_key key : s.waiting_for_disk) tell_peer(s, key, msg::want_atom::value);
        s.waiting_for_disk.clear();
      },
      [=](msg::block_atom, peer_key key, const std::vector<block_ref>& blocks) {
        self->state.load.on_message(self);
        record_arrivals(self, key, blocks);
      },
      [=](msg::release_atom, peer_key key) { self->state.load.on_message(self); self->state.picker->release_requests(key); },
      [=](msg::release_atom, peer_key key, block_ref b) {
        self->state.load.on_message(self);
        self->state.picker->release_block(key, b);
      },
      [=](msg::leave_atom, peer_key key) {
        self->state.load.on_message(self);
        forget(self->state, key);
      },
      [=](msg::verified_atom, const std::vector<std::uint32_t>& pieces) {
        self->state.load.on_message(self);
        for (auto piece : pieces) {
          if (piece >= self->state.picker->geometry().piece_count()) continue;
          if (!self->state.picker->have().test(piece)) count_verified(self->state, piece);
          self->state.picker->piece_verified(piece);
        }
      },
      [=](msg::failed_atom, std::uint32_t piece, std::uint8_t cause) {
        self->state.load.on_message(self);
        auto& s = self->state;
        if (piece >= s.picker->geometry().piece_count()) return;
        const auto why = static_cast<piece_failure>(cause);
        if (why != piece_failure::write_error) {
          ++s.stats.pieces_failed;
          s.stats.bytes_wasted += s.picker->geometry().piece_size(piece);
        }
        for (peer_key bad : s.picker->piece_failed(piece, why == piece_failure::hash_mismatch))
          caf::anon_send(s.session, msg::ban_atom::value, bad);
      },
      [=](msg::stats_atom) {
        self->state.load.on_message(self);
        auto& s = self->state;
        download_stats out = s.stats;
        out.pieces_in_progress = static_cast<std::uint32_t>(s.picker->pieces_in_progress());
        out.requests_outstanding = static_cast<std::uint32_t>(s.picker->requests_outstanding());
        out.endgame = s.picker->in_endgame();
        out.blocks_rerequested = s.picker->blocks_rerequested();
        return out;
      },
      [=](msg::tick_atom) {
        self->state.load.on_message(self);
        // Stuck requests go back to the pool; their peers cancel them.
        auto& s = self->state;
        for (auto& [key, block] : s.picker->expire(piece_picker::clock::now()))
          tell_peer(s, key, msg::cancel_atom::value, block);
        caf::anon_send(s.session, msg::load_atom::value, s.load.report("scheduler"));
        // No peer, no request to expire: a slower round saves idle seeds' CPU.
        self->delayed_send(self, std::chrono::seconds(s.peers.empty() ? 5 : 1), msg::tick_atom::value);
      },
  };
}

} // namespace

scheduler_actor spawn_scheduler(caf::actor_system& sys, context_ptr ctx, bitfield have, caf::actor session) {
  return sys.spawn(scheduler_behavior, std::move(ctx), std::move(have), std::move(session));
}

} // namespace actorrent
