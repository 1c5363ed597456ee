#include "actors/metadata_fetcher.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "actors/worker_pool.hpp"
#include "actors/metadata_peer.hpp"
#include "actors/peer.hpp"
#include "actors/session.hpp"
#include "actors/tracker.hpp"
#include "messages/atoms.hpp"
#include "protocol/bytes.hpp"
#include "protocol/swarm/peer_book.hpp"
#include "protocol/wire/ut_metadata.hpp"

namespace actorrent {

namespace {

using clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr std::size_t max_connections = 30;
constexpr std::size_t requests_per_peer = 2;
constexpr auto request_timeout = 15s;
constexpr auto connect_timeout = 10s;
constexpr std::size_t max_known = 1000;
constexpr auto ban_time = 1h; // for the rest of the fetch, in practice

struct fetcher_state {
  magnet_link magnet;
  peer_id self_id{};
  engine_options options;
  caf::actor reply_to;
  caf::actor dht;
  std::shared_ptr<const worker_pools> pools;
  tracker_actor tracker;
  peer_book known{peer_book_options{max_known}};      // by "host:port"
  std::unordered_map<peer_key, caf::actor> peers;
  std::unordered_map<caf::actor_addr, std::pair<peer_key, std::string>> who; // actor -> key, address
  std::unordered_map<peer_key, std::int64_t> size_of; // what each peer says the metadata's size is
  std::map<std::uint32_t, std::pair<peer_key, clock::time_point>> requested;
  std::map<std::uint32_t, peer_key> contributed;      // who sent each piece of this attempt
  std::unordered_map<peer_key, std::size_t> rejects;
  std::optional<ut_metadata::assembler> assembler;
  peer_key next_key = 1;
  clock::time_point started = clock::now();
  std::uint64_t ticks = 0;
  bool done = false;
  static inline const char* name = "metadata-fetcher";
};

using self_ptr = caf::stateful_actor<fetcher_state>*;

std::size_t outstanding_of(const fetcher_state& st, peer_key key) {
  std::size_t n = 0;
  for (const auto& [piece, r] : st.requested) n += r.first == key;
  return n;
}

// Asks every peer that agrees on the size for pieces nobody is fetching.
void request_more(self_ptr self) {
  auto& st = self->state;
  if (!st.assembler || st.done) return;
  for (const auto& [key, size] : st.size_of) {
    if (size != st.assembler->size()) continue;
    while (outstanding_of(st, key) < requests_per_peer) {
      const auto piece = st.assembler->next_to_request();
      if (!piece) return;
      st.requested[*piece] = {key, clock::now()};
      self->send(st.peers.at(key), msg::want_atom::value, *piece);
    }
  }
}

// Starts an attempt for the size most peers report (a lone liar cannot steer it).
void choose_size(self_ptr self) {
  auto& st = self->state;
  if (st.assembler || st.size_of.empty()) return;
  std::map<std::int64_t, std::size_t> votes;
  for (const auto& [key, size] : st.size_of) ++votes[size];
  const auto best = std::max_element(votes.begin(), votes.end(),
                                     [](const auto& a, const auto& b) { return a.second < b.second; });
  st.assembler.emplace(st.magnet.info_hash, best->first);
  spdlog::info("metadata: {} bytes in {} pieces", best->first, ut_metadata::piece_count(best->first));
}

void drop_peer(self_ptr self, peer_key key, bool ban, const std::string& why) {
  auto& st = self->state;
  auto it = st.peers.find(key);
  if (it == st.peers.end()) return;
  if (ban) {
    auto w = st.who.find(it->second.address());
    if (w != st.who.end()) {
      spdlog::warn("peer {} banned: {}", w->second.second, why);
      if (auto* p = st.known.find(w->second.second)) st.known.ban(p->address, ban_time, clock::now());
    }
  }
  self->send_exit(it->second, make_peer_error(peer_exit::protocol_error, why));
}

void connect_more(self_ptr self) {
  auto& st = self->state;
  if (st.done) return;
  for (const peer_address& address : st.known.to_dial(max_connections, clock::now())) {
    const std::string id = address.to_string();
    self->request(st.pools->dialer, connect_timeout + 5s, msg::connect_atom::value, address,
                  static_cast<std::int32_t>(std::chrono::duration_cast<std::chrono::milliseconds>(connect_timeout).count()))
        .then(
            [=](int fd) {
              auto& s = self->state;
              const peer_key key = s.next_key++;
              if (s.done || !s.known.dial_succeeded(id, key)) {
                ::close(fd);
                return;
              }
              metadata_peer_setup setup{s.magnet.info_hash, s.self_id, key, address, s.options.listen_port,
                                        self->address()};
              auto peer = spawn_metadata_peer(self->home_system(), std::move(setup), fd);
              self->monitor(peer);
              s.peers[key] = peer;
              s.who[peer.address()] = {key, id};
              spdlog::debug("metadata: connected to {}", id);
            },
            [=](caf::error& e) {
              self->state.known.dial_failed(id, clock::now());
              spdlog::debug("metadata: cannot connect to {}: {}", id, caf::to_string(e));
            });
  }
}

void add_peers(self_ptr self, const std::vector<peer_address>& found) {
  auto& st = self->state;
  st.known.set_own_port(st.options.listen_port);
  st.known.add(found, clock::now());
  connect_more(self);
}

void finish(self_ptr self) {
  auto& st = self->state;
  st.done = true;
  const double secs = std::chrono::duration<double>(clock::now() - st.started).count();
  spdlog::info("metadata received and verified in {:.3f} s ({} bytes)", secs, st.assembler->size());
  self->send(st.reply_to, msg::complete_atom::value, st.assembler->bytes());
  for (auto& [key, peer] : st.peers) self->send_exit(peer, caf::exit_reason::user_shutdown);
  self->send_exit(st.tracker, caf::exit_reason::user_shutdown);
  self->quit();
}

void on_piece(self_ptr self, peer_key key, std::uint32_t piece, std::int64_t total, const std::string& data) {
  auto& st = self->state;
  if (!st.assembler || st.done) return;
  auto req = st.requested.find(piece);
  if (req == st.requested.end() || req->second.first != key) return; // not asked of it: ignored
  st.requested.erase(req);
  switch (st.assembler->add(piece, total, data)) {
    case ut_metadata::assembler::result::wrong_size:
      st.assembler->release(piece);
      drop_peer(self, key, true, "metadata piece of the wrong size");
      break;
    case ut_metadata::assembler::result::duplicate:
      break;
    case ut_metadata::assembler::result::accepted:
      st.contributed[piece] = key;
      break;
    case ut_metadata::assembler::result::complete:
      return finish(self);
    case ut_metadata::assembler::result::hash_mismatch: {
      st.contributed[piece] = key;
      // Whoever sent a piece of a forgery may be the forger: all are dropped.
      std::set<peer_key> suspects;
      for (const auto& [p, k] : st.contributed) suspects.insert(k);
      for (peer_key k : suspects) drop_peer(self, k, true, "its metadata does not match the info-hash");
      for (peer_key k : suspects) st.size_of.erase(k);
      st.contributed.clear();
      st.requested.clear();
      st.assembler.reset();
      choose_size(self);
      break;
    }
  }
  request_more(self);
}

void on_peer_down(self_ptr self, const caf::down_msg& dm) {
  auto& st = self->state;
  auto w = st.who.find(dm.source);
  if (w == st.who.end()) return;
  const auto [key, id] = w->second;
  st.who.erase(w);
  st.peers.erase(key);
  st.size_of.erase(key);
  for (auto it = st.requested.begin(); it != st.requested.end();) {
    if (it->second.first != key) {
      ++it;
      continue;
    }
    if (st.assembler) st.assembler->release(it->first);
    it = st.requested.erase(it);
  }
  st.known.ended(id, peer_ending::closed, clock::now());
  // Its size may have been the one being fetched: with nobody left who agrees, choose again.
  if (st.assembler) {
    bool anyone = false;
    for (const auto& [k, size] : st.size_of) anyone = anyone || size == st.assembler->size();
    if (!anyone && !st.size_of.empty()) {
      st.assembler.reset();
      st.contributed.clear();
      st.requested.clear();
      choose_size(self);
    }
  }
  request_more(self);
  connect_more(self);
}

void ask_dht(self_ptr self) {
  auto& st = self->state;
  // No announce yet: we do not listen for peers before the metadata is here.
  self->send(st.dht, msg::peers_atom::value, std::string(as_bytes(st.magnet.info_hash)), std::uint16_t{0},
             caf::actor_cast<caf::actor>(self));
}

void on_tick(self_ptr self) {
  auto& st = self->state;
  const auto now = clock::now();
  // A request unanswered for 15 s goes to someone else; the slow peer goes.
  std::vector<peer_key> slow;
  for (auto it = st.requested.begin(); it != st.requested.end();) {
    if (now - it->second.second < request_timeout) {
      ++it;
      continue;
    }
    slow.push_back(it->second.first);
    if (st.assembler) st.assembler->release(it->first);
    it = st.requested.erase(it);
  }
  for (peer_key k : slow) drop_peer(self, k, false, "no metadata piece within 15 s");
  request_more(self);
  connect_more(self);
  const std::uint32_t total = st.assembler ? ut_metadata::piece_count(st.assembler->size()) : 0;
  const auto have = static_cast<std::uint32_t>(st.contributed.size());
  const double elapsed = std::chrono::duration<double>(now - st.started).count();
  if (st.options.json) {
    const nlohmann::json j = {{"phase", "metadata"},
                              {"elapsed_s", elapsed},
                              {"peers_connected", st.peers.size()},
                              {"peers_known", st.known.size()},
                              {"metadata_pieces_have", have},
                              {"metadata_pieces_total", total}};
    std::fputs((j.dump() + "\n").c_str(), stdout);
    std::fflush(stdout);
  } else if (st.ticks % 5 == 4) {
    spdlog::info("fetching metadata: {} peers connected, {} known, {}/{} pieces", st.peers.size(), st.known.size(), have,
                 total);
  }
  if (++st.ticks % 30 == 0 && st.dht) ask_dht(self);
  self->delayed_send(self, 1s, msg::tick_atom::value);
}

caf::behavior fetcher_behavior(self_ptr self, magnet_link magnet, peer_id self_id, engine_options options,
                               caf::actor reply_to, caf::actor dht, std::shared_ptr<const worker_pools> pools) {
  auto& st = self->state;
  st.dht = std::move(dht);
  st.pools = std::move(pools);
  st.magnet = std::move(magnet);
  st.self_id = self_id;
  st.options = std::move(options);
  st.reply_to = std::move(reply_to);
  self->set_down_handler([=](caf::down_msg& dm) { on_peer_down(self, dm); });
  // The tracker actor needs a torrent: the info-hash and the magnet's trackers, one tier each.
  auto ctx = std::make_shared<torrent_context>();
  ctx->torrent.info_hash = st.magnet.info_hash;
  ctx->torrent.name = st.magnet.display_name.empty() ? to_hex(st.magnet.info_hash) : st.magnet.display_name;
  for (const auto& url : st.magnet.trackers) ctx->torrent.tracker_tiers.push_back({url});
  ctx->self_id = st.self_id;
  ctx->options = st.options;
  ctx->pools = st.pools;
  if (!st.magnet.trackers.empty()) {
    st.tracker = spawn_tracker(self->home_system(), ctx, caf::actor_cast<caf::actor>(self));
    self->send(st.tracker, msg::announce_atom::value);
  }
  std::vector<peer_address> direct;
  for (const auto& p : st.magnet.peers) direct.push_back({p.ip, p.port});
  if (direct.empty() && st.magnet.trackers.empty() && !st.dht)
    spdlog::warn("the magnet link names no tracker and no peer (x.pe), and the DHT is off: nobody to ask for the metadata");
  add_peers(self, direct);
  if (st.dht) ask_dht(self);
  self->delayed_send(self, 1s, msg::tick_atom::value);
  return {
      [=](msg::tracker_atom, const tracker_news& news) {
        if (!news.failure.empty()) return spdlog::warn("tracker {}: {}", news.url, news.failure);
        if (news.url == "DHT") spdlog::debug("metadata: {} peers from the DHT", news.peers.size());
        add_peers(self, news.peers);
      },
      // The tracker's question before each announce: we have nothing, and do not know the size yet.
      [=](msg::announce_atom) { return transfer_totals{0, 0, 1}; },
      [=](msg::join_atom, peer_key key, std::int64_t size) {
        auto& s = self->state;
        if (!s.peers.count(key)) return;
        s.size_of[key] = size;
        choose_size(self);
        request_more(self);
      },
      [=](msg::block_atom, peer_key key, std::uint32_t piece, std::int64_t total, const std::string& data) {
        on_piece(self, key, piece, total, data);
      },
      [=](msg::release_atom, peer_key key, std::uint32_t piece) {
        auto& s = self->state;
        auto req = s.requested.find(piece);
        if (req == s.requested.end() || req->second.first != key) return;
        s.requested.erase(req);
        if (s.assembler) s.assembler->release(piece);
        // A peer that rejects everything (it may not have it all yet) makes room for others.
        if (++s.rejects[key] > 8) drop_peer(self, key, false, "it rejects our metadata requests");
        request_more(self);
      },
      [=](msg::pex_atom, peer_key, const std::vector<peer_address>& found) { add_peers(self, found); },
      [=](msg::tick_atom) { on_tick(self); },
      [=](msg::interrupt_atom, int signal_number) {
        auto& s = self->state;
        for (auto& [key, peer] : s.peers) self->send_exit(peer, caf::exit_reason::user_shutdown);
        if (s.tracker) self->send_exit(s.tracker, caf::exit_reason::user_shutdown);
        self->quit(caf::error(static_cast<std::uint8_t>(128 + signal_number), session_exit_category()));
      },
  };
}

} // namespace

caf::actor spawn_metadata_fetcher(caf::actor_system& sys, magnet_link magnet, peer_id self_id, engine_options options,
                                  caf::actor reply_to, caf::actor dht, std::shared_ptr<const worker_pools> pools) {
  return sys.spawn(fetcher_behavior, std::move(magnet), self_id, std::move(options), std::move(reply_to),
                   std::move(dht), std::move(pools));
}

} // namespace actorrent
