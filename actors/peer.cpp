#include "actors/peer.hpp"

#include <algorithm>
#include <chrono>
#include <deque>
#include <map>
#include <set>

#include <caf/all.hpp>
#include <caf/io/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/fault_injection.hpp"
#include "actors/load_meter.hpp"
#include "protocol/wire/allowed_fast.hpp"
#include "protocol/event_window.hpp"
#include "protocol/wire/extension_handshake.hpp"
#include "protocol/wire/frame_parser.hpp"
#include "protocol/wire/ut_metadata.hpp"
#include "protocol/wire/ut_pex.hpp"
#include "protocol/wire/wire.hpp"

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
constexpr auto handshake_limit = 10s; // libtorrent's handshake_timeout: a silent socket costs a slot
constexpr std::size_t max_unrequested_blocks = 32;
constexpr std::size_t remembered_cancels = 1024;
constexpr double pipeline_seconds = 3.0;
constexpr std::size_t max_queued_requests = 2000; // our reqq (libtorrent's too); more is a flood: drop the peer
constexpr std::size_t max_bad_requests = 20;     // requests for blocks it cannot get, a minute
constexpr std::size_t blocks_per_read = 16;      // blocks a peer asks the disk writer for at once
constexpr std::size_t blocks_in_flight_max = 32; // blocks being read for a peer
// Unsent bytes past which we stop reading blocks for a peer (libtorrent's
// send_buffer_watermark): a peer that does not read cannot make us buffer
// its requests in memory; serving resumes as its socket drains.
constexpr std::int64_t send_watermark = 1 << 20;
constexpr auto snub_after = 60s;
constexpr std::size_t max_unreported_arrivals = 32; // blocks received, not yet told to the scheduler
constexpr auto injected_stall = 5s;          // --fault peer-stall: how long reading stops
constexpr std::size_t allowed_fast_count = 10; // BEP 6: pieces it may fetch while choked
constexpr std::size_t max_rejects = 500;      // rejects of requests while it unchokes us, a minute
constexpr auto misbehaviour_window = 60s;     // the limits above (and choked requests) are rates
constexpr auto pex_interval = 55s;            // BEP 11: at most one ut_pex a minute
constexpr std::size_t pex_burst = 6;          // more in a minute are ignored (libtorrent drops)

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
  event_window unrequested{max_unrequested_blocks, misbehaviour_window};
  std::string out;                      // frames waiting for flush
  std::int64_t bytes_queued = 0;        // handed to CAF's write buffer, ever
  std::int64_t bytes_written = 0;       // written to the socket, ever (data_transferred_msg)
  // Where each block we sent ends in the outgoing stream, and its payload:
  // uploaded bytes count once written, not when queued.
  std::deque<std::pair<std::int64_t, std::uint32_t>> blocks_in_send_buffer;
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
  event_window bad_requests{max_bad_requests, misbehaviour_window};
  std::uint32_t refused_unreported = 0;
  event_window choked_requests{max_queued_requests, misbehaviour_window};
  std::int64_t downloaded_unreported = 0;
  std::int64_t up_this_tick = 0;
  std::int64_t uploaded_unreported = 0;
  double up_rate = 0;
  clock::time_point last_block{};
  // Extensions (BEP 6 fast, BEP 10 extension protocol and what runs on it).
  bool remote_fast = false;
  bool remote_ext = false;
  ext::handshake remote_ext_hs;          // what its extension handshake said
  std::set<std::uint32_t> allowed_fast;  // pieces we serve it while choking it
  event_window rejects{max_rejects, misbehaviour_window};
  std::size_t metadata_requests = 0;
  std::map<std::string, peer_address> pex_advertised; // what our ut_pex told it about, by "host:port"
  clock::time_point pex_sent_at{};       // epoch: never
  std::size_t pex_received_in_window = 0;
  clock::time_point pex_window_start{};
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
                 peer_rates{st.setup.key, st.rate, st.up_rate, st.uploaded_unreported, st.peer_interested, st.am_interested, snubbed,
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
  st.bytes_queued += static_cast<std::int64_t>(st.out.size());
  st.out.clear();
  self->flush(st.hdl);
  st.last_sent = clock::now();
}

void pump_uploads(broker_ptr self);
void refuse(broker_ptr self, const block_ref& b);

