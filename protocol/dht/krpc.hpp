#pragma once
// KRPC, the DHT's message format (BEP 5): bencoded dictionaries over UDP.
// Queries ping, find_node, get_peers and announce_peer; their responses; and
// errors. Decoding is strict (canonical bencode, capped size and nesting) and
// checks every field a query or response relies on.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "protocol/sha1.hpp"
#include "protocol/tracker/tracker_codec.hpp"

namespace actorrent::dht {

using node_id = sha1_digest;

class krpc_error : public std::runtime_error {
public:
  krpc_error(int code, const std::string& what, std::string tid = {})
      : std::runtime_error(what), code_(code), tid_(std::move(tid)) {}
  int code() const { return code_; } // KRPC error code to answer with: 203 protocol, 204 method unknown
  // The query's transaction id when it was readable (an error reply is then possible).
  const std::string& tid() const { return tid_; }

private:
  int code_;
  std::string tid_;
};

// Packets bigger than this are dropped unread (a full response is ~500 bytes).
inline constexpr std::size_t max_packet = 1500;

struct node_info {
  node_id id{};
  std::string ip; // IPv4 dotted quad (BEP 5 compact node info is IPv4)
  std::uint16_t port = 0;
  friend bool operator==(const node_info& a, const node_info& b) {
    return a.id == b.id && a.ip == b.ip && a.port == b.port;
  }
};

enum class method { ping, find_node, get_peers, announce_peer };
const char* method_name(method m);

struct query {
  std::string tid;       // transaction id, echoed in the answer (at most 16 bytes)
  method kind = method::ping;
  node_id sender{};
  node_id target{};      // find_node: target; get_peers and announce_peer: info-hash
  std::uint16_t port = 0;      // announce_peer
  bool implied_port = false;   // announce_peer: use the packet's source port
  std::string token;           // announce_peer
};

struct response {
  std::string tid;
  node_id sender{};
  std::vector<node_info> nodes;       // find_node, get_peers
  std::vector<peer_endpoint> values;  // get_peers: peers for the info-hash
  std::string token;                  // get_peers
};

struct error {
  std::string tid;
  int code = 0;
  std::string message;
};

using message = std::variant<query, response, error>;

// Throws krpc_error (code 203) when the packet is not a well-formed KRPC
// message, 204 for a query of a method we do not know. A response's fields
// are only checked for shape; which query it answers is the caller's to know.
message decode(std::string_view packet);

std::string encode(const query& q);
std::string encode(const response& r);
std::string encode(const error& e);

// Compact node info: 26 bytes each (id, IPv4, port).
std::string compact_nodes(const std::vector<node_info>& nodes);
std::vector<node_info> parse_compact_nodes(std::string_view bytes);

// XOR distance ordering: is a closer to target than b?
bool closer(const node_id& target, const node_id& a, const node_id& b);
// Number of leading bits a and b share (160 when equal).
int common_prefix_bits(const node_id& a, const node_id& b);

} // namespace actorrent::dht
