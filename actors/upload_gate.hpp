#pragma once
#include <caf/fwd.hpp>

#include "messages/interfaces.hpp"

namespace actorrent {

// Spawns the upload gate: every peer asks it before sending a block, and it
// answers when a token bucket of `bytes_per_second` allows, in arrival order.
// One gate for all peers makes --max-upload-rate a limit on the total.
upload_gate_actor spawn_upload_gate(caf::actor_system& sys, std::int64_t bytes_per_second);

} // namespace actorrent