std::int64_t unsent(const peer_state& st) {
  return st.bytes_queued + static_cast<std::int64_t>(st.out.size()) - st.bytes_written;
}

// The socket took more of our bytes: blocks fully written count as uploaded,
// and below the watermark we serve its requests again.
void on_written(broker_ptr self, std::int64_t written) {
  auto& st = self->state;
  st.bytes_written += written;
  while (!st.blocks_in_send_buffer.empty() && st.blocks_in_send_buffer.front().first <= st.bytes_written) {
    const auto payload = st.blocks_in_send_buffer.front().second;
    st.up_this_tick += payload;
    st.uploaded_unreported += payload;
    st.blocks_in_send_buffer.pop_front();
  }
  if (!st.upload_queue.empty() && unsent(st) < send_watermark) {
    pump_uploads(self);
    flush_out(self);
  }
}

// May a request for `piece` be served now: we unchoke it, or (BEP 6) the piece
// is in the allowed-fast set we gave it.
bool may_serve(const peer_state& st, std::uint32_t piece) {
  return !st.am_choking || (st.remote_fast && st.allowed_fast.count(piece) != 0);
}

// BEP 6: with the fast extension every request gets an answer, a refusal too.
void refuse(broker_ptr self, const block_ref& b) {
  auto& st = self->state;
  ++st.refused_unreported;
  if (st.remote_fast) wire::append_reject(st.out, b.piece, b.begin, b.length);
}

// Drops queued requests we may no longer serve (we choked it, it lost interest).
void drop_unservable_requests(broker_ptr self) {
  auto& st = self->state;
  std::deque<block_ref> keep;
  for (const auto& b : st.upload_queue) {
    if (st.peer_interested && may_serve(st, b.piece))
      keep.push_back(b);
    else if (st.remote_fast)
      wire::append_reject(st.out, b.piece, b.begin, b.length);
  }
  st.upload_queue = std::move(keep);
}

// What we have, right after the handshakes: with the fast extension on both
// sides, have-all / have-none may replace the bitfield (and one of the three
// must be sent); without it, nothing is sent when we have nothing.
void send_availability(broker_ptr self) {
  auto& st = self->state;
  const auto& have = st.setup.our_have;
  if (st.remote_fast && have.all())
    wire::append_have_all(st.out);
  else if (st.remote_fast && have.none())
    wire::append_have_none(st.out);
  else if (!have.none())
    wire::append_bitfield(st.out, have.wire_bytes());
  if (!st.remote_fast) return;
  // BEP 6 allowed-fast: a few pieces it may fetch before we unchoke it (IPv4 only).
  const std::string ip = ip_bytes(st.setup.address.host);
  if (ip.size() != 4) return;
  std::array<std::uint8_t, 4> v4{};
  std::copy(ip.begin(), ip.end(), v4.begin());
  for (auto piece : allowed_fast_set(v4, st.setup.ctx->torrent.info_hash, st.setup.ctx->torrent.piece_count(),
                                     allowed_fast_count)) {
    if (!have.test(piece)) continue;
    st.allowed_fast.insert(piece);
    wire::append_allowed_fast(st.out, piece);
  }
}

void send_extension_handshake(broker_ptr self) {
  auto& st = self->state;
  const auto& t = st.setup.ctx->torrent;
  ext::handshake h;
  h.m[std::string(ext::ut_metadata)] = ext::ut_metadata_id;
  if (!t.is_private) h.m[std::string(ext::ut_pex)] = ext::ut_pex_id; // BEP 27: no PEX on private torrents
  if (!t.info_bytes.empty()) h.metadata_size = static_cast<std::int64_t>(t.info_bytes.size());
  h.client = "actorrent " ACTORRENT_VERSION;
  h.listen_port = st.setup.ctx->options.listen_port; // libtorrent advertises us in PEX only with it
  h.reqq = static_cast<std::uint32_t>(max_queued_requests);
  h.yourip = ip_bytes(st.setup.address.host);
  wire::append_extended(st.out, ext::handshake_id, ext::encode(h));
}

