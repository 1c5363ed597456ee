#pragma once
// The UDP tracker client (BEP 15): a CAF broker that owns one UDP socket per
// tracker address and runs connect / announce / scrape exchanges on them.
//
// It answers
//   (udp_atom, udp_tracker_request) -> udp_tracker_reply
// doing the connect step itself, reusing a connection id for 60 s,
// retransmitting after 15 * 2^n s (the request sets the base and the number
// of sends), and matching replies by transaction id: a reply with an unknown
// id is dropped, one of the wrong action or size fails the request.
#include <string>

#include <caf/fwd.hpp>

#include "messages/types.hpp"

namespace actorrent {

caf::actor spawn_udp_tracker(caf::actor_system& sys, std::string owner);

// Runs one exchange on `client` and waits for its reply; for callers that have
// a thread of their own to block (the tracker actor, the scrape command). The
// host is resolved here, on that thread: the broker only ever sees IP literals.
udp_tracker_reply udp_exchange(caf::actor_system& sys, const caf::actor& client, udp_tracker_request req);

} // namespace actorrent
