#pragma once
// Words every part of the engine shares: a peer connection's key, a block
// request, a peer's address. Plain types with no behaviour to speak of, so
// protocol classes, messages and actors all use the same ones (messages/
// types.hpp adds how CAF serializes them).
#include <cstdint>
#include <string>

namespace actorrent {

// One peer connection, unique within a torrent's run.
using peer_key = std::uint64_t;

// A request for part of a piece (16 KiB, the last block of a piece shorter).
struct block_ref {
  std::uint32_t piece = 0;
  std::uint32_t begin = 0;
  std::uint32_t length = 0;
  friend bool operator==(const block_ref& a, const block_ref& b) {
    return a.piece == b.piece && a.begin == b.begin && a.length == b.length;
  }
  friend bool operator!=(const block_ref& a, const block_ref& b) { return !(a == b); }
};

// Where a peer can be reached: an IP literal (or a name a tracker gave) and a port.
struct peer_address {
  std::string host;
  std::uint16_t port = 0;
  std::string to_string() const {
    return (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + std::to_string(port);
  }
};

} // namespace actorrent
