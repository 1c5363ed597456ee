#pragma once
// The session: owns one download and supervises every other actor.
//
// Start: load the resume file, recheck what it cannot vouch for (one checker
// per core), then spawn the resume keeper, scheduler, disk writer, progress
// reporter and tracker. Peers from the tracker are dialled (non-blocking,
// 10 s timeout) up to max_peers, each served by a monitored peer actor.
//
// Supervision: a peer actor that dies is replaced — its requests go back to
// the scheduler, its address is retried with backoff, at most 5 restarts per
// address per minute (then a 10-minute ban); a peer that sent hostile input or
// bad pieces is banned. Any other child failing ends the session cleanly:
// 'stopped' announce, flush, resume save, a clear message.
//
// The session exits with an error whose code is the process exit status
// (category session_exit_category()); 0 ends normally.
#include <caf/fwd.hpp>

#include "actors/torrent_context.hpp"

namespace actorrent {

caf::atom_value session_exit_category();

// `dht`: the process's DHT node, or null (--no-dht). Private torrents never use it.
// `listener`: the engine's peer listener (actors/listener.hpp), or null: no
// incoming connections. ctx->options.listen_port is the port it bound.
caf::actor spawn_session(caf::actor_system& sys, context_ptr ctx, caf::actor dht, caf::actor listener);

} // namespace actorrent
