#pragma once
// The daemon's engine: owns every torrent of a state dir and what they share
// (the peer listener, the DHT node, the state store, the session settings).
//
// Each torrent is a record in the store (protocol/engine/torrent_record) and,
// while it runs, a session actor (or a metadata fetcher, for a magnet whose
// info dictionary is not in yet). A session that fails puts its torrent in
// an error state with a one-line reason; the others go on, and torrent-start
// retries it. The engine polls its running sessions once a second for their
// figures and answers the RPC from those (protocol/rpc/torrent_fields).
//
// Before a torrent's session starts, the engine checks its data itself
// (actors/piece_check, a few torrents at a time). A complete torrent then
// rests: no actors at all, announced by the engine's rest announcer and woken
// (a session started) when a peer's handshake names it or a tracker reports
// leechers. A running seed that has had no peer for `rest_after` rests too.
// So ten thousand idle seeds cost records in memory, not actors and timers.
//
//   (rpc_atom, method, arguments JSON) -> reply JSON {"result", "arguments"}
//   (stop_atom) -> stop_atom   every torrent stopped and saved; then it exits
#include <chrono>
#include <string>

#include <caf/actor.hpp>

#include "actors/torrent_context.hpp"

namespace actorrent {

struct engine_config {
  engine_options defaults;  // engine-wide options (the bound listen port, DHT port, faults, TLS)
  std::string state_dir;
  std::string download_dir; // for new torrents, until session-set changes it (absolute)
  peer_id self_id{};
  caf::actor dht;           // null: no DHT
  caf::actor listener;      // null: no incoming connections
  std::shared_ptr<const worker_pools> pools; // the threads every torrent shares
  // A complete torrent with no peer, no traffic and no check for this long
  // rests: its actors stop, the engine announces it and the listener wakes it
  // (0: never; a torrent started complete rests at once).
  std::chrono::seconds rest_after{60};
};

// Reads the state dir first: throws std::runtime_error (one line) when it
// cannot be created or read. A damaged record is logged and skipped.
caf::actor spawn_engine(caf::actor_system& sys, engine_config cfg);

} // namespace actorrent
