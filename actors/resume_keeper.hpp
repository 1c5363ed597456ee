#pragma once
#include <caf/fwd.hpp>

#include "actors/torrent_context.hpp"
#include "messages/interfaces.hpp"
#include "protocol/storage/resume_data.hpp"

namespace actorrent {

// Spawns the resume keeper: it records pieces the disk writer reports as
// flushed, and saves DIR/.actorrent/INFOHASH.resume atomically every few
// seconds when something changed, and on request.
resume_actor spawn_resume_keeper(caf::actor_system& sys, context_ptr ctx, resume_data initial);

} // namespace actorrent
