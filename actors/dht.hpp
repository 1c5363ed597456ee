#pragma once
// The DHT node (BEP 5): one per process, shared by every torrent. It keeps a
// routing table, answers ping / find_node / get_peers / announce_peer, and
// runs iterative lookups for the torrents that ask.
//
// It takes
//   (peers_atom, std::string info_hash, uint16_t announce_port, caf::actor reply_to)
//       find peers for the info-hash; each batch found goes to reply_to as
//       (tracker_atom, tracker_news{url "DHT", peers}); then, with a nonzero
//       port, announce_peer to the 8 closest nodes that gave tokens
//   (port_atom, std::string ip, uint16_t port)   a peer's BEP 5 PORT message: ping that node
//   (stats_atom) -> dht_stats
//   (leave_atom) -> leave_atom                    save the routing table; reply when done
// UDP goes through a reader actor (actors/udp_socket.hpp).
#include <cstdint>
#include <string>
#include <vector>

#include <caf/fwd.hpp>

#include "messages/types.hpp"

namespace actorrent {

struct dht_config {
  std::string bind_ip = "0.0.0.0";
  std::uint16_t port = 0;              // UDP; 0 or taken: any free one
  std::vector<peer_address> bootstrap; // host names are resolved once, at start
  std::string state_file;              // routing table saved on exit, loaded on start ("" : none)
  std::uint32_t rate_limit = 50;       // packets per second accepted from one IP
};

// Null when no UDP socket could be bound (the error is logged).
caf::actor spawn_dht(caf::actor_system& sys, dht_config config);

// The well-known public bootstrap routers (used when --dht-bootstrap is not given).
std::vector<peer_address> default_dht_routers();

} // namespace actorrent
