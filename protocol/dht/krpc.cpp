#include "protocol/dht/krpc.hpp"

#include <arpa/inet.h>

#include <cstring>

#include "protocol/metainfo/bencode.hpp"
#include "protocol/bytes.hpp"
#include "protocol/wire/wire.hpp"

namespace actorrent::dht {

namespace bc = bencode;

namespace {

constexpr int protocol_error = 203;
constexpr int method_unknown = 204;

[[noreturn]] void fail(const std::string& what) { throw krpc_error(protocol_error, what); }

const bc::value& need(const bc::value& d, std::string_view key, const char* what) {
  const bc::value* v = d.find(key);
  if (v == nullptr) fail(std::string("missing '") + std::string(key) + "' in " + what);
  return *v;
}

const std::string& need_string(const bc::value& d, std::string_view key, const char* what) {
  const bc::value& v = need(d, key, what);
  if (!v.is_string()) fail(std::string("'") + std::string(key) + "' is not a string in " + what);
  return v.as_string();
}

node_id need_id(const bc::value& d, std::string_view key, const char* what) {
  const std::string& s = need_string(d, key, what);
  if (s.size() != 20) fail(std::string("'") + std::string(key) + "' is not 20 bytes in " + what);
  node_id id{};
  std::memcpy(id.data(), s.data(), 20);
  return id;
}

std::string id_bytes(const node_id& id) { return std::string(as_bytes(id)); }

} // namespace

const char* method_name(method m) {
  switch (m) {
    case method::ping: return "ping";
    case method::find_node: return "find_node";
    case method::get_peers: return "get_peers";
    case method::announce_peer: return "announce_peer";
  }
  return "?";
}

std::string compact_nodes(const std::vector<node_info>& nodes) {
  std::string out;
  for (const auto& n : nodes) {
    const std::string peer = compact_peer(n.ip, n.port);
    if (peer.size() != 6) continue; // compact node info is IPv4 only
    out.append(as_bytes(n.id));
    out += peer;
  }
  return out;
}

std::vector<node_info> parse_compact_nodes(std::string_view bytes) {
  if (bytes.size() % 26 != 0) fail("compact node list of " + std::to_string(bytes.size()) + " bytes");
  std::vector<node_info> out;
  char text[INET_ADDRSTRLEN];
  for (std::size_t at = 0; at < bytes.size(); at += 26) {
    node_info n;
    std::memcpy(n.id.data(), bytes.data() + at, 20);
    if (inet_ntop(AF_INET, bytes.data() + at + 20, text, sizeof text) == nullptr) continue;
    n.ip = text;
    n.port = wire::read_u16(bytes.data() + at + 24);
    if (n.port == 0) continue;
    out.push_back(std::move(n));
  }
  return out;
}

bool closer(const node_id& target, const node_id& a, const node_id& b) {
  for (std::size_t i = 0; i < target.size(); ++i) {
    const auto da = static_cast<std::uint8_t>(a[i] ^ target[i]);
    const auto db = static_cast<std::uint8_t>(b[i] ^ target[i]);
    if (da != db) return da < db;
  }
  return false;
}

int common_prefix_bits(const node_id& a, const node_id& b) {
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto x = static_cast<std::uint8_t>(a[i] ^ b[i]);
    if (x == 0) continue;
    int bits = 0;
    for (int bit = 7; bit >= 0 && !(x & (1u << bit)); --bit) ++bits;
    return static_cast<int>(i) * 8 + bits;
  }
  return 160;
}

static query decode_query(const bc::value& root, const std::string& tid) {
  query q;
  q.tid = tid;
  const std::string& name = need_string(root, "q", "query");
  const bc::value& a = need(root, "a", "query");
  if (!a.is_dict()) fail("query arguments are not a dictionary");
  q.sender = need_id(a, "id", "query");
  if (name == "ping") {
    q.kind = method::ping;
  } else if (name == "find_node") {
    q.kind = method::find_node;
    q.target = need_id(a, "target", "find_node");
  } else if (name == "get_peers") {
    q.kind = method::get_peers;
    q.target = need_id(a, "info_hash", "get_peers");
  } else if (name == "announce_peer") {
    q.kind = method::announce_peer;
    q.target = need_id(a, "info_hash", "announce_peer");
    q.token = need_string(a, "token", "announce_peer");
    if (q.token.size() > 64) fail("announce_peer token too long");
    if (const bc::value* implied = a.find("implied_port"); implied && implied->is_integer())
      q.implied_port = implied->as_integer() != 0;
    const bc::value* port = a.find("port");
    if (!q.implied_port) {
      if (port == nullptr || !port->is_integer() || port->as_integer() < 1 || port->as_integer() > 65535)
        fail("announce_peer without a valid port");
      q.port = static_cast<std::uint16_t>(port->as_integer());
    }
  } else {
    throw krpc_error(method_unknown, "unknown method '" + name.substr(0, 32) + "'");
  }
  return q;
}

