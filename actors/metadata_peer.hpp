#pragma once
// A connection that only fetches a torrent's info dictionary (BEP 9), for a
// magnet link: a CAF broker that does the BitTorrent and extension handshakes
// and relays ut_metadata pieces between the peer and the metadata fetcher.
//
// It sends the fetcher
//   (join_atom, peer_key, int64 metadata_size)   the peer can serve metadata of this size
//   (block_atom, peer_key, uint32 piece, int64 total_size, std::string data)
//   (release_atom, peer_key, uint32 piece)       the peer rejected that request
//   (pex_atom, peer_key, vector<peer_address>)   peers its ut_pex named
// and takes (want_atom, uint32 piece): request that piece. It exits with a
// peer_exit reason (actors/peer.hpp) when the peer is useless or hostile.
#include <caf/actor_addr.hpp>
#include <caf/fwd.hpp>

#include "messages/types.hpp"
#include "protocol/peer_id.hpp"
#include "protocol/sha1.hpp"

namespace actorrent {

struct metadata_peer_setup {
  sha1_digest info_hash{};
  peer_id self_id{};
  peer_key key = 0;
  peer_address address;
  std::uint16_t listen_port = 0;
  caf::actor_addr fetcher;
};

caf::actor spawn_metadata_peer(caf::actor_system& sys, metadata_peer_setup setup, int fd);

} // namespace actorrent