// BEP 9: we serve our info dictionary in 16 KiB pieces; data and rejects are
// not for us (we have the metadata) and are ignored.
void on_metadata_message(broker_ptr self, const ut_metadata::message& m) {
  auto& st = self->state;
  if (m.type != ut_metadata::msg_type::request) return;
  const std::uint8_t id = st.remote_ext_hs.id_of(ext::ut_metadata);
  if (id == 0) return; // it never told us how to answer
  const std::string& info = st.setup.ctx->torrent.info_bytes;
  const std::string_view piece = ut_metadata::piece_of(info, m.piece);
  // Each piece once or twice is plenty; a peer asking forever gets rejects.
  const bool too_many = ++st.metadata_requests > 2 * ut_metadata::piece_count(static_cast<std::int64_t>(info.size())) + 8;
  if (piece.empty() || too_many)
    wire::append_extended(st.out, id, ut_metadata::encode_reject(m.piece));
  else
    wire::append_extended(st.out, id, ut_metadata::encode_data(m.piece, static_cast<std::int64_t>(info.size()), piece));
}

// BEP 11: peers it knows, for the session to dial. At most pex_burst messages
// a minute are read; the rest are ignored.
void on_pex_message(broker_ptr self, std::string_view payload) {
  auto& st = self->state;
  if (st.setup.ctx->torrent.is_private) return;
  const auto now = clock::now();
  if (now - st.pex_window_start > 60s) {
    st.pex_window_start = now;
    st.pex_received_in_window = 0;
  }
  if (++st.pex_received_in_window > pex_burst) return;
  const ut_pex::message m = ut_pex::parse(payload);
  spdlog::debug("peer {}: ut_pex with {} added ({}{}), {} dropped", st.setup.address.to_string(), m.added.size(),
                m.added.empty() ? "" : m.added.front().ip + ":" + std::to_string(m.added.front().port),
                m.added.size() > 1 ? ", ..." : "", m.dropped.size());
  std::vector<peer_address> found;
  for (const auto& p : m.added) found.push_back({p.ip, p.port});
  auto session = caf::actor_cast<caf::actor>(st.setup.session);
  if (session && !found.empty()) caf::anon_send(session, msg::pex_atom::value, st.setup.key, std::move(found));
}

void on_extended(broker_ptr self, const wire::extended& m) {
  auto& st = self->state;
  try {
    if (m.id == ext::handshake_id) {
      st.remote_ext_hs = ext::parse(m.payload);
      spdlog::debug("peer {}: extension handshake from '{}'{}{}", st.setup.address.to_string(), st.remote_ext_hs.client,
                    st.remote_ext_hs.id_of(ext::ut_pex) ? ", ut_pex" : "",
                    st.remote_ext_hs.id_of(ext::ut_metadata) ? ", ut_metadata" : "");
      // The session learns its listen port (an incoming peer can then be
      // advertised by PEX) and sends it the peers to advertise.
      if (auto session = caf::actor_cast<caf::actor>(st.setup.session))
        caf::anon_send(session, msg::listen_atom::value, st.setup.key, st.remote_ext_hs.listen_port.value_or(0));
      return;
    }
    if (m.id == ext::ut_metadata_id) return on_metadata_message(self, ut_metadata::parse(m.payload));
    if (m.id == ext::ut_pex_id) return on_pex_message(self, m.payload);
    // An id we never announced: a newer extension it thinks we speak. Ignored.
  } catch (const ext::extension_error& e) {
    close_with(self, peer_exit::protocol_error, e.what());
  }
}

// The session's list of peers we are connected to: tell this peer what
// changed since our last ut_pex (at most once a minute, 50 added and 50 dropped).
void send_pex(broker_ptr self, const std::vector<peer_address>& connected) {
  auto& st = self->state;
  const std::uint8_t id = st.remote_ext_hs.id_of(ext::ut_pex);
  const auto now = clock::now();
  if (id == 0 || st.setup.ctx->torrent.is_private || st.closing) return;
  if (st.pex_sent_at != clock::time_point{} && now - st.pex_sent_at < pex_interval) return;
  const std::string me = st.setup.address.to_string();
  std::map<std::string, peer_address> current;
  ut_pex::message m;
  for (const auto& a : connected) {
    const std::string key = a.to_string();
    if (key == me || a.port == 0) continue;
    current.emplace(key, a);
    if (!st.pex_advertised.count(key) && m.added.size() < ut_pex::max_per_message) {
      m.added.push_back({a.host, a.port, std::nullopt});
      st.pex_advertised.emplace(key, a);
    }
  }
  for (auto it = st.pex_advertised.begin(); it != st.pex_advertised.end();) {
    if (current.count(it->first) || m.dropped.size() >= ut_pex::max_per_message) {
      ++it;
      continue;
    }
    m.dropped.push_back({it->second.host, it->second.port, std::nullopt});
    it = st.pex_advertised.erase(it);
  }
  if (m.added.empty() && m.dropped.empty()) return;
  wire::append_extended(st.out, id, ut_pex::encode(m));
  st.pex_sent_at = now;
  flush_out(self);
}

