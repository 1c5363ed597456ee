#pragma once
// A UDP socket for the DHT: a detached actor blocks in poll/recvfrom on its own
// thread and hands each datagram, with its sender's address, to its owner as
//   (udp_atom, std::string ip, uint16_t port, std::string bytes)
// The owner sends with udp_send() (sendto on the same non-blocking socket).
//
// Why not a CAF datagram servant: in CAF 0.17 remote_addr() of a datagram
// handle is empty (verified: only the port is known), and KRPC needs the
// sender's IP for tokens, rate limits and the routing table.
#include <cstdint>
#include <optional>
#include <string>

#include <caf/fwd.hpp>

namespace actorrent {

struct udp_socket {
  int fd = -1;
  std::uint16_t port = 0;
};

// Binds ip:port (port 0: any free one) and starts the reader, which stops when
// `owner` goes down. Returns nullopt (and why) when the bind fails.
std::optional<udp_socket> open_udp_socket(caf::actor_system& sys, const std::string& ip, std::uint16_t port,
                                          const caf::actor& owner, std::string& error);

// Sends one datagram; false when the kernel refuses it (the DHT just drops it).
bool udp_send(int fd, const std::string& ip, std::uint16_t port, const std::string& bytes);

} // namespace actorrent
