#pragma once
#include <caf/fwd.hpp>

#include "actors/torrent_context.hpp"
#include "messages/interfaces.hpp"
#include "protocol/bitfield.hpp"

namespace actorrent {

// Spawns the piece scheduler. `have` holds the pieces already verified;
// banned peers are reported to the session as (ban_atom, peer_key).
scheduler_actor spawn_scheduler(caf::actor_system& sys, context_ptr ctx, bitfield have, caf::actor session);

} // namespace actorrent
