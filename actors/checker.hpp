#pragma once
#include <caf/fwd.hpp>

#include "actors/torrent_context.hpp"
#include "messages/interfaces.hpp"

namespace actorrent {

// Spawns a piece checker on its own thread: given piece indices, it answers
// with those whose data on disk matches their SHA-1. The session runs one per
// core for a recheck.
checker_actor spawn_checker(caf::actor_system& sys, context_ptr ctx);

} // namespace actorrent
