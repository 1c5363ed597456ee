#include "actors/session.hpp"

#include <unistd.h>

#include <algorithm>
#include <deque>
#include <filesystem>
#include <map>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include <caf/all.hpp>

#include "protocol/bytes.hpp"
#include <caf/io/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/load_meter.hpp"
#include "actors/disk_writer.hpp"
#include "actors/listener.hpp"
#include "actors/peer.hpp"
#include "actors/piece_check.hpp"
#include "actors/progress_reporter.hpp"
#include "actors/resume_keeper.hpp"
#include "actors/rpc_server.hpp"
#include "actors/scheduler.hpp"
#include "actors/tracker.hpp"
#include "actors/upload_gate.hpp"
#include "actors/worker_pool.hpp"
#include "protocol/sha1.hpp"
#include "protocol/storage/storage.hpp"
#include "protocol/swarm/choker.hpp"
#include "protocol/swarm/peer_book.hpp"
#include "protocol/swarm/peer_turnover.hpp"
#include "protocol/storage/resume_data.hpp"
#include "protocol/rpc/methods.hpp"

namespace actorrent {

caf::atom_value session_exit_category() { return caf::atom("exit"); }

namespace {

using clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr auto connect_timeout = 10s;
constexpr std::int32_t dial_timeout_ms = 10'000;
constexpr std::size_t max_known_from_pex = 1000; // PEX may not grow our peer list past this
constexpr std::uint64_t pex_every_ticks = 60;    // BEP 11: one ut_pex a minute
constexpr std::uint64_t dht_every_ticks = 900;   // BEP 5: announce again every 15 minutes
constexpr std::uint64_t idle_tick_seconds = 5;

struct session_state {
  context_ptr ctx;
  piece_geometry geometry;
  bitfield have;
  resume_data resume;
  scheduler_actor scheduler;
  disk_actor disk;
  resume_actor resume_keeper;
  tracker_actor tracker;
  progress_actor progress;
  upload_gate_actor upload_gate;
  caf::actor listener;
  caf::actor rpc; // null: no --rpc-bind
  caf::actor dht; // null: none, or a private torrent
  dht_stats dht_now{};
  choker choke_policy;
  std::unordered_map<peer_key, peer_rates> rates;           // latest report of each peer
  std::unordered_map<peer_key, clock::time_point> joined_at;
  std::unordered_map<peer_key, clock::time_point> useful_at; // last seen interested, either way
  std::unordered_set<peer_key> with_slot; // peers holding a slot of ctx->slots (a replaced one gave its own away)
  // Slots are shared with other torrents: a session that ends before its
  // peers' down messages arrive still gives back every slot it holds.
  session_state() = default;
  session_state(const session_state&) = delete;
  session_state& operator=(const session_state&) = delete;
  ~session_state() {
    if (ctx)
      for (std::size_t i = 0; i < with_slot.size(); ++i) ctx->slots->release();
  }
  bool listener_accepting = true;
  std::vector<peer_key> unchoked;
  std::int64_t uploaded_now = 0;
  std::uint64_t requests_refused = 0;
  std::map<std::string, actor_load> loads;  // latest report of the scheduler and disk writer
  actor_load departed_peers{"peers"};       // load of peer actors that are gone
  std::vector<std::uint64_t> faults_injected = std::vector<std::uint64_t>(fault_kind_count, 0);
  std::uint64_t ticks = 0;
  clock::time_point completed_at{};
  peer_book known;                                       // by "host:port"
  std::unordered_map<caf::actor_addr, std::string> peer_of; // peer actor -> address key
  std::unordered_map<peer_key, caf::actor> peers;
  std::unordered_map<std::string, peer_key> key_of_id; // remote peer id -> its connection
  std::unordered_map<peer_key, std::string> id_of_key;
  peer_key next_key = 1;
  std::int64_t bytes_have = 0;
  std::int64_t downloaded_before = 0; // from earlier runs (resume file)
  std::int64_t downloaded_now = 0;    // verified this run
  std::int64_t seeders = -1, leechers = -1;
  std::uint32_t restarts = 0, banned = 0, duplicates = 0;
  std::string last_tracker_problem;
  // The last answer of each tracker (for torrent-get's trackerStats).
  struct announce_outcome {
    std::int64_t at = 0; // unix seconds
    std::size_t peers = 0;
    std::string failure;
  };
  std::map<std::string, announce_outcome> announced;
  bool said_no_peers = false;
  bool started = false;
  bool completed = false;
  bool stopping = false;
  load_meter load;
  std::shared_ptr<check_handle> check; // the start-up check (piece_check.hpp)
  bool keep_announced = false;         // stopping to rest: no 'stopped' announce
  static inline const char* name = "session";
};

using self_ptr = caf::stateful_actor<session_state>*;

std::string describe(const caf::error& e) {
  if (!e) return "normal exit";
  std::string out = caf::to_string(e);
  const auto& ctx = e.context();
  if (ctx.size() > 0 && ctx.match_element<std::string>(0)) out = ctx.get_as<std::string>(0);
  return out;
}

// The reason travels with the code: the engine shows it as the torrent's error.
caf::error exit_with(int code, const std::string& why) {
  if (code == 0) return caf::error{};
  return caf::error(static_cast<std::uint8_t>(code), session_exit_category(), caf::make_message(why));
}

void connect_more(self_ptr self);
void update_listener(self_ptr self);

// How the engine's listener knows this torrent: its raw info-hash.
std::string info_hash_key(const session_state& st) { return std::string(as_bytes(st.ctx->torrent.info_hash)); }

// --- shutdown: every path out of the session goes through here ------------

void stop(self_ptr self, int code, const std::string& why) {
  auto& st = self->state;
  if (st.stopping) return;
  st.stopping = true;
  if (st.check) st.check->cancel();
  if (!why.empty()) {
    if (code == 0)
      spdlog::info("{}", why);
    else
      spdlog::error("{}", why);
  }
  for (auto& [key, peer] : st.peers) self->send_exit(peer, caf::exit_reason::user_shutdown);
  if (st.listener) self->send(st.listener, msg::leave_atom::value, info_hash_key(st));
  if (st.rpc) self->send_exit(st.rpc, caf::exit_reason::user_shutdown);
  auto finish = [=] {
    auto& s = self->state;
    for (caf::actor a : {caf::actor_cast<caf::actor>(s.scheduler), caf::actor_cast<caf::actor>(s.disk),
                         caf::actor_cast<caf::actor>(s.resume_keeper), caf::actor_cast<caf::actor>(s.tracker),
                         caf::actor_cast<caf::actor>(s.progress), caf::actor_cast<caf::actor>(s.upload_gate)})
      if (a) self->send_exit(a, caf::exit_reason::user_shutdown);
    self->quit(exit_with(code, why));
  };
  if (!st.started) return finish();
  // Order matters: data flushed before the resume file vouches for it.
  auto save_and_finish = [=] {
    transfer_totals t{self->state.resume.uploaded + self->state.uploaded_now,
                      self->state.downloaded_before + self->state.downloaded_now,
                      self->state.ctx->torrent.total_size - self->state.bytes_have};
    self->request(self->state.resume_keeper, 10s, msg::save_atom::value, t)
        .then([=](msg::save_atom) {
                self->request(self->state.progress, 3s, msg::complete_atom::value)
                    .then([=](msg::complete_atom) { finish(); }, [=](caf::error&) { finish(); });
              },
              [=](caf::error&) { finish(); });
  };
  auto report_then_finish = [=] {
    self->request(self->state.progress, 3s, msg::complete_atom::value)
        .then([=](msg::complete_atom) { finish(); }, [=](caf::error&) { finish(); });
  };
  // Without a flush we cannot vouch for recent pieces: the resume file is left
  // as it was, so the files' changed stamps make the next run recheck them.
  auto flush_then = [=] {
    self->request(self->state.disk, 30s, msg::flush_atom::value)
        .then([=](msg::flush_atom) { save_and_finish(); }, [=](caf::error&) { report_then_finish(); });
  };
  if (st.keep_announced) return flush_then();
  self->request(st.tracker, 5s, msg::leave_atom::value)
      .then([=](msg::leave_atom) { flush_then(); }, [=](caf::error&) { flush_then(); });
}

// --- peers ----------------------------------------------------------------

// How a peer actor's exit reads for its record in the peer book.
peer_ending ending_of(const caf::error& reason) {
  if (reason.category() == peer_error_category()) {
    switch (static_cast<peer_exit>(reason.code())) {
    case peer_exit::banned: return peer_ending::banned;
    case peer_exit::redundant: return peer_ending::redundant;
    case peer_exit::duplicate: return peer_ending::duplicate;
    case peer_exit::protocol_error:
    case peer_exit::wrong_torrent: return peer_ending::misbehaved;
    case peer_exit::self_connection: return peer_ending::self_connection;
    default: return peer_ending::closed;
    }
  }
  // The actor itself failed (an exception): replaced, within a budget.
  if (reason && reason != caf::exit_reason::user_shutdown) return peer_ending::crashed;
  return peer_ending::shutdown;
}

void forget_peer(self_ptr self, const caf::actor_addr& who, const caf::error& reason) {
  auto& st = self->state;
  auto it = st.peer_of.find(who);
  if (it == st.peer_of.end()) return;
  const std::string id = it->second;
  st.peer_of.erase(it);
  peer_book::entry* p = st.known.find(id);
  if (p == nullptr) return;
  const peer_key key = p->key;
  const peer_address address = p->address;
  self->send(st.scheduler, msg::leave_atom::value, key);
  st.peers.erase(key);
  if (st.with_slot.erase(key)) st.ctx->slots->release();
  if (auto r = st.rates.find(key); r != st.rates.end()) {
    st.departed_peers.messages += r->second.messages;
    st.departed_peers.mailbox_high_water = std::max(st.departed_peers.mailbox_high_water, r->second.mailbox_high_water);
  }
  st.rates.erase(key);
  st.joined_at.erase(key);
  st.useful_at.erase(key);
  st.unchoked.erase(std::remove(st.unchoked.begin(), st.unchoked.end(), key), st.unchoked.end());
  if (auto i = st.id_of_key.find(key); i != st.id_of_key.end()) {
    if (auto k = st.key_of_id.find(i->second); k != st.key_of_id.end() && k->second == key) st.key_of_id.erase(k);
    st.id_of_key.erase(i);
  }
  update_listener(self); // a slot is free: the next connection is let in at once
  const peer_ending why = st.stopping ? peer_ending::shutdown : ending_of(reason);
  const auto out = st.known.ended(id, why, clock::now());
  if (st.stopping) return;
  if (why == peer_ending::crashed) ++st.restarts;
  if (out.newly_banned) {
    ++st.banned;
    if (why == peer_ending::crashed)
      spdlog::warn("peer {} failed {} times in a minute ({}): banned for 10 minutes", address.to_string(), out.crashes,
                   describe(reason));
    else
      spdlog::info("peer {} banned: {}", address.to_string(), describe(reason));
  }
  if (out.restart_in) {
    spdlog::debug("peer {} failed ({}): restarting in {} ms", address.to_string(), describe(reason),
                  std::chrono::duration_cast<std::chrono::milliseconds>(*out.restart_in).count());
    self->delayed_send(self, *out.restart_in, msg::connect_atom::value);
  }
  connect_more(self);
}

void start_peer(self_ptr self, const std::string& id, int fd) {
  auto& st = self->state;
  const peer_key key = st.next_key++;
  if (st.stopping) {
    ::close(fd);
    return;
  }
  // Other torrents may have filled the engine's slots while we dialled.
  if (!st.ctx->slots->try_take()) {
    st.known.dial_abandoned(id);
    ::close(fd);
    return;
  }
  if (!st.known.dial_succeeded(id, key)) {
    st.ctx->slots->release();
    ::close(fd);
    return;
  }
  st.with_slot.insert(key);
  const peer_book::entry& p = *st.known.find(id);
  peer_setup setup{st.ctx, key, p.address, st.scheduler, st.disk, self->address(), st.have, st.upload_gate, {}};
  caf::actor peer = spawn_peer(self->home_system(), std::move(setup), fd);
  self->monitor(peer);
  st.peer_of[peer.address()] = id;
  st.peers[key] = peer;
  st.joined_at[key] = st.useful_at[key] = clock::now();
  spdlog::debug("connected to {}", p.address.to_string());
}

// Seeds dial too: a leecher that cannot accept connections (behind NAT, or
// one that only dials out) would otherwise never get a byte from us. Peers
// that turn out to be seeds close as redundant and are not dialled for 30 min.
void connect_more(self_ptr self) {
  auto& st = self->state;
  if (st.stopping || !st.started) return;
  if (st.completed && !st.ctx->options.seed_after_download) return;
  // Up to the torrent's limit, and no further than the engine's slots allow.
  const std::size_t limit = std::min(st.ctx->slots->own().limit(), st.known.active() + st.ctx->slots->free());
  for (const peer_address& address : st.known.to_dial(limit, clock::now())) {
    const std::string key = address.to_string();
    self->request(st.ctx->pools->dialer, connect_timeout + 5s, msg::connect_atom::value, address, dial_timeout_ms)
        .then([=](int fd) { start_peer(self, key, fd); },
              [=](caf::error& e) {
                self->state.known.dial_failed(key, clock::now());
                spdlog::debug("cannot connect to {}: {}", key, describe(e));
              });
  }
}

void add_peers(self_ptr self, const std::vector<peer_address>& found) {
  auto& st = self->state;
  st.known.set_own_port(st.ctx->options.listen_port);
  st.known.add(found, clock::now());
  connect_more(self);
}

// --- uploading ------------------------------------------------------------

void run_choker(self_ptr self) {
  auto& st = self->state;
  std::vector<choker_peer> candidates;
  for (const auto& [key, r] : st.rates) {
    if (!st.peers.count(key)) continue;
    choker_peer c;
    c.key = key;
    c.interested = r.interested;
    c.rate_from_peer = r.from_peer;
    c.rate_to_peer = r.to_peer;
    c.snubbed = r.snubbed;
    c.connected_at = st.joined_at.count(key) ? st.joined_at[key] : clock::now();
    candidates.push_back(c);
  }
  const auto d = st.choke_policy.run(candidates, st.completed, clock::now());
  for (peer_key key : st.unchoked)
    if (std::find(d.unchoked.begin(), d.unchoked.end(), key) == d.unchoked.end() && st.peers.count(key))
      self->send(st.peers[key], msg::choke_atom::value);
  for (peer_key key : d.unchoked)
    if (std::find(st.unchoked.begin(), st.unchoked.end(), key) == st.unchoked.end())
      self->send(st.peers[key], msg::unchoke_atom::value);
  st.unchoked = d.unchoked;
}

std::vector<slot_holder> slot_holders(const session_state& st) {
  std::vector<slot_holder> out;
  for (const auto& [key, at] : st.useful_at)
    if (st.peers.count(key)) out.push_back({key, at});
  return out;
}

// The listener closes connections at once while no slot could be had: an
// attacker's connect/close loop then costs us an accept and a close, not an
// actor (libtorrent refuses at accept time too).
void update_listener(self_ptr self) {
  auto& st = self->state;
  if (!st.listener) return;
  const bool accepting = !st.stopping && (st.ctx->slots->free() > 0 ||
                                          slot_for_newcomer(slot_holders(st), clock::now()).has_value());
  if (accepting == st.listener_accepting) return;
  st.listener_accepting = accepting;
  self->send(st.listener, msg::listen_atom::value, info_hash_key(st), accepting);
}

void accept_incoming(self_ptr self, peer_key key, caf::actor peer, const peer_address& from) {
  auto& st = self->state;
  if (st.known.banned(from, clock::now())) { // a banned host does not get back in by dialling us
    self->send_exit(peer, caf::exit_reason::user_shutdown);
    return;
  }
  // Incoming and outgoing connections share one limit; at the limit a
  // newcomer takes the slot of the connection useless longest, if any.
  if (st.stopping) {
    self->send_exit(peer, caf::exit_reason::user_shutdown);
    return;
  }
  if (st.ctx->slots->try_take()) {
    st.with_slot.insert(key);
  } else {
    // At a limit, a newcomer takes the slot of the connection useless longest.
    if (auto victim = slot_for_newcomer(slot_holders(st), clock::now()); victim && st.with_slot.erase(*victim)) {
      spdlog::debug("connection limit: dropping an idle peer for a newcomer");
      self->send_exit(st.peers[*victim], make_peer_error(peer_exit::timeout, "replaced by a newcomer: neither side was interested"));
      st.useful_at.erase(*victim); // not a candidate twice
      st.with_slot.insert(key);
    } else {
      self->send_exit(peer, caf::exit_reason::user_shutdown);
      return update_listener(self);
    }
  }
  const std::string id = from.to_string();
  st.known.add_incoming(from, key);
  self->monitor(peer);
  st.peer_of[peer.address()] = id;
  st.peers[key] = peer;
  st.joined_at[key] = st.useful_at[key] = clock::now();
  spdlog::debug("accepted {}", id);
  update_listener(self);
}

// Connections where neither side has wanted anything for minutes go.
void drop_idle_peers(self_ptr self) {
  auto& st = self->state;
  for (peer_key key : idle_connections(slot_holders(st), clock::now())) {
    st.useful_at.erase(key);
    self->send_exit(st.peers[key], make_peer_error(peer_exit::timeout, "neither side interested for 5 minutes"));
  }
}

peer_book::entry* known_by_key(session_state& st, peer_key key) {
  auto peer = st.peers.find(key);
  if (peer == st.peers.end()) return nullptr;
  auto addr = st.peer_of.find(peer->second.address());
  return addr == st.peer_of.end() ? nullptr : st.known.find(addr->second);
}

// A peer finished its handshake: if we already talk to that peer id over
// another connection, one of the two goes (the same one at both ends).
void on_hello(self_ptr self, peer_key key, const std::string& id_bytes) {
  auto& st = self->state;
  peer_book::entry* newcomer = known_by_key(st, key);
  if (!newcomer || id_bytes.size() != peer_id{}.size()) return;
  auto [it, inserted] = st.key_of_id.emplace(id_bytes, key);
  st.id_of_key[key] = id_bytes;
  if (inserted || it->second == key) return;
  peer_book::entry* existing = known_by_key(st, it->second);
  if (!existing) {
    it->second = key;
    return;
  }
  peer_id theirs{};
  std::copy(id_bytes.begin(), id_bytes.end(), theirs.begin());
  const auto keep = resolve_duplicate(!existing->incoming, !newcomer->incoming, st.ctx->self_id, theirs);
  const peer_key loser = keep == keep_connection::existing ? key : it->second;
  spdlog::debug("peer {} is already connected as {}: dropping one connection", newcomer->address.to_string(),
                existing->address.to_string());
  it->second = loser == key ? it->second : key;
  st.id_of_key.erase(loser);
  ++st.duplicates;
  self->send_exit(st.peers[loser], make_peer_error(peer_exit::duplicate, "a second connection to the same peer"));
}

// --- peer exchange (BEP 11) ---------------------------------------------------

void send_pex(self_ptr self, const caf::actor& peer) {
  if (self->state.ctx->torrent.is_private) return;
  self->send(peer, msg::pex_atom::value, self->state.known.dialable_connected());
}

void on_pex(self_ptr self, const std::vector<peer_address>& found) {
  auto& st = self->state;
  if (st.ctx->torrent.is_private) return;
  // PEX may not grow the list past its own limit: any peer can send PEX.
  if (const auto added = st.known.add(found, clock::now(), max_known_from_pex)) {
    spdlog::debug("peer exchange: {} new peers", added);
    connect_more(self);
  }
}

void check_seeding_goals(self_ptr self) {
  auto& st = self->state;
  const auto& o = st.ctx->options;
  if (!st.completed || !o.seed_after_download || st.stopping) return;
  const double uploaded = static_cast<double>(st.resume.uploaded + st.uploaded_now);
  if (o.seed_ratio > 0 && uploaded >= o.seed_ratio * static_cast<double>(st.ctx->torrent.total_size))
    return stop(self, 0, "seed ratio reached");
  if (o.seed_time.count() > 0 && clock::now() - st.completed_at >= o.seed_time)
    return stop(self, 0, "seeding time reached");
}

// --- pieces -----------------------------------------------------------------

// A batch of pieces the disk writer verified: one 'have' message per peer
// for the batch, not per piece (each wakes the I/O thread).
void on_verified(self_ptr self, const std::vector<std::uint32_t>& pieces) {
  auto& st = self->state;
  std::vector<std::uint32_t> fresh;
  for (auto piece : pieces) {
    if (piece >= st.have.size() || !st.have.set(piece)) continue;
    const auto size = st.geometry.piece_size(piece);
    st.bytes_have += size;
    st.downloaded_now += size;
    fresh.push_back(piece);
  }
  if (fresh.empty()) return;
  for (auto& [key, peer] : st.peers) self->send(peer, msg::have_atom::value, fresh);
  if (st.listener) self->send(st.listener, msg::have_atom::value, info_hash_key(st), fresh);
  if (st.ctx->pieces.done(st.have) && !st.completed) {
    st.completed = true;
    st.completed_at = clock::now();
    self->send(st.tracker, msg::complete_atom::value);
    if (!st.ctx->options.seed_after_download) {
      // The tracker handles its mail in order: 'completed' goes out before 'stopped'.
      self->send(self, msg::complete_atom::value);
    } else {
      spdlog::info("download complete; staying in the swarm (Ctrl-C to quit)");
    }
  }
}

// Peers from the DHT, and our announce there (repeated every 15 minutes).
void ask_dht(self_ptr self) {
  auto& st = self->state;
  if (!st.dht) return;
  const auto& hash = st.ctx->torrent.info_hash;
  self->send(st.dht, msg::peers_atom::value, std::string(as_bytes(hash)), st.ctx->options.listen_port,
             caf::actor_cast<caf::actor>(self));
}

void start_download(self_ptr self) {
  auto& st = self->state;
  // Pieces trusted from the resume file count too: the tracker's 'left'
  // (a resumed seeder must announce itself complete) and the status line.
  st.bytes_have = 0;
  for (std::uint32_t p = 0; p < st.have.size(); ++p)
    if (st.have.test(p)) st.bytes_have += st.geometry.piece_size(p);
  auto me = caf::actor_cast<caf::actor>(self);
  auto& sys = self->home_system();
  st.resume.have = st.have;
  st.resume_keeper = spawn_resume_keeper(sys, st.ctx, st.resume);
  st.scheduler = spawn_scheduler(sys, st.ctx, st.have, me);
  st.disk = spawn_disk_writer(sys, st.ctx, st.have, st.scheduler, me, st.resume_keeper);
  st.upload_gate = spawn_upload_gate(sys, st.ctx->upload_rate); // idle while the upload is unlimited
  // Incoming connections for this torrent are routed to us from now on.
  if (st.listener)
    self->send(st.listener, msg::join_atom::value, info_hash_key(st),
               listener_registration{st.ctx, st.scheduler, st.disk, me, st.have, st.upload_gate});
  st.tracker = spawn_tracker(sys, st.ctx, me);
  self->send(st.progress, msg::join_atom::value, st.scheduler);
  for (caf::actor a : {caf::actor_cast<caf::actor>(st.scheduler), caf::actor_cast<caf::actor>(st.disk),
                       caf::actor_cast<caf::actor>(st.resume_keeper), caf::actor_cast<caf::actor>(st.tracker)})
    self->monitor(a);
  st.started = true;
  const auto& m = st.ctx->torrent;
  spdlog::info("{}: {} pieces, {} of them already here", m.name, m.piece_count(), st.have.count());
  if (st.ctx->pieces.done(st.have)) {
    st.completed = true;
    st.completed_at = clock::now();
    if (!st.ctx->options.seed_after_download) return stop(self, 0, "already complete: nothing to download");
    spdlog::info("complete: seeding (Ctrl-C to quit)");
  }
  std::vector<peer_address> initial;
  for (const auto& p : st.ctx->options.initial_peers) initial.push_back({p.ip, p.port});
  if (m.trackers().empty() && initial.empty() && !st.dht)
    spdlog::warn("the torrent lists no tracker and the DHT is off: no peers can be found yet");
  self->send(st.tracker, msg::announce_atom::value);
  add_peers(self, initial);
  ask_dht(self);
  self->delayed_send(self, 1s, msg::tick_atom::value);
}

void load_state_and_check(self_ptr self) {
  auto& st = self->state;
  check_callbacks cb;
  cb.progress = [=](std::uint32_t done, std::uint32_t total) { self->send(self->state.progress, msg::check_atom::value, done, total); };
  cb.done = [=](std::shared_ptr<check_outcome> o) {
    auto& s = self->state;
    if (s.stopping) return;
    s.resume = std::move(o->resume);
    s.have = std::move(o->have);
    s.downloaded_before = s.resume.downloaded;
    start_download(self);
  };
  cb.failed = [=](const std::string& error) { stop(self, 1, error); };
  st.check = start_check(self, st.ctx, std::move(cb));
}

// The one-shot CLI's RPC (--rpc-bind): the session answers for its one
// torrent what needs no engine: session-get, session-stats and our figures.
caf::typed_response_promise<std::string> answer_rpc(self_ptr self, const std::string& method, const std::string& arguments) {
  auto rp = self->make_response_promise<std::string>();
  auto args = nlohmann::json::parse(arguments, nullptr, false);
  rpc::call c{method, args.is_object() ? args : nlohmann::json::object(), nullptr};
  const auto& o = self->state.ctx->options;
  if (method == "session-get") {
    rpc::session_facts facts;
    facts.version = std::string("actorrent ") + ACTORRENT_VERSION;
    facts.session_id = "-"; // the server puts its own
    std::error_code ec;
    facts.download_dir = std::filesystem::absolute(o.download_dir, ec).lexically_normal().string();
    facts.peer_port = o.listen_port;
    facts.dht_enabled = o.dht_port != 0;
    facts.pex_enabled = !self->state.ctx->torrent.is_private;
    const auto& ctx = *self->state.ctx;
    facts.download_limit = ctx.download_rate->own().rate();
    facts.upload_limit = ctx.upload_rate->own().rate();
    facts.peer_limit = ctx.slots->own().limit();
    facts.seed_ratio = o.seed_ratio;
    rp.deliver(rpc::reply(c, "success", rpc::session_get(facts, c.arguments)).dump());
  } else if (method == "session-stats" || method == "actorrent-engine-stats") {
    self->request(self->state.progress, 5s, msg::stats_atom::value)
        .then(
            [=](const std::string& status) mutable {
              auto j = nlohmann::json::parse(status, nullptr, false);
              if (j.is_discarded()) j = nlohmann::json::object();
              rp.deliver(rpc::reply(c, "success", method == "session-stats" ? rpc::session_stats(j) : j).dump());
            },
            [=](caf::error&) mutable { rp.deliver(rpc::reply(c, "the engine did not answer").dump()); });
  } else {
    rp.deliver(rpc::reply(c, "method name not recognized").dump());
  }
  return rp;
}

caf::behavior session_behavior(self_ptr self, context_ptr ctx, caf::actor dht, caf::actor listener) {
  auto& st = self->state;
  st.ctx = ctx;
  st.listener = std::move(listener);
  if (!ctx->torrent.is_private) st.dht = std::move(dht); // BEP 27: private torrents only use their trackers
  st.geometry = ctx->torrent.make_file_map().geometry();
  choker_options co;
  co.upload_slots = ctx->options.upload_slots;
  st.choke_policy = choker(co);
  self->set_down_handler([=](caf::down_msg& dm) {
    auto& s = self->state;
    if (s.peer_of.count(dm.source)) return forget_peer(self, dm.source, dm.reason);
    if (s.stopping) return;
    // Any other child: the download cannot go on without it.
    const char* who = dm.source == s.scheduler.address()       ? "scheduler"
                      : dm.source == s.disk.address()          ? "disk writer"
                      : dm.source == s.resume_keeper.address() ? "resume keeper"
                      : dm.source == s.tracker.address()       ? "tracker"
                      : dm.source == s.progress.address()      ? "progress reporter"
                                                               : nullptr;
    // Design choice: the download stops cleanly with its state saved (what is
    // verified and flushed is kept), rather than rebuilding that actor's state;
    // running the same command again resumes.
    if (who != nullptr)
      stop(self, 1, std::string("the ") + who + " failed (" + describe(dm.reason) + "): state saved, run again to resume");
  });
  st.progress = spawn_progress_reporter(self->home_system(), ctx, caf::actor_cast<caf::actor>(self));
  self->monitor(st.progress);
  if (ctx->options.rpc) {
    rpc_endpoint where{ctx->options.rpc_host, ctx->options.rpc_port, ctx->options.rpc_username, ctx->options.rpc_password};
    std::string error;
    st.rpc = spawn_rpc_server(self->home_system(), where, caf::actor_cast<caf::actor>(self), error);
    if (!st.rpc) {
      stop(self, 1, error);
      return {[](msg::tick_atom) {}};
    }
    spdlog::info("Transmission RPC on http://{}:{}/transmission/rpc", where.host.find(':') != std::string::npos ? "[" + where.host + "]" : where.host,
                 where.port);
  }
  load_state_and_check(self);
  return {
      [=](msg::tracker_atom, const tracker_news& news) {
        self->state.load.on_message(self);
        auto& s = self->state;
        if (news.url != "DHT" && (s.announced.size() < 1000 || s.announced.count(news.url)))
          s.announced[news.url] = {std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count(),
                                   news.peers.size(), news.failure};
        if (!news.failure.empty()) {
          const std::string problem = news.url + ": " + news.failure;
          if (problem != s.last_tracker_problem) spdlog::warn("tracker {}", problem);
          s.last_tracker_problem = problem;
          return;
        }
        if (news.url == "DHT") {
          spdlog::debug("DHT: {} peers", news.peers.size());
          return add_peers(self, news.peers);
        }
        s.last_tracker_problem.clear();
        if (!news.warning.empty()) spdlog::warn("tracker {} warns: {}", news.url, news.warning);
        s.seeders = news.seeders;
        s.leechers = news.leechers;
        spdlog::debug("tracker {}: {} peers", news.url, news.peers.size());
        add_peers(self, news.peers);
        if (s.known.size() == 0 && !s.completed && !s.said_no_peers) {
          spdlog::info("the tracker knows no peers for this torrent yet; waiting for its next reply");
          s.said_no_peers = true;
        }
      },
      [=](msg::announce_atom) {
        self->state.load.on_message(self);
        auto& s = self->state;
        return transfer_totals{s.resume.uploaded + s.uploaded_now, s.downloaded_before + s.downloaded_now,
                               s.ctx->torrent.total_size - s.bytes_have};
      },
      [=](msg::join_atom, peer_key key, caf::actor peer, const peer_address& from) {
        self->state.load.on_message(self);
        accept_incoming(self, key, std::move(peer), from);
      },
      [=](msg::hello_atom, peer_key key, const std::string& id) { self->state.load.on_message(self); on_hello(self, key, id); },
      [=](msg::port_atom, const std::string& ip, std::uint16_t port) { // a peer's DHT node (BEP 5 PORT)
        self->state.load.on_message(self);
        if (self->state.dht) self->send(self->state.dht, msg::port_atom::value, ip, port);
      },
      [=](msg::listen_atom, peer_key key, std::uint16_t port) { // its extension handshake came
        self->state.load.on_message(self);
        auto& s = self->state;
        if (peer_book::entry* kp = known_by_key(s, key); kp != nullptr && port != 0) kp->listen_port = port;
        if (auto it = s.peers.find(key); it != s.peers.end()) send_pex(self, it->second);
      },
      [=](msg::pex_atom, peer_key, const std::vector<peer_address>& found) {
        self->state.load.on_message(self);
        on_pex(self, found);
      },
      [=](msg::load_atom, const actor_load& l) {
        self->state.load.on_message(self);
        self->state.loads[l.name] = l;
      },
      [=](msg::connect_atom) { // a restart delay is over
        self->state.load.on_message(self);
        connect_more(self);
      },
      [=](msg::fault_atom, std::uint8_t kind) {
        self->state.load.on_message(self);
        if (kind < fault_kind_count) ++self->state.faults_injected[kind];
      },
      [=](msg::rate_atom, const peer_rates& r) {
        self->state.load.on_message(self);
        auto& s = self->state;
        s.uploaded_now += r.uploaded;
        s.requests_refused += r.refused;
        if (peer_book::entry* kp = known_by_key(s, r.key)) kp->delivered += r.downloaded;
        if (r.interested || r.we_want)
          if (auto u = s.useful_at.find(r.key); u != s.useful_at.end()) u->second = clock::now();
        auto& last = s.rates[r.key];
        const bool newly_interested = r.interested && !last.interested;
        last = r;
        // A newcomer that wants data need not wait 10 s if a slot is free.
        if (newly_interested && s.unchoked.size() < 5) run_choker(self);
      },
      [=](msg::stats_atom) {
        self->state.load.on_message(self);
        auto& s = self->state;
        swarm_stats out;
        out.peers_connected = static_cast<std::uint32_t>(s.peers.size());
        out.peers_known = static_cast<std::uint32_t>(s.known.size());
        out.peers_banned = s.banned;
        out.peer_restarts = s.restarts;
        out.seeders = s.seeders;
        out.leechers = s.leechers;
        out.bytes_uploaded = s.resume.uploaded + s.uploaded_now;
        out.bytes_uploaded_now = s.uploaded_now;
        for (const auto& [key, r] : s.rates) out.up_rate += r.to_peer;
        if (s.ctx->torrent.total_size > 0)
          out.ratio = static_cast<double>(out.bytes_uploaded) / static_cast<double>(s.ctx->torrent.total_size);
        for (const auto& h : slot_holders(s))
          out.peers_idle += clock::now() - h.useful_at >= turnover_options{}.grace;
        for (const auto& [key, r] : s.rates) {
          out.peers_sending += r.from_peer > 0;
          out.peers_getting += r.to_peer > 0;
        }
        out.requests_refused = s.requests_refused;
        out.duplicate_connections = s.duplicates;
        out.faults_injected = s.faults_injected;
        if (s.dht) {
          out.dht_nodes = s.dht_now.nodes;
          out.dht_lookups = s.dht_now.lookups;
          out.dht_announces = s.dht_now.announces;
        }
        out.actors.push_back(s.load.report("session"));
        for (const auto& [name, l] : s.loads) out.actors.push_back(l);
        actor_load peers = s.departed_peers;
        for (const auto& [key, r] : s.rates) {
          peers.messages += r.messages;
          peers.mailbox_high_water = std::max(peers.mailbox_high_water, r.mailbox_high_water);
        }
        out.actors.push_back(peers);
        return out;
      },
      [=](msg::verified_atom, const std::vector<std::uint32_t>& pieces) {
        self->state.load.on_message(self);
        on_verified(self, pieces);
      },
      [=](msg::failed_atom, std::uint32_t piece) { self->state.load.on_message(self); spdlog::debug("piece {} failed its hash check", piece); },
      [=](msg::ban_atom, peer_key key) {
        self->state.load.on_message(self);
        auto& s = self->state;
        auto it = s.peers.find(key);
        if (it == s.peers.end()) return;
        if (peer_book::entry* kp = known_by_key(s, key)) {
          spdlog::info("peer {} banned: it sent corrupt data", kp->address.to_string());
          s.known.ban(kp->address, 1h, clock::now());
          ++s.banned;
        }
        // An error exit, not kill: the peer actor runs its cleanup (sockets,
        // handles), and its down message is not taken for a crash.
        self->send_exit(it->second, make_peer_error(peer_exit::banned, "banned: it sent corrupt data"));
      },
      [=](msg::fatal_atom, const std::string& what) { self->state.load.on_message(self); stop(self, 1, what); },
      [=](msg::complete_atom) { self->state.load.on_message(self); stop(self, 0, "download complete"); },
      [=](msg::rpc_atom, const std::string& method, const std::string& arguments) { return answer_rpc(self, method, arguments); },
      [=](msg::trackers_atom, const std::vector<std::vector<std::string>>& tiers) {
        if (self->state.tracker) self->send(self->state.tracker, msg::trackers_atom::value, tiers);
      },
      [=](msg::reannounce_atom) {
        if (self->state.tracker) self->send(self->state.tracker, msg::reannounce_atom::value);
        ask_dht(self);
      },
      [=](msg::stop_atom) { stop(self, 0, ""); }, // the engine's stop: state saved, no fuss
      // The engine lets it rest: stopped the same way, but its trackers are not
      // told (the engine's rest announcer goes on announcing it).
      [=](msg::rest_atom) {
        self->state.keep_announced = true;
        stop(self, 0, "");
      },
      // For the engine: the latest figures (a JSON object) and the verified pieces (wire bytes).
      [=](msg::status_atom) {
        auto rp = self->make_response_promise<std::string, std::string>();
        self->request(self->state.progress, 2s, msg::stats_atom::value)
            .then([=](const std::string& j) mutable {
                    auto figures = nlohmann::json::parse(j, nullptr, false);
                    if (figures.is_object() && !self->state.announced.empty()) {
                      auto& out = figures["trackers"] = nlohmann::json::object();
                      for (const auto& [url, a] : self->state.announced)
                        out[url] = {{"at", a.at}, {"peers", a.peers}, {"failure", a.failure}};
                    }
                    rp.deliver(figures.is_object() ? figures.dump() : j, std::string(self->state.have.wire_bytes()));
                  },
                  [=](caf::error&) mutable { rp.deliver(std::string("{}"), std::string(self->state.have.wire_bytes())); });
        return rp;
      },
      [=](msg::interrupt_atom, int signal_number) {
        self->state.load.on_message(self);
        stop(self, 128 + signal_number, "interrupted: saving state");
      },
      [=](msg::tick_atom) {
        self->state.load.on_message(self);
        auto& s = self->state;
        // A seed with no peer does its rounds every 5 s (nothing it does can
        // change faster); `ticks` still counts seconds for the periodic work.
        const std::uint64_t step = s.completed && s.peers.empty() ? idle_tick_seconds : 1;
        const std::uint64_t before = s.ticks;
        s.ticks += step;
        const auto every = [&](std::uint64_t n) { return before / n != s.ticks / n; };
        if (every(10)) run_choker(self);
        if (every(pex_every_ticks))
          for (const auto& [key, peer] : s.peers) send_pex(self, peer);
        if (s.dht) {
          if (every(dht_every_ticks)) ask_dht(self);
          self->request(s.dht, 1s, msg::stats_atom::value)
              .then([=](const dht_stats& d) { self->state.dht_now = d; }, [](caf::error&) {});
        }
        check_seeding_goals(self);
        drop_idle_peers(self);
        connect_more(self);
        update_listener(self);
        self->delayed_send(self, std::chrono::seconds(step), msg::tick_atom::value);
      },
  };
}

} // namespace

caf::actor spawn_session(caf::actor_system& sys, context_ptr ctx, caf::actor dht, caf::actor listener) {
  return sys.spawn(session_behavior, std::move(ctx), std::move(dht), std::move(listener));
}

} // namespace actorrent
