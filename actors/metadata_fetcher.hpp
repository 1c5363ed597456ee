#pragma once
// The first phase of a magnet download: find peers (the magnet's trackers and
// x.pe peers, then their PEX), fetch the info dictionary from several of them
// in 16 KiB pieces (BEP 9) and check it against the info-hash.
//
// Peers that lie about its size or send pieces that do not hash to the
// info-hash are banned; the rest of the swarm finishes the job. On success it
// sends `reply_to` (complete_atom, std::string info_bytes) and exits
// normally; (interrupt_atom, int signal) makes it exit with
// session_exit_category() error 128+signal, as the session does.
#include <caf/fwd.hpp>

#include "actors/torrent_context.hpp"
#include "protocol/metainfo/magnet.hpp"

namespace actorrent {

// `dht`: the DHT node to ask for peers (every 30 s until done), or null;
// `pools`: the engine's threads (dials and tracker announces run there).
caf::actor spawn_metadata_fetcher(caf::actor_system& sys, magnet_link magnet, peer_id self_id, engine_options options,
                                  caf::actor reply_to, caf::actor dht, std::shared_ptr<const worker_pools> pools);

} // namespace actorrent
