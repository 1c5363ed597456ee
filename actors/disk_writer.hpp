#pragma once
#include <caf/fwd.hpp>

#include "actors/torrent_context.hpp"
#include "messages/interfaces.hpp"
#include "protocol/bitfield.hpp"

namespace actorrent {

// Spawns the disk writer on its own thread (its file I/O and SHA-1 must not
// stall the actors that talk to peers). It tells the scheduler and the session
// (verified_atom / failed_atom, piece) and reports flushed pieces to the
// resume keeper. A disk error goes to the session as (fatal_atom, text); a
// peer proven to have sent a corrupt block goes to it as (ban_atom, peer_key).
disk_actor spawn_disk_writer(caf::actor_system& sys, context_ptr ctx, bitfield have, scheduler_actor scheduler,
                             caf::actor session, resume_actor resume);

} // namespace actorrent
