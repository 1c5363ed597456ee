#include "actors/udp_tracker.hpp"

#include <netdb.h>
#include <sys/socket.h>

#include <chrono>
#include <map>
#include <random>

#include <caf/all.hpp>
#include <caf/io/all.hpp>
#include <spdlog/spdlog.h>

#include "messages/atoms.hpp"
#include "messages/types.hpp"
#include "protocol/tracker/udp_tracker_codec.hpp"

namespace actorrent {

namespace {

namespace udp = udp_tracker;
using clock = std::chrono::steady_clock;
constexpr auto connection_id_lifetime = std::chrono::seconds(60); // BEP 15

struct tracker_endpoint {
  caf::io::datagram_handle hdl;
  bool ipv6 = false;
  std::uint64_t connection_id = 0;
  clock::time_point connected_at{};
  bool has_connection_id(clock::time_point now) const {
    return connection_id != 0 && now - connected_at < connection_id_lifetime;
  }
};

struct exchange {
  std::string endpoint;           // key into endpoints
  udp_tracker_request request;
  bool connecting = false;        // waiting for a connect reply, not the request's
  std::uint32_t sends = 0;        // packets sent so far
  caf::response_promise promise;
};

struct udp_tracker_state {
  std::map<std::string, tracker_endpoint> endpoints; // "host:port"
  std::map<std::uint32_t, exchange> pending;          // by transaction id
  std::mt19937 rng{std::random_device{}()};
  std::uint64_t dropped = 0; // replies matching no pending transaction
  static inline const char* name = "udp-tracker";
};

using self_ptr = caf::io::stateful_broker<udp_tracker_state>*;

// The tracker's name as an IP literal, resolved the way CAF would (the first
// answer). Blocking: it runs on the caller's thread (udp_exchange), never on
// the multiplexer that every peer socket shares. Empty if it does not resolve.
std::string resolve_numeric(const std::string& host) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_DGRAM;
  addrinfo* res = nullptr;
  if (getaddrinfo(host.c_str(), nullptr, &hints, &res) != 0 || res == nullptr) return {};
  char text[NI_MAXHOST] = {};
  const bool ok = getnameinfo(res->ai_addr, res->ai_addrlen, text, sizeof text, nullptr, 0, NI_NUMERICHOST) == 0;
  freeaddrinfo(res);
  return ok ? std::string(text) : std::string();
}

std::uint32_t fresh_transaction(udp_tracker_state& st) {
  std::uint32_t tx = 0;
  do tx = static_cast<std::uint32_t>(st.rng()); while (st.pending.count(tx) != 0);
  return tx;
}

void finish(self_ptr self, std::uint32_t tx, udp_tracker_reply reply) {
  auto it = self->state.pending.find(tx);
  if (it == self->state.pending.end()) return;
  it->second.promise.deliver(std::move(reply));
  self->state.pending.erase(it);
}

void fail(self_ptr self, std::uint32_t tx, std::string why) {
  udp_tracker_reply r;
  r.failure = std::move(why);
  finish(self, tx, std::move(r));
}

// Sends the exchange's next packet (connect or request) and arms its timer.
void send(self_ptr self, std::uint32_t tx) {
  auto& x = self->state.pending.at(tx);
  auto& ep = self->state.endpoints.at(x.endpoint);
  x.connecting = !ep.has_connection_id(clock::now());
  const std::string packet =
      x.connecting ? udp::connect_request(tx)
                   : udp::request(ep.connection_id, static_cast<udp::action>(x.request.action), tx, x.request.body);
  self->enqueue_datagram(ep.hdl, std::vector<char>(packet.begin(), packet.end()));
  self->flush(ep.hdl);
  const std::uint64_t wait_ms = std::uint64_t{x.request.first_timeout_ms} << std::min<std::uint32_t>(x.sends, 8);
  ++x.sends;
  self->delayed_send(self, std::chrono::milliseconds(wait_ms), msg::timeout_atom::value, tx, x.sends);
}

// A packet from a tracker: match it to its exchange, check it, go on.
void on_datagram(self_ptr self, caf::io::new_datagram_msg& m) {
  auto& st = self->state;
  const std::string_view packet(m.buf.data(), m.buf.size());
  std::uint32_t tx = 0;
  auto it = udp::peek_transaction(packet, tx) ? st.pending.find(tx) : st.pending.end();
  if (it == st.pending.end() || st.endpoints.at(it->second.endpoint).hdl != m.handle) {
    ++st.dropped; // stale, spoofed or garbage: a retransmission will follow
    return;
  }
  exchange& x = it->second;
  auto& ep = st.endpoints.at(x.endpoint);
  try {
    const auto expected = x.connecting ? udp::action::connect : static_cast<udp::action>(x.request.action);
    const udp::reply r = udp::check_reply(packet, tx, expected);
    if (r.is_error) return fail(self, tx, "tracker says: " + r.error_message);
    if (x.connecting) {
      ep.connection_id = udp::parse_connect(r.payload);
      ep.connected_at = clock::now();
      // A new transaction id for the request itself; the old timer finds nothing.
      exchange next = std::move(x);
      st.pending.erase(it);
      const std::uint32_t next_tx = fresh_transaction(st);
      next.sends = 0;
      st.pending.emplace(next_tx, std::move(next));
      return send(self, next_tx);
    }
    udp_tracker_reply reply;
    reply.payload.assign(r.payload);
    reply.ipv6 = ep.ipv6;
    finish(self, tx, std::move(reply));
  } catch (const tracker_error& e) {
    ep.connection_id = 0; // whatever it sent, do not trust its connection id either
    fail(self, tx, std::string("malformed UDP reply: ") + e.what());
  }
}

// `owner` names who uses it in log lines (and gives CAF 0.17 an argument to
// spawn with: an argument-less function actor trips UBSan inside CAF).
caf::behavior udp_tracker_behavior(self_ptr self, std::string owner) {
  spdlog::debug("UDP tracker client for {}", owner);
  return {
      [=](msg::udp_atom, udp_tracker_request& req) -> caf::result<udp_tracker_reply> {
        auto& st = self->state;
        const std::string key = req.host + ":" + std::to_string(req.port);
        if (st.endpoints.count(key) == 0) {
          auto hdl = self->add_udp_datagram_servant(req.host, req.port);
          if (!hdl) {
            udp_tracker_reply r;
            r.failure = "cannot reach " + key + ": " + self->system().render(hdl.error());
            return r;
          }
          tracker_endpoint ep;
          ep.hdl = *hdl;
          // The host is an IP literal (see udp_exchange). CAF 0.17 does not tell a
          // datagram handle's remote address; the literal's family says whether
          // replies carry 18-byte (IPv6) peers.
          ep.ipv6 = req.host.find(':') != std::string::npos;
          st.endpoints.emplace(key, ep);
        }
        if (req.attempts == 0) req.attempts = 1;
        exchange x;
        x.endpoint = key;
        x.request = std::move(req);
        x.promise = self->make_response_promise();
        const std::uint32_t tx = fresh_transaction(st);
        st.pending.emplace(tx, std::move(x));
        send(self, tx);
        return caf::delegated<udp_tracker_reply>();
      },
      [=](caf::io::new_datagram_msg& m) { on_datagram(self, m); },
      [=](msg::timeout_atom, std::uint32_t tx, std::uint32_t sends) {
        auto it = self->state.pending.find(tx);
        if (it == self->state.pending.end() || it->second.sends != sends) return; // answered meanwhile
        if (sends < it->second.request.attempts) return send(self, tx);
        // No answer at all: the connection id may be what it ignores.
        self->state.endpoints.at(it->second.endpoint).connection_id = 0;
        fail(self, tx, "no reply from UDP tracker " + it->second.endpoint + " after " + std::to_string(sends) +
                           (sends == 1 ? " try" : " tries"));
      },
      [=](caf::io::datagram_sent_msg&) {},
      [=](caf::io::datagram_servant_closed_msg& m) {
        auto& st = self->state;
        for (auto ep = st.endpoints.begin(); ep != st.endpoints.end();) {
          if (std::find(m.handles.begin(), m.handles.end(), ep->second.hdl) == m.handles.end()) {
            ++ep;
            continue;
          }
          std::vector<std::uint32_t> doomed;
          for (const auto& [tx, x] : st.pending)
            if (x.endpoint == ep->first) doomed.push_back(tx);
          for (auto tx : doomed) fail(self, tx, "UDP socket to " + ep->first + " closed");
          ep = st.endpoints.erase(ep);
        }
      },
  };
}

} // namespace

caf::actor spawn_udp_tracker(caf::actor_system& sys, std::string owner) {
  return sys.middleman().spawn_broker(udp_tracker_behavior, std::move(owner));
}

udp_tracker_reply udp_exchange(caf::actor_system& sys, const caf::actor& client, udp_tracker_request req) {
  udp_tracker_reply out;
  const std::string name = req.host;
  req.host = resolve_numeric(name);
  if (req.host.empty()) {
    out.failure = "cannot resolve UDP tracker " + name;
    return out;
  }
  // The broker gives up after its last resend; this bound only guards against a lost broker.
  const std::uint64_t resends_ms = std::uint64_t{req.first_timeout_ms} * ((1ULL << std::min<std::uint32_t>(req.attempts, 9)) - 1);
  caf::scoped_actor waiter{sys};
  waiter->request(client, std::chrono::milliseconds(resends_ms + 5000), msg::udp_atom::value, std::move(req))
      .receive([&](udp_tracker_reply& r) { out = std::move(r); },
               [&](caf::error& e) { out.failure = "UDP tracker client: " + sys.render(e); });
  return out;
}

} // namespace actorrent
