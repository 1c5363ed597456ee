#include "actors/listener.hpp"

#include <chrono>
#include <cstring>
#include <string>
#include <unordered_map>

#include <caf/all.hpp>
#include <caf/io/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/listening_socket.hpp"
#include "actors/peer.hpp"

namespace actorrent {

namespace {

using clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

// Keys of incoming peers live in their own range, apart from the sessions'.
constexpr peer_key first_incoming_key = peer_key{1} << 40;
// <19>"BitTorrent protocol", 8 reserved bytes, then the info-hash.
constexpr std::size_t routing_prefix = 1 + 19 + 8 + 20;
constexpr auto handshake_limit = 10s;
// Connections that have not yet said which torrent: an attacker opening
// thousands costs us this many descriptors at most (the oldest go first).
constexpr std::size_t max_pending = 256;
// A handshake for a resting torrent waits while its session starts; a few per
// torrent, and not for long (a session starts in milliseconds).
constexpr std::size_t max_parked_per_torrent = 8;
constexpr auto wake_limit = 15s;

struct torrent_route {
  listener_registration reg;
  bool accepting = true;
};

struct parked_connection {
  caf::io::connection_handle hdl;
  std::vector<char> prefix;
  clock::time_point since;
};

struct listener_state {
  std::unordered_map<std::string, torrent_route> routes; // by raw info-hash
  std::unordered_map<std::string, caf::actor> resting;   // torrents without a session: who wakes them
  std::unordered_map<std::string, std::vector<parked_connection>> parked; // waiting for a woken session
  std::size_t parked_count = 0;
  std::unordered_map<caf::io::connection_handle, clock::time_point> pending;
  peer_key next_key = first_incoming_key;
  static inline const char* name = "listener";
};

using broker_ptr = caf::io::stateful_broker<listener_state>*;

std::string remote_host(broker_ptr self, caf::io::connection_handle hdl) {
  std::string host = self->remote_addr(hdl);
  if (host.rfind("::ffff:", 0) == 0 && host.find('.') != std::string::npos) host.erase(0, 7); // IPv4 on a dual-stack socket
  return host;
}

void drop_pending(broker_ptr self, caf::io::connection_handle hdl) {
  self->state.pending.erase(hdl);
  self->close(hdl);
}

// A connection whose torrent has a session: forked into a peer actor of it.
void hand_over(broker_ptr self, caf::io::connection_handle hdl, const std::vector<char>& prefix, const listener_registration& reg) {
  auto& st = self->state;
  const peer_address from{remote_host(self, hdl), self->remote_port(hdl)};
  const peer_key key = st.next_key++;
  peer_setup setup{reg.ctx, key, from, reg.scheduler, reg.disk, reg.session.address(), reg.have, reg.upload_gate, {}};
  setup.received = std::string(prefix.begin(), prefix.end());
  // Set here, not by the peer: its start-up may run before the socket is
  // moved to it, and this read policy (48 bytes exactly) would stay.
  self->configure_read(hdl, caf::io::receive_policy::at_most(256 * 1024));
  self->ack_writes(hdl, true);
  caf::actor peer = fork_incoming_peer(self, hdl, std::move(setup));
  spdlog::debug("incoming connection from {} for {}", from.to_string(), reg.ctx->torrent.name);
  caf::anon_send(reg.session, msg::join_atom::value, key, peer, from);
}

void close_parked(broker_ptr self, const std::string& hash) {
  auto& st = self->state;
  auto it = st.parked.find(hash);
  if (it == st.parked.end()) return;
  for (const auto& p : it->second) self->close(p.hdl);
  st.parked_count -= it->second.size();
  st.parked.erase(it);
}

// A handshake for a resting torrent: its reads stop (what the peer sends next
// stays in the socket for its peer actor) and the engine is asked to wake it.
void park(broker_ptr self, caf::io::connection_handle hdl, const std::vector<char>& prefix, const std::string& hash,
          const caf::actor& waker) {
  auto& st = self->state;
  auto& waiting = st.parked[hash];
  if (waiting.size() >= max_parked_per_torrent || st.parked_count >= max_pending) {
    self->close(hdl);
    return;
  }
  self->halt(hdl);
  if (waiting.empty()) caf::anon_send(waker, msg::wake_atom::value, hash);
  waiting.push_back({hdl, prefix, clock::now()});
  ++st.parked_count;
}

// The first 48 bytes are in: route the connection, park it, or close it.
void route(broker_ptr self, caf::io::connection_handle hdl, const std::vector<char>& prefix) {
  auto& st = self->state;
  st.pending.erase(hdl);
  static constexpr char protocol[] = "\x13"
                                     "BitTorrent protocol";
  if (prefix.size() != routing_prefix || std::memcmp(prefix.data(), protocol, 20) != 0) {
    self->close(hdl);
    return;
  }
  const std::string hash(prefix.data() + 28, 20);
  if (auto it = st.routes.find(hash); it != st.routes.end() && it->second.accepting) return hand_over(self, hdl, prefix, it->second.reg);
  if (auto r = st.resting.find(hash); r != st.resting.end()) return park(self, hdl, prefix, hash, r->second);
  self->close(hdl); // unknown, or no slot could be had
}

caf::behavior listener_behavior(broker_ptr self, int fd) {
  self->add_doorman(caf::io::network::native_socket{fd});
  // A broker object may outlive its actor in CAF 0.17: never let it pin a
  // torrent's disk writer (the process would not exit).
  self->set_exit_handler([self](caf::exit_msg& m) {
    self->state.routes.clear();
    self->quit(m.reason);
  });
  self->set_down_handler([self](caf::down_msg& dm) {
    auto& routes = self->state.routes;
    for (auto it = routes.begin(); it != routes.end();)
      it = it->second.reg.session.address() == dm.source ? routes.erase(it) : std::next(it);
  });
  self->delayed_send(self, 1s, msg::tick_atom::value);
  return {
      [=](caf::io::new_connection_msg& m) {
        auto& st = self->state;
        if (st.routes.empty() && st.resting.empty()) { // no torrent is running
          self->close(m.handle);
          return;
        }
        if (st.pending.size() >= max_pending) {
          auto oldest = st.pending.begin();
          for (auto it = st.pending.begin(); it != st.pending.end(); ++it)
            if (it->second < oldest->second) oldest = it;
          drop_pending(self, oldest->first);
        }
        st.pending.emplace(m.handle, clock::now());
        self->configure_read(m.handle, caf::io::receive_policy::exactly(routing_prefix));
      },
      [=](caf::io::new_data_msg& m) {
        if (self->state.pending.count(m.handle)) route(self, m.handle, m.buf);
      },
      [=](caf::io::connection_closed_msg& m) { self->state.pending.erase(m.handle); },
      [=](caf::io::acceptor_closed_msg&) { self->quit(); },
      [=](msg::tick_atom) {
        const auto now = clock::now();
        std::vector<caf::io::connection_handle> silent;
        for (const auto& [hdl, since] : self->state.pending)
          if (now - since > handshake_limit) silent.push_back(hdl);
        for (auto hdl : silent) drop_pending(self, hdl);
        // Parked for a torrent whose session did not come in time: closed.
        auto& st = self->state;
        for (auto it = st.parked.begin(); it != st.parked.end();) {
          auto& v = it->second;
          for (auto p = v.begin(); p != v.end();)
            if (now - p->since > wake_limit) {
              self->close(p->hdl);
              --st.parked_count;
              p = v.erase(p);
            } else {
              ++p;
            }
          it = v.empty() ? st.parked.erase(it) : std::next(it);
        }
        self->delayed_send(self, 1s, msg::tick_atom::value);
      },
      [=](msg::join_atom, const std::string& hash, listener_registration& reg) {
        auto& st = self->state;
        self->monitor(reg.session);
        st.resting.erase(hash);
        auto& route = st.routes[hash] = torrent_route{std::move(reg), true};
        // What waited for this session goes to it now.
        if (auto it = st.parked.find(hash); it != st.parked.end()) {
          auto waiting = std::move(it->second);
          st.parked.erase(it);
          st.parked_count -= waiting.size();
          for (const auto& p : waiting) {
            self->trigger(p.hdl);
            hand_over(self, p.hdl, p.prefix, route.reg);
          }
        }
      },
      // A torrent at rest (waker: who starts it) or no longer (a null waker).
      [=](msg::rest_atom, const std::string& hash, const caf::actor& waker) {
        auto& st = self->state;
        if (waker) {
          st.resting[hash] = waker;
          return;
        }
        st.resting.erase(hash);
        if (!st.routes.count(hash)) close_parked(self, hash);
      },
      [=](msg::leave_atom, const std::string& hash) { self->state.routes.erase(hash); },
      [=](msg::listen_atom, const std::string& hash, bool accepting) {
        if (auto it = self->state.routes.find(hash); it != self->state.routes.end()) it->second.accepting = accepting;
      },
      [=](msg::have_atom, const std::string& hash, const std::vector<std::uint32_t>& pieces) {
        auto it = self->state.routes.find(hash);
        if (it == self->state.routes.end()) return;
        for (auto piece : pieces)
          if (piece < it->second.reg.have.size()) it->second.reg.have.set(piece);
      },
  };
}

} // namespace

caf::actor spawn_listener(caf::actor_system& sys, std::uint16_t& port) {
  const std::uint16_t wanted = port;
  for (int attempt = 0; attempt < 20; ++attempt) {
    std::uint16_t bound = port;
    const int fd = open_listening_socket("", bound);
    if (fd >= 0) {
      port = bound;
      return sys.middleman().spawn_broker(listener_behavior, fd);
    }
    if (port == 0 || port == 65535) break;
    spdlog::warn("port {} is taken: trying {}", port, port + 1);
    ++port;
  }
  spdlog::warn("cannot listen on any port from {}: peers cannot connect to us", wanted);
  port = wanted;
  return caf::actor{};
}

} // namespace actorrent
