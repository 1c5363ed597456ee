#pragma once
// A listening TCP socket, opened by us rather than by CAF's spawn_server,
// which cannot set SO_REUSEADDR: without it a program restarted on its port
// finds the port held by the last run's TIME_WAIT connections. The
// descriptor is handed to a broker (add_doorman).
#include <cstdint>
#include <string>

namespace actorrent {

// On `host` (an IP literal; empty: every address, both stacks where the host
// has IPv6) and `port` (0: any free port; the port bound is written back).
// Returns -1 when the address cannot be used or the port is taken.
int open_listening_socket(const std::string& host, std::uint16_t& port);

} // namespace actorrent
