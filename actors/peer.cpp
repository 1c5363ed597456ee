#include "actors/peer.hpp"

#include <algorithm>
#include <chrono>
#include <deque>

#include <caf/all.hpp>
#include <caf/io/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/fault_injection.hpp"
#include "actors/load_meter.hpp"
#include "protocol/frame_parser.hpp"
#include "protocol/wire.hpp"

namespace actorrent {

caf::atom_value peer_error_category() { return caf::atom("peer"); }

caf::error make_peer_error(peer_exit why, std::string detail) {
  return caf::error(static_cast<std::uint8_t>(why), peer_error_category(), caf::make_message(std::move(detail)));
}

namespace {

using clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr auto keep_alive_every = 120s;
constexpr auto silence_limit = 180s;
constexpr auto handshake_limit = 20s;
constexpr std::size_t max_unrequested_blocks = 32;
constexpr std::size_t remembered_cancels = 1024;
constexpr double pipeline_seconds = 3.0;
constexpr std::size_t max_queued_requests = 500; // more is a flood: drop the peer
constexpr std::size_t max_bad_requests = 20;     // requests for blocks it cannot get
constexpr std::size_t reads_in_flight_max = 8;   // disk reads per peer at once
constexpr auto snub_after = 60s;
constexpr std::size_t max_unreported_arrivals = 32; // blocks received, not yet told to the scheduler
constexpr auto injected_stall = 5s;          // --fault peer-stall: how long reading stops

struct peer_state {
  peer_setup setup;
  caf::io::connection_handle hdl;
  wire::frame_parser parser{wire::frame_parser::start::with_handshake};
  bool handshake_done = false;
  bool closing = false;
  bitfield remote_has;
  bool peer_choking = true;
  bool am_interested = false;
  std::vector<block_ref> outstanding;   // requested, not yet arrived
  std::deque<block_ref> cancelled;      // may still arrive; ignored quietly
  bool want_pending = false;
  std::int64_t bytes_this_tick = 0;
  clock::time_point tick_started = clock::now();
  double rate = 0;                      // payload bytes/s, smoothed
  clock::time_point started, last_received, last_sent;
  std::size_t unrequested = 0;
  std::string out;                      // frames waiting for flush
  // Blocks received and not yet handed on (at most 32, or one second):
  // per-block messages cost a thread wake-up per block (see on_data).
  std::vector<block_data> to_disk;
  std::vector<block_ref> arrived;
  fault_injector faults;
  bool stalled = false;                 // --fault peer-stall: not reading for a while
  // Upload side.
  piece_geometry geometry;
  bool am_choking = true;
  bool peer_interested = false;
  std::deque<block_ref> upload_queue;
  std::size_t reads_in_flight = 0;
  std::size_t bad_requests = 0;
  std::uint32_t refused_unreported = 0;
  std::size_t choked_requests = 0;
  std::int64_t downloaded_unreported = 0;
  std::int64_t up_this_tick = 0;
  std::int64_t uploaded_unreported = 0;
  double up_rate = 0;
  clock::time_point last_block{};
  load_meter load;
  static inline const char* name = "peer";
};

using broker_ptr = caf::io::stateful_broker<peer_state>*;

// Tells the session our rates and what we uploaded since the last report.
void report_rates(broker_ptr self) {
  auto& st = self->state;
  auto session = caf::actor_cast<caf::actor>(st.setup.session);
  if (!session) return;
  const bool snubbed =
      !st.peer_choking && st.am_interested && clock::now() - std::max(st.last_block, st.started) > snub_after;
  caf::anon_send(session, msg::rate_atom::value,
                 peer_rates{st.setup.key, st.rate, st.up_rate, st.uploaded_unreported, st.peer_interested, snubbed,
                            st.refused_unreported, st.downloaded_unreported, st.load.messages,
                            st.load.mailbox_high_water});
  st.downloaded_unreported = 0;
  st.uploaded_unreported = 0;
  st.refused_unreported = 0;
}

// CAF 0.17 may keep a closed broker object alive for a while (longer than
// the process, ASan shows); it must not pin the disk writer's or scheduler's
// thread through our handles, or the actor system never shuts down.
void release_handles(broker_ptr self) {
  self->state.setup.scheduler = nullptr;
  self->state.setup.disk = nullptr;
  self->state.setup.upload_gate = nullptr;
  self->state.upload_queue.clear();
}

// Hands the blocks held so far to the disk writer.
void send_to_disk(broker_ptr self) {
  auto& st = self->state;
  if (st.to_disk.empty() || !st.setup.disk) return;
  self->send(st.setup.disk, std::move(st.to_disk));
  st.to_disk = {};
}

// Tells the scheduler what arrived, then hands the blocks to the disk writer:
// in that order, so the scheduler has recorded a block before the disk
// writer can fail its piece (a stale arrival would mark a block of the
// piece's next attempt as received, and the piece would never finish).
void send_arrivals(broker_ptr self) {
  auto& st = self->state;
  if (!st.arrived.empty() && st.setup.scheduler) {
    self->send(st.setup.scheduler, msg::block_atom::value, st.setup.key, std::move(st.arrived));
    st.arrived = {};
  }
  send_to_disk(self);
}

void close_with(broker_ptr self, peer_exit why, const std::string& detail) {
  auto& st = self->state;
  if (st.closing) return;
  st.closing = true;
  send_arrivals(self); // blocks that arrived before the fault are good
  report_rates(self); // the last bytes count too
  release_handles(self);
  spdlog::debug("peer {}: {}", st.setup.address.to_string(), detail);
  self->close(st.hdl);
  self->quit(make_peer_error(why, detail));
}

void flush_out(broker_ptr self) {
  auto& st = self->state;
  if (st.out.empty() || st.closing) return;
  auto& buf = self->wr_buf(st.hdl);
  buf.insert(buf.end(), st.out.begin(), st.out.end());
  st.out.clear();
  self->flush(st.hdl);
  st.last_sent = clock::now();
}

void pump_uploads(broker_ptr self);

void update_interest(broker_ptr self) {
  auto& st = self->state;
  const bool want = st.remote_has.size() > 0 && st.remote_has.has_any_missing_from(st.setup.our_have);
  if (want == st.am_interested) return;
  st.am_interested = want;
  if (want)
    wire::append_interested(st.out);
  else
    wire::append_not_interested(st.out);
}

std::uint32_t pipeline_target(const peer_state& st) {
  const auto& o = st.setup.ctx->options;
  // The smoothed rate lags a fast start by seconds; the rate of the current
  // tick so far lets the pipeline grow at once (a 256 MiB download is over
  // in 1.5 s here, most of it spent ramping up otherwise).
  const double elapsed = std::chrono::duration<double>(clock::now() - st.tick_started).count();
  const double now_rate = elapsed >= 0.05 ? static_cast<double>(st.bytes_this_tick) / elapsed : 0.0;
  const double blocks = std::max(st.rate, now_rate) * pipeline_seconds / block_size;
  return std::clamp(static_cast<std::uint32_t>(blocks), o.pipeline_min, o.pipeline_max);
}

// Asks the scheduler for as many blocks as the pipeline lacks. Called on every
// block that arrives, so the pipe never drains between timer ticks.
void refill(broker_ptr self) {
  auto& st = self->state;
  if (st.closing || st.peer_choking || !st.am_interested || st.want_pending) return;
  const std::uint32_t target = pipeline_target(st);
  if (st.outstanding.size() >= target) return;
  const auto deficit = static_cast<std::uint32_t>(target - st.outstanding.size());
  // Ask once an eighth of the pipeline has drained, not per block: the pipe
  // stays 7/8 full and the scheduler sees a message per ~60 blocks at speed.
  if (deficit < std::max<std::uint32_t>(1, target / 8)) return;
  st.want_pending = true;
  // The request carries the blocks that arrived: one message, not two.
  auto arrived = std::move(st.arrived);
  st.arrived = {};
  auto pending = self->request(st.setup.scheduler, caf::infinite, msg::want_atom::value, st.setup.key, deficit,
                               std::move(arrived));
  send_to_disk(self); // after the scheduler heard of them (see send_arrivals)
  pending
      .then(
          [=](std::vector<block_ref>& blocks) {
            auto& s = self->state;
            s.want_pending = false;
            if (s.closing) return;
            if (s.peer_choking) {
              // Choked while we waited: these requests would be void.
              if (!blocks.empty()) self->send(s.setup.scheduler, msg::release_atom::value, s.setup.key);
              return;
            }
            for (const auto& b : blocks) {
              wire::append_request(s.out, b.piece, b.begin, b.length);
              s.outstanding.push_back(b);
            }
            flush_out(self);
            if (!blocks.empty()) refill(self);
          },
          [=](caf::error&) { self->state.want_pending = false; });
}

void on_block(broker_ptr self, const wire::piece& m) {
  auto& st = self->state;
  const block_ref b{m.index, m.begin, static_cast<std::uint32_t>(m.data.size())};
  auto it = std::find(st.outstanding.begin(), st.outstanding.end(), b);
  if (it == st.outstanding.end()) {
    auto c = std::find(st.cancelled.begin(), st.cancelled.end(), b);
    if (c != st.cancelled.end()) {
      st.cancelled.erase(c); // crossed our cancel on the wire: harmless
      return;
    }
    // Our request at that offset, answered with another length: never honest.
    const bool wrong_length = std::any_of(st.outstanding.begin(), st.outstanding.end(), [&](const block_ref& o) {
      return o.piece == b.piece && o.begin == b.begin;
    });
    if (wrong_length) return close_with(self, peer_exit::protocol_error, "block of the wrong length");
    if (++st.unrequested > max_unrequested_blocks)
      close_with(self, peer_exit::protocol_error, "sends blocks we never requested");
    return;
  }
  st.outstanding.erase(it);
  st.bytes_this_tick += b.length;
  st.downloaded_unreported += b.length;
  st.last_block = clock::now();
  st.to_disk.push_back(block_data{b.piece, b.begin, std::vector<char>(m.data.begin(), m.data.end()), st.setup.key});
  st.arrived.push_back(b);
}

void read_and_send(broker_ptr self, block_ref b) {
  self->request(self->state.setup.disk, std::chrono::seconds(30), msg::read_atom::value, b)
      .then(
          [=](std::vector<char>& data) {
            auto& s = self->state;
            --s.reads_in_flight;
            if (s.closing || s.am_choking) return;
            wire::append_piece(s.out, b.piece, b.begin, std::string_view(data.data(), data.size()));
            s.up_this_tick += b.length;
            s.uploaded_unreported += b.length;
            pump_uploads(self);
            flush_out(self);
          },
          [=](caf::error&) {
            --self->state.reads_in_flight;
            pump_uploads(self);
          });
}

// Serves queued requests through the disk writer, a few reads at a time,
// each first cleared by the upload gate when there is an upload limit.
void pump_uploads(broker_ptr self) {
  auto& st = self->state;
  while (!st.closing && !st.am_choking && st.reads_in_flight < reads_in_flight_max && !st.upload_queue.empty()) {
    const block_ref b = st.upload_queue.front();
    st.upload_queue.pop_front();
    ++st.reads_in_flight;
    if (!st.setup.upload_gate) {
      read_and_send(self, b);
      continue;
    }
    self->request(st.setup.upload_gate, caf::infinite, msg::grant_atom::value, b.length)
        .then(
            [=](msg::grant_atom) {
              auto& s = self->state;
              if (s.closing || s.am_choking) {
                --s.reads_in_flight;
                return;
              }
              read_and_send(self, b);
            },
            [=](caf::error&) { --self->state.reads_in_flight; });
  }
}

void on_request(broker_ptr self, const wire::request& m) {
  auto& st = self->state;
  if (st.am_choking) { // BEP 3: requests while choked are dropped (they may have crossed our choke)
    ++st.refused_unreported;
    if (++st.choked_requests > max_queued_requests)
      close_with(self, peer_exit::protocol_error, "request flood while choked");
    return;
  }
  const bool valid = m.piece < st.setup.our_have.size() && st.setup.our_have.test(m.piece) &&
                     st.geometry.valid_block(m.piece, m.begin, m.length);
  if (!valid) {
    ++st.refused_unreported;
    if (++st.bad_requests > max_bad_requests)
      close_with(self, peer_exit::protocol_error, "requests blocks we do not have or that do not exist");
    return;
  }
  if (st.upload_queue.size() >= max_queued_requests)
    return close_with(self, peer_exit::protocol_error, "request flood (more than 500 outstanding)");
  st.upload_queue.push_back({m.piece, m.begin, m.length});
  pump_uploads(self);
}

void on_message(broker_ptr self, const wire::message& msg) {
  auto& st = self->state;
  const std::uint32_t pieces = st.setup.ctx->torrent.piece_count();
  std::visit(
      [&](const auto& m) {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, wire::bitfield>) {
          // BEP 3 wants the bitfield first, but aria2 sends it after 'interested' once it
          // has pieces; like libtorrent we accept a late one, which replaces the set.
          auto bf = bitfield::from_wire(m.bytes, pieces);
          if (!bf) return close_with(self, peer_exit::protocol_error, "bitfield of the wrong size or with spare bits set");
          st.remote_has = std::move(*bf);
          self->send(st.setup.scheduler, msg::bitfield_atom::value, st.setup.key, std::string(m.bytes));
          update_interest(self);
        } else if constexpr (std::is_same_v<T, wire::have>) {
          if (m.piece >= pieces)
            return close_with(self, peer_exit::protocol_error, "have for piece " + std::to_string(m.piece) + " of " + std::to_string(pieces));
          if (st.remote_has.set(m.piece)) self->send(st.setup.scheduler, msg::have_atom::value, st.setup.key, m.piece);
          update_interest(self);
        } else if constexpr (std::is_same_v<T, wire::choke>) {
          if (!st.peer_choking) spdlog::debug("peer {}: choked us", st.setup.address.to_string());
          st.peer_choking = true;
          // BEP 3: a choke voids every request we had outstanding.
          if (!st.outstanding.empty()) {
            st.outstanding.clear();
            send_arrivals(self); // what did arrive is not released
            self->send(st.setup.scheduler, msg::release_atom::value, st.setup.key);
          }
        } else if constexpr (std::is_same_v<T, wire::unchoke>) {
          if (st.peer_choking) spdlog::debug("peer {}: unchoked us", st.setup.address.to_string());
          st.peer_choking = false;
        } else if constexpr (std::is_same_v<T, wire::piece>) {
          on_block(self, m);
        } else if constexpr (std::is_same_v<T, wire::interested>) {
          st.peer_interested = true;
        } else if constexpr (std::is_same_v<T, wire::not_interested>) {
          st.peer_interested = false;
          st.upload_queue.clear();
        } else if constexpr (std::is_same_v<T, wire::request>) {
          on_request(self, m);
        } else if constexpr (std::is_same_v<T, wire::cancel>) {
          const block_ref b{m.piece, m.begin, m.length};
          st.upload_queue.erase(std::remove(st.upload_queue.begin(), st.upload_queue.end(), b), st.upload_queue.end());
        }
        // port, keep-alive and unknown extensions: nothing to do.
      },
      msg);
}

// Draws a fault; when it fires, the session counts it.
bool inject(broker_ptr self, fault_kind k) {
  return inject(self->state.faults, k, caf::actor_cast<caf::actor>(self->state.setup.session));
}

// Runs a handler; an exception fails this actor with runtime_error, as an
// uncaught one would, but through quit(), so CAF tears the broker down
// cleanly (its exception path in 0.17 leaves a broker and its socket pinned).
template <class F>
void guarded(broker_ptr self, F&& handler) {
  try {
    handler();
  } catch (const std::exception& e) {
    auto& st = self->state;
    if (st.closing) return;
    st.closing = true;
    spdlog::debug("peer {}: failed: {}", st.setup.address.to_string(), e.what());
    send_arrivals(self); // the blocks it delivered before are good
    report_rates(self); // what it delivered tells the session whether it is crash-looping
    release_handles(self);
    self->close(st.hdl);
    self->quit(caf::make_error(caf::sec::runtime_error, std::string(e.what())));
  }
}

// One handshake or frame from the peer.
void on_item(broker_ptr self, const wire::frame_parser::item& item) {
  auto& st = self->state;
  if (item.is_handshake) {
    const auto hs = wire::parse_handshake(item.bytes);
    if (!hs) return close_with(self, peer_exit::protocol_error, "malformed handshake");
    if (hs->info_hash != st.setup.ctx->torrent.info_hash)
      return close_with(self, peer_exit::wrong_torrent, "handshake for another torrent");
    if (hs->id == st.setup.ctx->self_id) return close_with(self, peer_exit::self_connection, "connected to ourselves");
    st.handshake_done = true;
    spdlog::debug("peer {}: handshake from {}", st.setup.address.to_string(), describe_peer_id(hs->id));
    // The session drops a second connection to the same peer.
    if (auto session = caf::actor_cast<caf::actor>(st.setup.session))
      caf::anon_send(session, msg::hello_atom::value, st.setup.key, std::string(hs->id.begin(), hs->id.end()));
    return;
  }
  const auto r = wire::decode_message(item.bytes);
  if (!r.msg) return close_with(self, peer_exit::protocol_error, r.error);
  if (inject(self, fault_kind::peer_crash)) throw std::runtime_error("injected fault: peer-crash");
  if (inject(self, fault_kind::peer_drop)) return close_with(self, peer_exit::closed, "injected fault: peer-drop");
  if (!st.stalled && inject(self, fault_kind::peer_stall)) {
    st.stalled = true;
    self->halt(st.hdl); // what is already buffered is still handled
    self->delayed_send(self, injected_stall, msg::unstall_atom::value);
  }
  on_message(self, *r.msg);
}

void on_data(broker_ptr self, const std::vector<char>& buf) {
  auto& st = self->state;
  st.last_received = clock::now();
  // Frames are parsed in place in CAF's read buffer; a block is copied once,
  // into the message for the disk writer.
  st.parser.consume(std::string_view(buf.data(), buf.size()), [&](const wire::frame_parser::item& item) {
    on_item(self, item);
    return !st.closing;
  });
  if (st.closing) return;
  if (st.parser.failed()) return close_with(self, peer_exit::protocol_error, st.parser.error());
  refill(self);
  // Blocks not carried by a refill wait for the next one, a batch of 32, the
  // last outstanding request or the tick: a message per read would wake the
  // scheduler and the disk writer every 64 KiB.
  if (st.arrived.size() >= max_unreported_arrivals || st.outstanding.empty()) send_arrivals(self);
  flush_out(self);
}

void on_tick(broker_ptr self) {
  auto& st = self->state;
  const auto now = clock::now();
  st.rate = 0.5 * st.rate + 0.5 * static_cast<double>(st.bytes_this_tick);
  st.bytes_this_tick = 0;
  st.tick_started = now;
  st.up_rate = 0.5 * st.up_rate + 0.5 * static_cast<double>(st.up_this_tick);
  st.up_this_tick = 0;
  send_arrivals(self);
  report_rates(self);
  if (!st.handshake_done && now - st.started > handshake_limit)
    return close_with(self, peer_exit::timeout, "no handshake within 20 s");
  if (now - st.last_received > silence_limit) return close_with(self, peer_exit::timeout, "silent for 3 minutes");
  if (now - st.last_sent > keep_alive_every) wire::append_keep_alive(st.out);
  refill(self);
  flush_out(self);
  self->delayed_send(self, 1s, msg::tick_atom::value);
}

caf::behavior peer_behavior(broker_ptr self, peer_setup setup, caf::io::connection_handle hdl) {
  auto& st = self->state;
  st.setup = std::move(setup);
  st.geometry = st.setup.ctx->torrent.make_file_map().geometry();
  const std::uint32_t piece_count = st.setup.ctx->torrent.piece_count();
  // Frames may not exceed a block plus headers, or our bitfield: a 4 GiB
  // length prefix is refused at once instead of being buffered.
  st.parser = wire::frame_parser(wire::frame_parser::start::with_handshake,
                                 static_cast<std::uint32_t>(std::max<std::size_t>(bitfield::wire_size(piece_count) + 1, 64 * 1024)));
  st.started = st.last_received = st.last_sent = clock::now();
  st.faults = fault_injector(st.setup.ctx->options.faults, st.setup.key);
  st.hdl = hdl;
  // Stopped by the session (shutdown, ban): let go of other actors first.
  self->set_exit_handler([self](caf::exit_msg& m) {
    self->state.closing = true;
    release_handles(self);
    self->close(self->state.hdl);
    self->quit(m.reason);
  });
  self->configure_read(st.hdl, caf::io::receive_policy::at_most(256 * 1024));
  wire::handshake hs;
  hs.info_hash = st.setup.ctx->torrent.info_hash;
  hs.id = st.setup.ctx->self_id;
  st.out = wire::encode_handshake(hs);
  if (!st.setup.our_have.none()) wire::append_bitfield(st.out, st.setup.our_have.wire_bytes());
  st.remote_has = bitfield(piece_count);
  flush_out(self);
  self->send(st.setup.scheduler, msg::join_atom::value, st.setup.key, caf::actor_cast<caf::actor>(self));
  self->delayed_send(self, 1s, msg::tick_atom::value);

  return {
      [=](caf::io::new_data_msg& m) { self->state.load.on_message(self); guarded(self, [&] { on_data(self, m.buf); }); },
      [=](caf::io::connection_closed_msg&) { self->state.load.on_message(self); close_with(self, peer_exit::closed, "connection closed"); },
      [=](msg::cancel_atom, block_ref b) {
        self->state.load.on_message(self);
        auto& s = self->state;
        auto it = std::find(s.outstanding.begin(), s.outstanding.end(), b);
        if (it == s.outstanding.end()) return;
        s.outstanding.erase(it);
        s.cancelled.push_back(b);
        if (s.cancelled.size() > remembered_cancels) s.cancelled.pop_front();
        wire::append_cancel(s.out, b.piece, b.begin, b.length);
        refill(self);
        flush_out(self);
      },
      [=](msg::have_atom, const std::vector<std::uint32_t>& pieces) {
        self->state.load.on_message(self);
        auto& s = self->state;
        bool any = false;
        for (auto piece : pieces) {
          if (piece >= s.setup.our_have.size() || !s.setup.our_have.set(piece)) continue;
          wire::append_have(s.out, piece);
          any = true;
        }
        if (!any) return;
        update_interest(self);
        flush_out(self);
      },
      [=](msg::tick_atom) { self->state.load.on_message(self); guarded(self, [&] { on_tick(self); }); },
      [=](msg::unstall_atom) {
        self->state.load.on_message(self);
        auto& s = self->state;
        if (!s.stalled || s.closing) return;
        s.stalled = false;
        s.last_received = clock::now(); // our own silence does not count against the peer
        self->trigger(s.hdl);
      },
      [=](msg::choke_atom) {
        self->state.load.on_message(self);
        auto& s = self->state;
        if (s.am_choking) return;
        s.am_choking = true;
        s.upload_queue.clear();
        wire::append_choke(s.out);
        flush_out(self);
      },
      [=](msg::unchoke_atom) {
        self->state.load.on_message(self);
        auto& s = self->state;
        if (!s.am_choking) return;
        s.am_choking = false;
        wire::append_unchoke(s.out);
        flush_out(self);
      },
      [=](msg::want_atom) { // the scheduler has blocks again
        self->state.load.on_message(self);
        guarded(self, [&] {
          refill(self);
          flush_out(self);
        });
      },
  };
}

caf::behavior outgoing_peer(broker_ptr self, peer_setup setup, int fd) {
  return peer_behavior(self, std::move(setup), self->add_scribe(caf::io::network::native_socket{fd}));
}

caf::behavior incoming_peer(broker_ptr self, caf::io::connection_handle hdl, peer_setup setup) {
  return peer_behavior(self, std::move(setup), hdl);
}

} // namespace

caf::actor spawn_peer(caf::actor_system& sys, peer_setup setup, int fd) {
  return sys.middleman().spawn_broker(outgoing_peer, std::move(setup), fd);
}

caf::actor fork_incoming_peer(caf::io::broker* listener, caf::io::connection_handle hdl, peer_setup setup) {
  return listener->fork(incoming_peer, hdl, std::move(setup));
}

} // namespace actorrent
