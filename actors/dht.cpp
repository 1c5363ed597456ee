#include "actors/dht.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>

#include <chrono>
#include <fstream>
#include <filesystem>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <sstream>

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/udp_socket.hpp"
#include "messages/atoms.hpp"
#include "protocol/bytes.hpp"
#include "protocol/dht/dht_lookup.hpp"
#include "protocol/dht/dht_peer_store.hpp"
#include "protocol/storage/atomic_file.hpp"
#include "protocol/dht/dht_saved_table.hpp"
#include "protocol/dht/dht_tokens.hpp"
#include "protocol/dht/routing_table.hpp"

namespace actorrent {

namespace {

using clock = std::chrono::steady_clock;
using namespace std::chrono_literals;
namespace d = dht;

constexpr auto query_timeout = 4s;
constexpr auto token_rotation = 5min;
constexpr std::size_t max_pending = 2000;     // queries in flight, all lookups together
constexpr std::size_t max_lookups = 64;
constexpr std::size_t max_values_per_reply = 50;

struct pending_query {
  d::node_info to;          // id is zero for a bootstrap router we have not heard from
  d::method kind = d::method::ping;
  std::uint64_t lookup = 0; // 0: none
  clock::time_point sent;
};

struct running_lookup {
  std::optional<d::lookup> walk;
  d::method kind = d::method::find_node; // find_node or get_peers
  std::uint16_t announce_port = 0;
  caf::actor reply_to;
  std::set<std::string> peers_told;
  clock::time_point started;
  std::size_t routers_pending = 0; // bootstrap routers asked, not yet answered (not in the walk)
};

struct ip_budget {
  clock::time_point window{};
  std::uint32_t used = 0;
};

struct dht_state {
  dht_config config;
  int fd = -1;
  d::node_id id{};
  std::optional<d::routing_table> table;
  std::optional<d::token_keeper> tokens;
  d::peer_store store;
  std::map<std::string, pending_query> pending; // by transaction id
  std::uint16_t next_tid = 1;
  std::map<std::uint64_t, running_lookup> lookups;
  std::uint64_t announces = 0; // announce_peer queries sent
  std::uint64_t next_lookup = 1;
  std::map<std::string, ip_budget> budgets;
  std::map<std::string, clock::time_point> checked; // unknown queriers pinged, by "ip:port"
  std::vector<peer_address> routers; // resolved bootstrap addresses
  clock::time_point tokens_rotated = clock::now();
  clock::time_point last_bootstrap{};
  std::uint64_t ticks = 0;
  std::uint64_t dropped = 0;
  std::mt19937_64 rng{std::random_device{}()};
  static inline const char* name = "dht";
};

using self_ptr = caf::stateful_actor<dht_state>*;

std::string hex_short(const d::node_id& id) { return to_hex(id).substr(0, 8); }

// Per-IP limit: at most config.rate_limit packets in any one-second window.
// Budgets age out after their second; a spoofed-source flood that still fills
// the map is refused for new sources, and never wipes the budgets of the
// sources it knows (which would let a flooding IP start over).
bool within_budget(dht_state& st, const std::string& ip) {
  constexpr std::size_t max_budgets = 10000;
  const auto now = clock::now();
  if (st.budgets.size() >= max_budgets && !st.budgets.count(ip)) {
    for (auto it = st.budgets.begin(); it != st.budgets.end();)
      it = now - it->second.window >= 1s ? st.budgets.erase(it) : std::next(it);
    if (st.budgets.size() >= max_budgets) return false;
  }
  auto& b = st.budgets[ip];
  if (now - b.window >= 1s) {
    b.window = now;
    b.used = 0;
  }
  return ++b.used <= st.config.rate_limit;
}

void send_packet(dht_state& st, const std::string& ip, std::uint16_t port, const std::string& bytes) {
  udp_send(st.fd, ip, port, bytes);
}

void send_query(self_ptr self, const d::node_info& to, d::method kind, const d::node_id& target, std::uint64_t lookup,
                std::uint16_t announce_port = 0, const std::string& token = {}) {
  auto& st = self->state;
  if (st.pending.size() >= max_pending) return;
  d::query q;
  std::string tid(2, '\0');
  do {
    tid[0] = static_cast<char>(st.next_tid >> 8);
    tid[1] = static_cast<char>(st.next_tid & 0xff);
    ++st.next_tid;
  } while (st.pending.count(tid) != 0);
  q.tid = tid;
  q.kind = kind;
  q.sender = st.id;
  q.target = target;
  q.port = announce_port;
  q.token = token;
  st.pending[tid] = {to, kind, lookup, clock::now()};
  send_packet(st, to.ip, to.port, d::encode(q));
}

void tell_peers(self_ptr self, running_lookup& l, const std::vector<peer_endpoint>& values) {
  tracker_news news;
  news.url = "DHT";
  for (const auto& v : values) {
    const std::string key = v.ip + ":" + std::to_string(v.port);
    if (l.peers_told.insert(key).second) news.peers.push_back({v.ip, v.port});
  }
  if (!news.peers.empty() && l.reply_to) self->send(l.reply_to, msg::tracker_atom::value, std::move(news));
}

// Sends the lookup's next queries, or finishes it.
void advance(self_ptr self, std::uint64_t id) {
  auto& st = self->state;
  auto it = st.lookups.find(id);
  if (it == st.lookups.end()) return;
  auto& l = it->second;
  for (const auto& n : l.walk->next_queries()) send_query(self, n, l.kind, l.walk->target(), id);
  if (!l.walk->done() || l.routers_pending > 0) return;
  if (l.kind == d::method::get_peers && l.announce_port != 0) {
    // Announce to the closest nodes that answered, each with its own token.
    for (const auto& [node, token] : l.walk->closest_answered())
      if (!token.empty()) {
        send_query(self, node, d::method::announce_peer, l.walk->target(), 0, l.announce_port, token);
        ++st.announces;
      }
  }
  spdlog::debug("DHT: {} lookup for {} done in {:.1f} s, {} peers", d::method_name(l.kind), hex_short(l.walk->target()),
                std::chrono::duration<double>(clock::now() - l.started).count(), l.peers_told.size());
  st.lookups.erase(it);
}

std::uint64_t start_lookup(self_ptr self, d::method kind, const d::node_id& target, std::uint16_t announce_port,
                           caf::actor reply_to) {
  auto& st = self->state;
  if (st.lookups.size() >= max_lookups) return 0;
  const std::uint64_t id = st.next_lookup++;
  running_lookup l;
  l.walk.emplace(target, st.table->closest(target, d::lookup::k));
  l.kind = kind;
  l.announce_port = announce_port;
  l.reply_to = std::move(reply_to);
  l.started = clock::now();
  auto& running = st.lookups.emplace(id, std::move(l)).first->second;
  // Nobody known yet: ask the bootstrap routers (their ids come with their answers).
  if (st.table->size() == 0)
    for (const auto& r : st.routers) {
      send_query(self, d::node_info{d::node_id{}, r.host, r.port}, kind, target, id);
      ++running.routers_pending;
    }
  advance(self, id);
  return id;
}

void bootstrap(self_ptr self) {
  auto& st = self->state;
  st.last_bootstrap = clock::now();
  start_lookup(self, d::method::find_node, st.id, 0, caf::actor{});
}

// --- answering queries ------------------------------------------------------

void answer(self_ptr self, const d::query& q, const std::string& ip, std::uint16_t port, std::size_t query_size) {
  auto& st = self->state;
  d::response r;
  r.tid = q.tid;
  r.sender = st.id;
  const auto now = clock::now();
  switch (q.kind) {
    case d::method::ping:
      break;
    case d::method::find_node:
      r.nodes = st.table->closest(q.target, d::routing_table::k);
      break;
    case d::method::get_peers: {
      r.token = st.tokens->make(ip);
      // No amplification: the answer stays within four times the query's size.
      const std::size_t budget = 4 * query_size + 64;
      auto values = st.store.peers(q.target, max_values_per_reply, now);
      while (!values.empty() && 60 + 8 * values.size() > budget) values.pop_back();
      if (!values.empty()) r.values = std::move(values);
      else r.nodes = st.table->closest(q.target, d::routing_table::k);
      break;
    }
    case d::method::announce_peer:
      if (!st.tokens->valid(q.token, ip)) {
        send_packet(st, ip, port, d::encode(d::error{q.tid, 203, "bad token"}));
        return;
      }
      st.store.announce(q.target, {ip, q.implied_port ? port : q.port, std::nullopt}, now);
      break;
  }
  send_packet(st, ip, port, d::encode(r));
}

// --- answers to our queries -------------------------------------------------

void on_response(self_ptr self, const d::response& r, const std::string& ip, std::uint16_t port) {
  auto& st = self->state;
  auto it = st.pending.find(r.tid);
  // Only the node we asked may answer (another source, or a late answer: dropped).
  if (it == st.pending.end() || it->second.to.ip != ip || it->second.to.port != port) {
    ++st.dropped;
    return;
  }
  const pending_query pq = it->second;
  st.pending.erase(it);
  if (pq.to.id != d::node_id{} && pq.to.id != r.sender) { // it said it was someone else
    st.table->remove(pq.to.id);
    ++st.dropped;
    return;
  }
  const d::node_info responder{r.sender, ip, port};
  st.table->heard_from(responder, clock::now());
  if (pq.lookup == 0) return;
  auto l = st.lookups.find(pq.lookup);
  if (l == st.lookups.end()) return;
  if (pq.to.id == d::node_id{} && l->second.routers_pending > 0) --l->second.routers_pending;
  l->second.walk->answered(r.sender, r.nodes, r.token);
  if (!r.values.empty()) tell_peers(self, l->second, r.values);
  advance(self, pq.lookup);
}

// An unknown node queried us: ping it, once a minute at most per address and
// never with more than half of the query slots, so a flood of queries
// (forged sources included) costs at most one small ping per source.
void check_querier(self_ptr self, const d::node_info& n) {
  auto& st = self->state;
  constexpr std::size_t max_checks = 1000;
  const auto now = clock::now();
  const std::string key = n.ip + ":" + std::to_string(n.port);
  if (auto it = st.checked.find(key); it != st.checked.end() && now - it->second < 60s) return;
  if (st.checked.size() >= max_checks || st.pending.size() >= max_pending / 2) return;
  st.checked[key] = now;
  send_query(self, n, d::method::ping, {}, 0);
}

void on_packet(self_ptr self, const std::string& ip, std::uint16_t port, const std::string& bytes) {
  auto& st = self->state;
  if (!within_budget(st, ip)) {
    ++st.dropped;
    return;
  }
  try {
    const d::message m = d::decode(bytes);
    if (const auto* q = std::get_if<d::query>(&m)) {
      answer(self, *q, ip, port, bytes.size());
      // A query proves nothing (its source may be forged): a node we know is
      // refreshed, an unknown one is pinged and enters the table only by answering.
      if (st.table->contains(q->sender))
        st.table->heard_from({q->sender, ip, port}, clock::now());
      else
        check_querier(self, {q->sender, ip, port});
    } else if (const auto* r = std::get_if<d::response>(&m)) {
      on_response(self, *r, ip, port);
    } else if (const auto* e = std::get_if<d::error>(&m)) {
      auto it = st.pending.find(e->tid);
      if (it != st.pending.end() && it->second.to.ip == ip && it->second.to.port == port) {
        spdlog::debug("DHT: {}:{} answered error {} {}", ip, port, e->code, e->message);
        const auto lookup = it->second.lookup;
        const auto who = it->second.to.id;
        st.pending.erase(it);
        if (auto l = st.lookups.find(lookup); l != st.lookups.end()) {
          if (who == d::node_id{} && l->second.routers_pending > 0) --l->second.routers_pending;
          else l->second.walk->failed(who);
          advance(self, lookup);
        }
      }
    }
  } catch (const d::krpc_error& e) {
    ++st.dropped;
    // Garbage costs a node its place in our table (a query of a method we do
    // not know is not garbage: BEP 44, 51... add methods); a readable query gets an error back.
    if (e.code() != 204)
      for (const auto& n : st.table->all())
        if (n.ip == ip && n.port == port) st.table->remove(n.id);
    if (!e.tid().empty()) send_packet(st, ip, port, d::encode(d::error{e.tid(), e.code(), e.what()}));
  }
}

// --- timers -----------------------------------------------------------------

void on_tick(self_ptr self) {
  auto& st = self->state;
  const auto now = clock::now();
  for (auto it = st.checked.begin(); it != st.checked.end();)
    it = now - it->second >= 60s ? st.checked.erase(it) : std::next(it);
  for (auto it = st.budgets.begin(); it != st.budgets.end();)
    it = now - it->second.window >= 1s ? st.budgets.erase(it) : std::next(it);
  std::set<std::uint64_t> touched;
  for (auto it = st.pending.begin(); it != st.pending.end();) {
    if (now - it->second.sent < query_timeout) {
      ++it;
      continue;
    }
    if (it->second.to.id != d::node_id{}) st.table->failed(it->second.to.id);
    if (auto l = st.lookups.find(it->second.lookup); l != st.lookups.end()) {
      if (it->second.to.id == d::node_id{} && l->second.routers_pending > 0) --l->second.routers_pending;
      else l->second.walk->failed(it->second.to.id);
      touched.insert(it->second.lookup);
    }
    it = st.pending.erase(it);
  }
  for (auto id : touched) advance(self, id);
  if (now - st.tokens_rotated >= token_rotation) {
    st.tokens->rotate(st.rng());
    st.tokens_rotated = now;
  }
  if (++st.ticks % 60 == 0) {
    st.store.expire(now);
    for (const auto& n : st.table->questionable(now)) send_query(self, n, d::method::ping, {}, 0);
    for (const auto& target : st.table->refresh_targets(now, st.rng()))
      start_lookup(self, d::method::find_node, target, 0, caf::actor{});
  }
  // An empty table (nobody answered yet): try the routers again every 30 s.
  if (st.table->size() == 0 && now - st.last_bootstrap > 30s) bootstrap(self);
  self->delayed_send(self, 1s, msg::tick_atom::value);
}

std::vector<peer_address> resolve(const std::vector<peer_address>& hosts) {
  std::vector<peer_address> out;
  for (const auto& h : hosts) {
    addrinfo hints{};
    hints.ai_family = AF_INET; // BEP 5's compact node info is IPv4
    hints.ai_socktype = SOCK_DGRAM;
    addrinfo* res = nullptr;
    if (getaddrinfo(h.host.c_str(), nullptr, &hints, &res) != 0 || res == nullptr) {
      spdlog::warn("DHT: cannot resolve bootstrap node {}", h.to_string());
      continue;
    }
    char text[64];
    const auto* a = reinterpret_cast<const sockaddr_in*>(res->ai_addr);
    if (inet_ntop(AF_INET, &a->sin_addr, text, sizeof text) != nullptr) out.push_back({text, h.port});
    freeaddrinfo(res);
  }
  return out;
}

void save_table(dht_state& st) {
  if (st.config.state_file.empty()) return;
  d::saved_table t;
  t.id = st.id;
  t.nodes = st.table->all();
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(st.config.state_file).parent_path(), ec);
  try {
    save_file_atomically(st.config.state_file, d::encode_saved_table(t));
  } catch (const std::exception& e) {
    spdlog::warn("DHT: cannot save the routing table: {}", e.what());
  }
}

caf::behavior dht_behavior(self_ptr self, dht_config config) {
  auto& st = self->state;
  st.config = std::move(config);
  // Our id and the nodes we knew, from the last run; otherwise a random id.
  std::vector<d::node_info> known;
  if (!st.config.state_file.empty()) {
    std::ifstream in(st.config.state_file, std::ios::binary);
    std::stringstream buf;
    buf << in.rdbuf();
    if (auto saved = d::decode_saved_table(buf.str())) {
      st.id = saved->id;
      known = saved->nodes;
    }
  }
  if (st.id == d::node_id{})
    for (auto& b : st.id) b = static_cast<std::uint8_t>(st.rng());
  st.table.emplace(st.id);
  st.tokens.emplace(st.rng());
  st.routers = resolve(st.config.bootstrap);
  for (const auto& n : known) st.routers.push_back({n.ip, n.port});
  spdlog::debug("DHT: node {} with {} bootstrap nodes", hex_short(st.id), st.routers.size());
  return {
      [=](msg::udp_atom, int fd) { // our socket: start
        self->state.fd = fd;
        bootstrap(self);
        self->delayed_send(self, 1s, msg::tick_atom::value);
      },
      [=](msg::udp_atom, const std::string& ip, std::uint16_t port, const std::string& bytes) {
        on_packet(self, ip, port, bytes);
      },
      [=](msg::peers_atom, const std::string& info_hash, std::uint16_t announce_port, caf::actor reply_to) {
        if (info_hash.size() != 20) return;
        d::node_id target{};
        std::copy(info_hash.begin(), info_hash.end(), target.begin());
        start_lookup(self, d::method::get_peers, target, announce_port, std::move(reply_to));
      },
      [=](msg::port_atom, const std::string& ip, std::uint16_t port) {
        if (port == 0) return;
        spdlog::debug("DHT: pinging {}:{}, named by a peer's PORT message", ip, port);
        send_query(self, d::node_info{d::node_id{}, ip, port}, d::method::ping, {}, 0);
      },
      [=](msg::stats_atom) {
        auto& s = self->state;
        return dht_stats{static_cast<std::uint32_t>(s.table->size()), static_cast<std::uint32_t>(s.lookups.size()),
                         s.dropped, s.announces};
      },
      [=](msg::leave_atom) {
        save_table(self->state);
        return msg::leave_atom::value;
      },
      [=](msg::tick_atom) { on_tick(self); },
  };
}

} // namespace

std::vector<peer_address> default_dht_routers() {
  return {{"router.bittorrent.com", 6881}, {"dht.transmissionbt.com", 6881}, {"router.utorrent.com", 6881}};
}

caf::actor spawn_dht(caf::actor_system& sys, dht_config config) {
  // The node first, so its socket's reader has someone to report to; the
  // socket's descriptor is then its first message.
  const std::uint16_t wanted = config.port;
  const std::string bind_ip = config.bind_ip;
  // Detached: resolving the bootstrap names blocks, and must not hold up a shared scheduler thread.
  caf::actor node = sys.spawn<caf::detached>(dht_behavior, std::move(config));
  std::string error;
  auto sock = open_udp_socket(sys, bind_ip, wanted, node, error);
  if (!sock && wanted != 0) {
    spdlog::warn("DHT: UDP port {} is taken ({}); using any free port", wanted, error);
    sock = open_udp_socket(sys, bind_ip, 0, node, error);
  }
  if (!sock) {
    spdlog::warn("DHT off: {}", error);
    caf::anon_send_exit(node, caf::exit_reason::user_shutdown);
    return caf::actor{};
  }
  caf::anon_send(node, msg::udp_atom::value, sock->fd);
  return node;
}

} // namespace actorrent