void update_interest(broker_ptr self) {
  auto& st = self->state;
  // Two seeds have nothing to trade; the slot is worth more to a leecher
  // (libtorrent's close_redundant_connections).
  if (st.setup.our_have.all() && st.remote_has.size() > 0 && st.remote_has.all())
    return close_with(self, peer_exit::redundant, "both sides are seeds");
  const bool want = st.remote_has.size() > 0 && st.setup.ctx->pieces.interesting(st.remote_has, st.setup.our_have);
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
  const std::uint32_t target = std::clamp(static_cast<std::uint32_t>(blocks), o.pipeline_min, o.pipeline_max);
  // BEP 10 'reqq': more requests than the peer queues would be dropped by it.
  const auto reqq = st.remote_ext_hs.reqq.value_or(0);
  return reqq > 0 ? std::min(target, reqq) : target;
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
    if (st.unrequested.exceeded_after(clock::now()))
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

// Frames the blocks one disk read returned straight into CAF's write buffer
// (after the frames already waiting, to keep their order): one copy of the
// payload in user space, one flush for the lot.
void send_blocks(broker_ptr self, const std::vector<block_ref>& blocks, const std::vector<char>& data) {
  auto& st = self->state;
  flush_out(self);
  auto& buf = self->wr_buf(st.hdl);
  std::size_t offset = 0;
  for (const auto& b : blocks) {
    const char* payload = data.data() + offset;
    offset += b.length;
    if (!may_serve(st, b.piece)) { // choked meanwhile
      refuse(self, b);
      continue;
    }
    char header[wire::piece_header_size];
    wire::write_piece_header(header, b.piece, b.begin, b.length);
    buf.insert(buf.end(), header, header + sizeof header);
    buf.insert(buf.end(), payload, payload + b.length);
    st.bytes_queued += static_cast<std::int64_t>(sizeof header + b.length);
    st.blocks_in_send_buffer.emplace_back(st.bytes_queued, b.length);
  }
  self->flush(st.hdl);
  st.last_sent = clock::now();
}

void read_and_send(broker_ptr self, std::vector<block_ref> blocks) {
  self->request(self->state.setup.disk, std::chrono::seconds(30), msg::read_atom::value, blocks)
      .then(
          [=](std::vector<char>& data) {
            auto& s = self->state;
            s.reads_in_flight -= blocks.size();
            if (s.closing) return;
            send_blocks(self, blocks, data);
            pump_uploads(self);
            flush_out(self);
          },
          [=](caf::error&) {
            self->state.reads_in_flight -= blocks.size();
            pump_uploads(self);
          });
}

// Serves queued requests through the disk writer, several blocks per read,
// while what it has not read yet (and what we are reading for it) stays under
// the send watermark. While the upload is limited (the limit may change at
// any time) each block is first cleared by the upload gate, one at a time
// (its burst may be a single block).
void pump_uploads(broker_ptr self) {
  auto& st = self->state;
  const bool gated = st.setup.upload_gate && !st.setup.ctx->upload_rate->unlimited();
  const std::size_t batch_max = gated ? 1 : blocks_per_read;
  while (!st.closing && st.reads_in_flight < blocks_in_flight_max && !st.upload_queue.empty()) {
    std::vector<block_ref> batch;
    std::int64_t pending = unsent(st) + static_cast<std::int64_t>(st.reads_in_flight * block_size);
    while (!st.upload_queue.empty() && batch.size() < batch_max && st.reads_in_flight < blocks_in_flight_max &&
           pending < send_watermark) {
      const block_ref b = st.upload_queue.front();
      st.upload_queue.pop_front();
      if (!may_serve(st, b.piece)) {
        refuse(self, b);
        continue;
      }
      batch.push_back(b);
      ++st.reads_in_flight;
      pending += b.length;
    }
    if (batch.empty()) return;
    if (!gated) {
      read_and_send(self, std::move(batch));
      continue;
    }
    const block_ref b = batch.front();
    self->request(st.setup.upload_gate, caf::infinite, msg::grant_atom::value, b.length)
        .then(
            [=](msg::grant_atom) {
              auto& s = self->state;
              if (s.closing || !may_serve(s, b.piece)) {
                --s.reads_in_flight;
                if (!s.closing) {
                  refuse(self, b);
                  flush_out(self);
                }
                return;
              }
              read_and_send(self, {b});
            },
            [=](caf::error&) { --self->state.reads_in_flight; });
  }
}

void on_request(broker_ptr self, const wire::request& m) {
  auto& st = self->state;
  const block_ref b{m.piece, m.begin, m.length};
  // BEP 3 drops requests made while choked (they may have crossed our choke);
  // BEP 6 answers them with a reject, and serves its allowed-fast pieces.
  if (!may_serve(st, m.piece)) {
    refuse(self, b);
    if (st.choked_requests.exceeded_after(clock::now()))
      close_with(self, peer_exit::protocol_error, "request flood while choked");
    return;
  }
  const bool valid = m.piece < st.setup.our_have.size() && st.setup.our_have.test(m.piece) &&
                     st.geometry.valid_block(m.piece, m.begin, m.length);
  if (!valid) {
    refuse(self, b);
    if (st.bad_requests.exceeded_after(clock::now()))
      close_with(self, peer_exit::protocol_error, "requests blocks we do not have or that do not exist");
    return;
  }
  if (st.upload_queue.size() >= max_queued_requests)
    return close_with(self, peer_exit::protocol_error, "request flood (more than 2000 outstanding)");
  st.upload_queue.push_back(b);
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
          // BEP 3: a choke voids every request we had outstanding. (Under BEP 6 it
          // rejects them one by one or still sends them: remembered as cancelled,
          // either answer is then ignored quietly.)
          if (!st.outstanding.empty()) {
            for (const auto& b : st.outstanding) st.cancelled.push_back(b);
            while (st.cancelled.size() > remembered_cancels) st.cancelled.pop_front();
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
          // Told at once, not at the next tick: with a free slot the
          // session's choker unchokes a newcomer without a second's wait.
          if (!st.peer_interested) {
            st.peer_interested = true;
            report_rates(self);
          }
        } else if constexpr (std::is_same_v<T, wire::not_interested>) {
          st.peer_interested = false;
          drop_unservable_requests(self);
        } else if constexpr (std::is_same_v<T, wire::request>) {
          on_request(self, m);
        } else if constexpr (std::is_same_v<T, wire::cancel>) {
          const block_ref b{m.piece, m.begin, m.length};
          const auto before = st.upload_queue.size();
          st.upload_queue.erase(std::remove(st.upload_queue.begin(), st.upload_queue.end(), b), st.upload_queue.end());
          // BEP 6: a cancelled request is still answered, with a reject.
          if (st.remote_fast && st.upload_queue.size() != before) wire::append_reject(st.out, b.piece, b.begin, b.length);
        } else if constexpr (std::is_same_v<T, wire::have_all> || std::is_same_v<T, wire::have_none>) {
          if (!st.remote_fast) return close_with(self, peer_exit::protocol_error, "have-all/none without the fast extension");
          st.remote_has = bitfield(pieces, std::is_same_v<T, wire::have_all>);
          if constexpr (std::is_same_v<T, wire::have_all>)
            spdlog::debug("peer {}: has every piece (have-all)", st.setup.address.to_string());
          self->send(st.setup.scheduler, msg::bitfield_atom::value, st.setup.key, std::string(st.remote_has.wire_bytes()));
          update_interest(self);
        } else if constexpr (std::is_same_v<T, wire::reject>) {
          if (!st.remote_fast) return close_with(self, peer_exit::protocol_error, "reject without the fast extension");
          const block_ref b{m.piece, m.begin, m.length};
          auto it = std::find(st.outstanding.begin(), st.outstanding.end(), b);
          if (it == st.outstanding.end()) { // already given up on (choke, cancel): fine
            auto c = std::find(st.cancelled.begin(), st.cancelled.end(), b);
            if (c != st.cancelled.end()) st.cancelled.erase(c);
            return;
          }
          st.outstanding.erase(it);
          send_arrivals(self); // the scheduler hears of earlier arrivals first
          self->send(st.setup.scheduler, msg::release_atom::value, st.setup.key, b);
          if (!st.peer_choking && st.rejects.exceeded_after(clock::now()))
            close_with(self, peer_exit::protocol_error, "rejects our requests while unchoking us");
        } else if constexpr (std::is_same_v<T, wire::allowed_fast> || std::is_same_v<T, wire::suggest>) {
          // Advisory (BEP 6): we take pieces in our own order and ask only when unchoked.
          if (!st.remote_fast) return close_with(self, peer_exit::protocol_error, "fast-extension message without the fast extension");
          if (m.piece >= pieces) return close_with(self, peer_exit::protocol_error, "allowed-fast or suggest for a piece that does not exist");
        } else if constexpr (std::is_same_v<T, wire::extended>) {
          if (!st.remote_ext) return close_with(self, peer_exit::protocol_error, "extended message without the extension bit");
          on_extended(self, m);
        } else if constexpr (std::is_same_v<T, wire::port>) {
          // Its DHT node: the session hands it to ours, which pings it.
          auto session = caf::actor_cast<caf::actor>(st.setup.session);
          if (session && m.port != 0 && st.setup.ctx->options.dht_port != 0)
            caf::anon_send(session, msg::port_atom::value, st.setup.address.host, m.port);
        }
        // keep-alive and unknown message ids: nothing to do.
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
    st.remote_fast = hs->supports_fast();
    st.remote_ext = hs->supports_extensions();
    spdlog::debug("peer {}: handshake from {}{}{}", st.setup.address.to_string(), describe_peer_id(hs->id),
                  st.remote_fast ? ", fast extension" : "", st.remote_ext ? ", extension protocol" : "");
    send_availability(self);
    if (st.remote_ext) send_extension_handshake(self);
    // BEP 5: both sides run a DHT node: tell it where ours listens.
    if (hs->supports_dht() && st.setup.ctx->options.dht_port != 0 && !st.setup.ctx->torrent.is_private)
      wire::append_port(st.out, st.setup.ctx->options.dht_port);
    flush_out(self);
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
    return close_with(self, peer_exit::timeout, "no handshake within 10 s");
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
  self->ack_writes(st.hdl, true); // data_transferred_msg: the send watermark and uploaded bytes
  wire::handshake hs;
  hs.info_hash = st.setup.ctx->torrent.info_hash;
  hs.id = st.setup.ctx->self_id;
  hs.set_extensions();
  hs.set_fast();
  if (st.setup.ctx->options.dht_port != 0 && !st.setup.ctx->torrent.is_private) hs.set_dht();
  // What we have follows once its handshake tells us whether it speaks BEP 6.
  st.out = wire::encode_handshake(hs);
  st.remote_has = bitfield(piece_count);
  flush_out(self);
  self->send(st.setup.scheduler, msg::join_atom::value, st.setup.key, caf::actor_cast<caf::actor>(self));
  self->delayed_send(self, 1s, msg::tick_atom::value);
  if (!st.setup.received.empty()) { // the listener's routing read: parsed as if it came now
    std::string prefix = std::move(st.setup.received);
    guarded(self, [&] { on_data(self, std::vector<char>(prefix.begin(), prefix.end())); });
  }

  return {
      [=](caf::io::new_data_msg& m) { self->state.load.on_message(self); guarded(self, [&] { on_data(self, m.buf); }); },
      [=](caf::io::data_transferred_msg& m) {
        self->state.load.on_message(self);
        guarded(self, [&] { on_written(self, static_cast<std::int64_t>(m.written)); });
      },
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
        wire::append_choke(s.out);
        drop_unservable_requests(self); // BEP 6: rejected, after the choke
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
      [=](msg::pex_atom, const std::vector<peer_address>& connected) {
        self->state.load.on_message(self);
        send_pex(self, connected);
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
