#include "actors/rpc_server.hpp"

#include <openssl/rand.h>

#include <chrono>
#include <unordered_map>

#include <caf/all.hpp>
#include <caf/io/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/listening_socket.hpp"
#include "messages/atoms.hpp"
#include "protocol/rpc/access_policy.hpp"
#include "protocol/rpc/http_reader.hpp"
#include "protocol/rpc/methods.hpp"

namespace actorrent {

namespace {

using clock = std::chrono::steady_clock;
using namespace std::chrono_literals;
using headers = std::vector<std::pair<std::string, std::string>>;

constexpr std::size_t max_connections = 64;
constexpr auto idle_limit = 60s;
constexpr auto call_timeout = 30s;
// A client that does not read its answers stops being answered past this
// (we resume as it reads), and one that sends this much ahead of them is dropped.
constexpr std::uint64_t max_unsent = 1 << 20;
constexpr std::size_t max_read_ahead = 1 << 20;

struct connection {
  rpc::http_reader reader{rpc::http_limits{}};
  clock::time_point last_active = clock::now();
  bool busy = false;            // a reply is being prepared: later requests wait (replies keep their order)
  bool close_when_sent = false; // the last reply is queued; close once it is written
  std::uint64_t unsent = 0;     // reply bytes queued, not yet taken by the socket
};

struct server_state {
  caf::actor backend;
  std::unique_ptr<rpc::access_policy> policy;
  std::unordered_map<caf::io::connection_handle, connection> connections;
  static inline const char* name = "rpc_server";
};

using broker_ptr = caf::io::stateful_broker<server_state>*;

// 48 characters a client cannot guess: the CSRF guard is only as good as this.
std::string random_session_id() {
  unsigned char raw[24];
  if (RAND_bytes(raw, sizeof raw) != 1) throw std::runtime_error("no randomness for the RPC session id");
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : raw) {
    out += digits[b >> 4];
    out += digits[b & 15];
  }
  return out;
}

void process(broker_ptr self, caf::io::connection_handle hdl);

void send_reply(broker_ptr self, caf::io::connection_handle hdl, int status, headers h, std::string body, bool keep_alive) {
  auto it = self->state.connections.find(hdl);
  if (it == self->state.connections.end()) return;
  h.emplace_back("Server", "actorrent");
  const std::string out = rpc::http_response(status, h, std::move(body), keep_alive);
  auto& buf = self->wr_buf(hdl);
  buf.insert(buf.end(), out.begin(), out.end());
  self->flush(hdl);
  it->second.unsent += out.size();
  it->second.busy = false;
  if (!keep_alive) it->second.close_when_sent = true;
}

void send_json(broker_ptr self, caf::io::connection_handle hdl, const nlohmann::json& j, bool keep_alive) {
  send_reply(self, hdl, 200, {{"Content-Type", "application/json; charset=UTF-8"}}, j.dump(), keep_alive);
}

void run_call(broker_ptr self, caf::io::connection_handle hdl, const rpc::http_request& req) {
  auto& st = self->state;
  const bool keep = req.keep_alive;
  const auto parsed = rpc::parse_call(req.body);
  if (!parsed.ok) return send_json(self, hdl, parsed.error_reply, keep);
  const rpc::call c = *parsed.ok;
  // The backend answers {"result", "arguments"}; the tag and the session id are ours to add.
  self->request(st.backend, call_timeout, msg::rpc_atom::value, c.method, c.arguments.dump())
      .then(
          [=](std::string& answer) { // ours alone: moved on, not copied (it can be megabytes)
            if (c.method == "session-get") { // small: parsed to put our session id in
              auto j = nlohmann::json::parse(answer, nullptr, false);
              if (j.is_discarded() || !j.is_object()) j = rpc::reply(c, "the engine gave an unreadable answer");
              if (!c.tag.is_null()) j["tag"] = c.tag;
              if (auto args = j.find("arguments"); args != j.end() && args->is_object() && args->contains("session-id"))
                (*args)["session-id"] = self->state.policy->session_id();
              send_json(self, hdl, j, keep);
            } else if (auto tagged = rpc::with_tag(std::move(answer), c.tag)) {
              send_reply(self, hdl, 200, {{"Content-Type", "application/json; charset=UTF-8"}}, std::move(*tagged), keep);
            } else {
              send_json(self, hdl, rpc::reply(c, "the engine gave an unreadable answer"), keep);
            }
            process(self, hdl); // requests that came in meanwhile
          },
          [=](caf::error&) {
            send_json(self, hdl, rpc::reply(c, "the engine did not answer"), keep);
            process(self, hdl);
          });
}

void handle(broker_ptr self, caf::io::connection_handle hdl, const rpc::http_request& req) {
  auto& st = self->state;
  rpc::request_facts facts{self->remote_addr(hdl), req.method, req.target, req.header("Host"),
                           req.header("Authorization"), req.header("X-Transmission-Session-Id")};
  const auto v = st.policy->check(facts);
  const bool keep = req.keep_alive;
  const int status = rpc::status_of(v);
  switch (v) {
  case rpc::verdict::forbidden:
    spdlog::warn("rpc: refused {} (not whitelisted)", facts.remote_ip);
    return send_reply(self, hdl, status, {}, "<h1>403: Forbidden</h1><p>Unauthorized IP Address.</p>", false);
  case rpc::verdict::preflight:
    return send_reply(self, hdl, status,
                      {{"Access-Control-Allow-Methods", "GET, POST, OPTIONS"},
                       {"Access-Control-Allow-Headers", req.header("Access-Control-Request-Headers").value_or("")}},
                      "", keep);
  case rpc::verdict::unauthorized:
    return send_reply(self, hdl, status, {{"WWW-Authenticate", "Basic realm=\"Transmission\""}},
                      "<h1>401: Unauthorized</h1>", keep);
  case rpc::verdict::redirect_to_web:
    return send_reply(self, hdl, status, {{"Location", "/transmission/web/"}}, "", keep);
  case rpc::verdict::web:
    return send_reply(self, hdl, 404, {}, "<h1>404: Not Found</h1><p>This build has no web page yet.</p>", keep);
  case rpc::verdict::misdirected:
    return send_reply(self, hdl, status, {},
                      "<p>actorrent received your request, but the hostname was unrecognized "
                      "(a guard against DNS rebinding). Use an IP address or localhost.</p>",
                      keep);
  case rpc::verdict::not_found: return send_reply(self, hdl, status, {}, "<h1>404: Not Found</h1>", keep);
  case rpc::verdict::needs_session_id:
    return send_reply(self, hdl, status, {{"X-Transmission-Session-Id", st.policy->session_id()}},
                      "<p>Your request had an invalid session-id header.</p><p><code>X-Transmission-Session-Id: " +
                          st.policy->session_id() + "</code></p>",
                      keep);
  case rpc::verdict::rpc: return run_call(self, hdl, req);
  }
}

// Answers the requests that are in, one at a time and in order, in a loop
// (a client may pipeline thousands in one read), while the client reads.
void process(broker_ptr self, caf::io::connection_handle hdl) {
  for (;;) {
    auto it = self->state.connections.find(hdl);
    if (it == self->state.connections.end()) return;
    connection& c = it->second;
    if (c.busy || c.close_when_sent || c.unsent > max_unsent) return;
    const auto state = c.reader.feed("");
    if (state == rpc::http_reader::state::failed) {
      c.busy = true;
      return send_reply(self, hdl, c.reader.error_status(), {}, c.reader.error_text(), false);
    }
    if (state != rpc::http_reader::state::ready) return;
    c.busy = true;
    handle(self, hdl, c.reader.take()); // answered now (busy is false again) or later
  }
}

void drop(broker_ptr self, caf::io::connection_handle hdl) {
  self->close(hdl);
  self->state.connections.erase(hdl);
}

caf::behavior server_behavior(broker_ptr self, int fd, caf::actor backend, rpc_endpoint where) {
  auto& st = self->state;
  st.backend = std::move(backend);
  rpc::access_settings access;
  access.username = where.username;
  access.password = where.password;
  st.policy = std::make_unique<rpc::access_policy>(access, random_session_id());
  self->add_doorman(caf::io::network::native_socket{fd});
  self->delayed_send(self, 5s, msg::tick_atom::value);
  return {
      [=](const caf::io::new_connection_msg& m) {
        auto& s = self->state;
        if (s.connections.size() >= max_connections) {
          // At the cap the connection silent longest makes room (none with a
          // reply in the making): connections held open by an attacker go
          // first, a client that just connected and asks at once is served.
          auto oldest = s.connections.end();
          for (auto it = s.connections.begin(); it != s.connections.end(); ++it)
            if (!it->second.busy && (oldest == s.connections.end() || it->second.last_active < oldest->second.last_active))
              oldest = it;
          if (oldest == s.connections.end()) {
            self->close(m.handle);
            return;
          }
          drop(self, oldest->first);
        }
        s.connections.emplace(m.handle, connection{});
        self->configure_read(m.handle, caf::io::receive_policy::at_most(64 * 1024));
        self->ack_writes(m.handle, true);
      },
      [=](const caf::io::new_data_msg& m) {
        auto it = self->state.connections.find(m.handle);
        if (it == self->state.connections.end()) return;
        it->second.last_active = clock::now();
        if (it->second.close_when_sent) return;
        if (it->second.reader.buffered() + m.buf.size() > max_read_ahead) return drop(self, m.handle);
        it->second.reader.feed(std::string_view(m.buf.data(), m.buf.size())); // a failure is answered in turn
        process(self, m.handle);
      },
      [=](const caf::io::data_transferred_msg& m) {
        auto it = self->state.connections.find(m.handle);
        if (it == self->state.connections.end()) return;
        it->second.last_active = clock::now();
        it->second.unsent = m.remaining;
        if (it->second.close_when_sent && m.remaining == 0) return drop(self, m.handle);
        process(self, m.handle); // below the limit again: go on answering
      },
      [=](const caf::io::connection_closed_msg& m) { self->state.connections.erase(m.handle); },
      [=](const caf::io::acceptor_closed_msg&) { self->quit(); },
      [=](msg::tick_atom) {
        const auto now = clock::now();
        std::vector<caf::io::connection_handle> idle;
        for (const auto& [hdl, c] : self->state.connections)
          if (!c.busy && now - c.last_active > idle_limit) idle.push_back(hdl);
        for (auto hdl : idle) drop(self, hdl);
        self->delayed_send(self, 5s, msg::tick_atom::value);
      },
  };
}

} // namespace

caf::actor spawn_rpc_server(caf::actor_system& sys, rpc_endpoint& where, caf::actor backend, std::string& error) {
  const int fd = open_listening_socket(where.host, where.port);
  if (fd < 0) {
    error = "cannot listen for RPC on " + where.host + ":" + std::to_string(where.port);
    return caf::actor{};
  }
  return sys.middleman().spawn_broker(server_behavior, fd, std::move(backend), where);
}

} // namespace actorrent