message decode(std::string_view packet) {
  if (packet.size() > max_packet) fail("packet of " + std::to_string(packet.size()) + " bytes");
  bc::value root;
  bc::decode_options opt;
  opt.mode = bc::mode::strict; // canonical form only
  opt.max_depth = 4;
  opt.max_values = 256;
  if (auto why = bc::decode_dict(packet, opt, root); !why.empty()) fail("message " + why);
  const std::string& tid = need_string(root, "t", "message");
  if (tid.empty() || tid.size() > 16) fail("transaction id of " + std::to_string(tid.size()) + " bytes");
  const std::string& y = need_string(root, "y", "message");
  if (y == "q") {
    try {
      return decode_query(root, tid);
    } catch (const krpc_error& e) {
      throw krpc_error(e.code(), e.what(), tid);
    }
  }
  if (y == "r") {
    response r;
    r.tid = tid;
    const bc::value& body = need(root, "r", "response");
    if (!body.is_dict()) fail("response body is not a dictionary");
    r.sender = need_id(body, "id", "response");
    if (const bc::value* nodes = body.find("nodes")) {
      if (!nodes->is_string()) fail("'nodes' is not a string");
      r.nodes = parse_compact_nodes(nodes->as_string());
    }
    if (const bc::value* values = body.find("values")) {
      if (!values->is_list()) fail("'values' is not a list");
      if (values->as_list().size() > 200) fail("more than 200 values");
      for (const auto& v : values->as_list()) {
        if (!v.is_string() || (v.as_string().size() != 6 && v.as_string().size() != 18)) fail("malformed value");
        auto peers = parse_compact_peers(v.as_string(), v.as_string().size() == 18);
        r.values.insert(r.values.end(), peers.begin(), peers.end());
      }
    }
    if (const bc::value* token = body.find("token")) {
      if (!token->is_string() || token->as_string().size() > 64) fail("malformed token");
      r.token = token->as_string();
    }
    return r;
  }
  if (y == "e") {
    error e;
    e.tid = tid;
    const bc::value& body = need(root, "e", "error");
    if (!body.is_list() || body.as_list().size() < 2 || !body.as_list()[0].is_integer() || !body.as_list()[1].is_string())
      fail("malformed error");
    e.code = static_cast<int>(body.as_list()[0].as_integer());
    e.message = body.as_list()[1].as_string().substr(0, 200);
    return e;
  }
  fail("message type '" + y.substr(0, 8) + "'");
}

std::string encode(const query& q) {
  bc::value::dict a;
  a["id"] = id_bytes(q.sender);
  switch (q.kind) {
    case method::ping: break;
    case method::find_node: a["target"] = id_bytes(q.target); break;
    case method::get_peers: a["info_hash"] = id_bytes(q.target); break;
    case method::announce_peer:
      a["info_hash"] = id_bytes(q.target);
      a["port"] = bc::value::integer{q.port};
      a["token"] = q.token;
      if (q.implied_port) a["implied_port"] = 1;
      break;
  }
  bc::value::dict d;
  d["a"] = std::move(a);
  d["q"] = method_name(q.kind);
  d["t"] = q.tid;
  d["y"] = "q";
  return bc::encode(bc::value(std::move(d)));
}

std::string encode(const response& r) {
  bc::value::dict body;
  body["id"] = id_bytes(r.sender);
  if (!r.nodes.empty()) body["nodes"] = compact_nodes(r.nodes);
  if (!r.token.empty()) body["token"] = r.token;
  if (!r.values.empty()) {
    bc::value::list values;
    for (const auto& p : r.values)
      if (std::string one = compact_peer(p.ip, p.port); !one.empty()) values.emplace_back(std::move(one));
    body["values"] = std::move(values);
  }
  bc::value::dict d;
  d["r"] = std::move(body);
  d["t"] = r.tid;
  d["y"] = "r";
  return bc::encode(bc::value(std::move(d)));
}

std::string encode(const error& e) {
  bc::value::list body;
  body.emplace_back(bc::value::integer{e.code});
  body.emplace_back(e.message);
  bc::value::dict d;
  d["e"] = std::move(body);
  d["t"] = e.tid;
  d["y"] = "e";
  return bc::encode(bc::value(std::move(d)));
}

} // namespace actorrent::dht
