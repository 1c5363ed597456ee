#pragma once
// One peer connection: a CAF broker that speaks the peer wire protocol.
//
// Besides socket events it receives:
//   (cancel_atom, block_ref)  from the scheduler: endgame duplicate or timed-out request
//   (have_atom, uint32_t)     from the session: we verified a piece
//   (want_atom)               from the scheduler: ask again, the disk caught up
//   (choke_atom) / (unchoke_atom)  from the session's choker: may it download from us
//   (pex_atom, vector<peer_address>)  from the session: the peers to advertise (BEP 11)
// and sends the session (hello_atom, peer_key, peer id bytes) after the
// handshake, (listen_atom, peer_key, its listen port or 0) after its extension
// handshake, (pex_atom, peer_key, vector<peer_address>) with peers it
// advertised, and (rate_atom, peer_rates) once a second.
// It exits with a peer_exit reason (see below) or, if it throws, with CAF's
// runtime_error; the session tells them apart.
#include <string>

#include <caf/error.hpp>
#include <caf/fwd.hpp>
#include <caf/io/connection_handle.hpp>
#include <caf/io/fwd.hpp>

#include "actors/torrent_context.hpp"
#include "messages/interfaces.hpp"
#include "protocol/bitfield.hpp"

namespace actorrent {

struct peer_setup {
  context_ptr ctx;
  peer_key key = 0;
  peer_address address;
  scheduler_actor scheduler;
  disk_actor disk;
  caf::actor_addr session; // weak: rate reports; never keeps the session alive
  bitfield our_have;
  upload_gate_actor upload_gate; // asked while the upload is limited
  std::string received; // bytes the listener read to route the connection (the handshake's start)
};

enum class peer_exit : std::uint8_t {
  closed = 1,         // the remote closed the connection
  timeout = 2,        // silence, or a handshake that never completed
  protocol_error = 3, // malformed or hostile input: worth a ban
  wrong_torrent = 4,  // another info-hash
  self_connection = 5,
  duplicate = 6,      // a second connection to a peer we already talk to
  banned = 7,         // the session banned it (corrupt data); already recorded there
  redundant = 8,      // both sides have everything: nothing to trade
};

caf::atom_value peer_error_category();
caf::error make_peer_error(peer_exit why, std::string detail);

// Takes over a connected socket (an outgoing connection).
caf::actor spawn_peer(caf::actor_system& sys, peer_setup setup, int fd);
// Moves an accepted connection out of the listening broker into a new peer actor.
caf::actor fork_incoming_peer(caf::io::broker* listener, caf::io::connection_handle hdl, peer_setup setup);

} // namespace actorrent
