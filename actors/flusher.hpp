#pragma once
#include <string>

#include <caf/fwd.hpp>

#include "messages/interfaces.hpp"

namespace actorrent {

// Spawns the flusher on its own thread: it makes files durable (fdatasync on
// descriptors it is handed and then closes) while the disk writer goes on
// writing. A flush of a few hundred MB took the disk writer's thread off the
// download for most of a second every two seconds (4 GiB: 14-18 s -> 11-14 s).
flusher_actor spawn_flusher(caf::actor_system& sys, std::string dir);

} // namespace actorrent
