#pragma once
#include <chrono>

#include <caf/fwd.hpp>

namespace actorrent {

// Spawns a one-shot connector on its own thread. It answers
// (connect_atom, peer_address) with the connected socket (int) or an error,
// within `timeout`. caf::io's own connect blocks the I/O thread; this does not.
caf::actor spawn_connector(caf::actor_system& sys, std::chrono::milliseconds timeout);

} // namespace actorrent
