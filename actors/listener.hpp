#pragma once
// The engine's one listening socket for peers. An accepted connection is held
// (no actor yet) until the first 48 bytes of its handshake name an
// info-hash; it is then forked into a peer actor of that torrent and handed to
// the torrent's session as (join_atom, peer_key, caf::actor, peer_address),
// and the session enforces its connection limit. A connection for an unknown
// torrent, a bad handshake start, or silence for 10 s is closed: never banned,
// it may be for a torrent that is about to start.
//
// A session talks to it with the torrent's 20-byte info-hash as the key:
//   (join_atom, string hash, listener_registration)  start routing to it
//   (leave_atom, string hash)                         stop (the session stops)
//   (listen_atom, string hash, bool)  while false no slot could be had: closed at once
//   (have_atom, string hash, vector<uint32_t>)  new peers get a current bitfield
// A registration is dropped when its session goes down, whatever the cause.
//
// A torrent resting without a session (the engine's, complete with no peer):
//   (rest_atom, string hash, caf::actor waker)  a handshake for it is parked
//       (its reads halted, at most 8 per torrent, 15 s) and the waker gets
//       (wake_atom, string hash); the session's join takes what is parked
//   (rest_atom, string hash, caf::actor{})      no longer: what is parked is closed
#include <cstdint>

#include <caf/actor.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/fwd.hpp>

#include "actors/torrent_context.hpp"
#include "messages/interfaces.hpp"
#include "protocol/bitfield.hpp"

namespace actorrent {

struct listener_registration {
  context_ptr ctx;
  scheduler_actor scheduler;
  disk_actor disk;
  caf::actor session;
  bitfield have;
  upload_gate_actor upload_gate; // asked while the upload is limited
};

// Listens on `port` (0: any free port; the port used is written back), or on
// the next of up to 20 ports when it is taken. Invalid handle if none can be opened.
caf::actor spawn_listener(caf::actor_system& sys, std::uint16_t& port);

} // namespace actorrent

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(actorrent::listener_registration)
