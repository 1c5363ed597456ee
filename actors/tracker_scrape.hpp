#pragma once
// Scrapes every tracker of a torrent (HTTP scrape convention and BEP 15 UDP
// scrape) for `actorrent show --scrape`. Not an actor: it runs on the caller's
// thread, asking the UDP tracker broker for the UDP exchanges.
#include <cstddef>
#include <string>
#include <vector>

#include <caf/fwd.hpp>

#include "actors/torrent_context.hpp"
#include "protocol/tracker/tracker_codec.hpp"

namespace actorrent {

struct tracker_scrape {
  std::size_t tier = 0; // from 0
  std::string url;
  std::string failure; // empty: `counts` holds the tracker's answer
  scrape_counts counts;
};

// One entry per tracker URL, in tier order. UDP trackers get `udp_timeout_ms`
// and one resend; HTTP trackers `http_timeout_s`.
std::vector<tracker_scrape> scrape_trackers(caf::actor_system& sys, const metainfo& m, const engine_options& opt,
                                            long http_timeout_s = 10);

} // namespace actorrent
