#pragma once
// The listening socket. Each accepted connection becomes a peer actor (forked
// from this broker) and is handed to the session as (join_atom, peer_key,
// caf::actor, peer_address); the session enforces the connection limit.
// It also receives (have_atom, uint32_t) so new peers get a current bitfield,
// and (listen_atom, bool) from the session: while false, no slot could be had
// and new connections are closed at once.
#include <cstdint>

#include <caf/fwd.hpp>

#include "actors/torrent_context.hpp"
#include "messages/interfaces.hpp"
#include "protocol/bitfield.hpp"

namespace actorrent {

// Listens on `port` (0: any free port; the port used is written back).
// Returns an invalid handle if the port cannot be opened.
caf::actor spawn_listener(caf::actor_system& sys, std::uint16_t& port, context_ptr ctx, scheduler_actor scheduler,
                          disk_actor disk, caf::actor session, bitfield have, upload_gate_actor upload_gate);

} // namespace actorrent
