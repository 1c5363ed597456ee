#pragma once
// The engine's announcer for torrents at rest: complete, with no peer, and no
// actors of their own. One actor announces them all, each at its trackers'
// interval, at most a few at a time on the network pool, so ten thousand
// resting seeds cost one actor and a timer, not ten thousand tracker clients.
//
//   (rest_atom, int id, rest_ticket)     announce it from now on (the first one at once)
//   (leave_atom, int id, bool stopped)   no longer; with `stopped`, tell its trackers so
//   (reannounce_atom, int id)            one announce now (the user asked)
// Its engine gets (tracker_atom, int id, tracker_news) after each announce.
// With a DHT node, public torrents are announced there too, a share of them
// every 15 s so that each is announced every 15 minutes (BEP 5), whatever N.
#include <memory>

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/fwd.hpp>

#include "actors/torrent_context.hpp"
#include "messages/types.hpp"
#include "protocol/metainfo/metainfo.hpp"

namespace actorrent {

struct worker_pools;

struct rest_ticket {
  sha1_digest info_hash{};
  std::vector<std::vector<std::string>> tiers;
  transfer_totals totals;   // 'left' is 0: it is complete
  bool first = true;        // no session announced it in this run: 'started'
  bool dht = false;         // a public torrent: announced to the DHT too (BEP 27)
};

caf::actor spawn_rest_announcer(caf::actor_system& sys, caf::actor engine, peer_id self_id,
                                std::shared_ptr<const engine_options> options, std::shared_ptr<const worker_pools> pools,
                                caf::actor dht);

} // namespace actorrent

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(actorrent::rest_ticket)
