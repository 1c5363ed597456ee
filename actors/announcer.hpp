#pragma once
// One torrent's announce over all its trackers: BEP 12 tiers (shuffled within
// a tier, tried in order, one that answers moves to the front), HTTP(S) or
// UDP (BEP 15). It blocks (libcurl, the UDP exchange), so it runs on a network
// pool thread, one announce at a time per torrent: the actor that owns it never
// touches it while a job holds it. Used by the tracker actor of a running
// torrent and by the engine's rest announcer for torrents resting without actors.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <caf/actor.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/fwd.hpp>

#include "actors/fault_injection.hpp"
#include "actors/torrent_context.hpp"
#include "messages/types.hpp"
#include "protocol/tracker/tracker_tiers.hpp"

namespace actorrent {

struct announce_result {
  std::int64_t next_seconds = 1800;  // the tracker's interval, or a backoff after failures
  std::optional<tracker_news> news;  // none: trackerless
};

struct announcer {
  caf::actor_system* sys = nullptr;
  sha1_digest info_hash{};
  peer_id self_id{};
  std::shared_ptr<const engine_options> options; // listen port, TLS and UDP settings
  tracker_tiers tiers;
  std::string tracker_id;
  std::uint32_t key = 0;
  int failures_in_a_row = 0;
  // Only with a fault plan: its generator is 2.5 KB, and the rest announcer
  // holds an announcer for each of ten thousand torrents.
  std::unique_ptr<fault_injector> faults;
  caf::actor fault_sink; // told of each injected fault
  caf::actor udp;        // the BEP 15 client (owned by whoever spawned it)

  announce_result announce(announce_event event, const transfer_totals& totals, long timeout_s);
};

} // namespace actorrent
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(actorrent::announce_result)
