#pragma once
#include <caf/fwd.hpp>

#include "messages/interfaces.hpp"
#include "protocol/swarm/rate_limit.hpp"

namespace actorrent {

// Spawns the upload gate: while the torrent's upload is limited every peer
// asks it before sending a block, and it answers when the limits allow (its
// own and the engine's, changed live), in arrival order. One gate for all
// peers of a torrent makes its limit one on the total.
upload_gate_actor spawn_upload_gate(caf::actor_system& sys, rate_chain_ptr limits);

} // namespace actorrent
