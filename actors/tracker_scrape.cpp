#include "actors/tracker_scrape.hpp"

#include <caf/all.hpp>

#include "actors/http_get.hpp"
#include "actors/udp_tracker.hpp"
#include "protocol/tracker/udp_tracker_codec.hpp"

namespace actorrent {

namespace {

void scrape_http(tracker_scrape& out, const sha1_digest& info_hash, const engine_options& opt, long timeout_s) {
  const auto url = build_scrape_url(out.url, info_hash);
  if (!url) {
    out.failure = "this tracker has no scrape URL";
    return;
  }
  const http_result r = http_get(*url, opt, timeout_s);
  if (!r.error.empty()) {
    out.failure = r.error;
    return;
  }
  out.counts = parse_scrape_response(r.body, info_hash);
}

void scrape_udp(tracker_scrape& out, const udp_tracker::tracker_address& where, const sha1_digest& info_hash,
                caf::actor_system& sys, const caf::actor& client, const engine_options& opt) {
  udp_tracker_request x;
  x.host = where.host;
  x.port = where.port;
  x.action = static_cast<std::uint32_t>(udp_tracker::action::scrape);
  x.body = udp_tracker::scrape_body({info_hash});
  x.first_timeout_ms = opt.udp_tracker_timeout_ms;
  x.attempts = opt.udp_tracker_attempts;
  const udp_tracker_reply r = udp_exchange(sys, client, std::move(x));
  if (!r.failure.empty()) {
    out.failure = r.failure;
    return;
  }
  out.counts = udp_tracker::parse_scrape(r.payload, 1).front();
}

} // namespace

std::vector<tracker_scrape> scrape_trackers(caf::actor_system& sys, const metainfo& m, const engine_options& opt,
                                            long http_timeout_s) {
  std::vector<tracker_scrape> out;
  caf::actor udp;
  for (std::size_t tier = 0; tier < m.tracker_tiers.size(); ++tier) {
    for (const auto& url : m.tracker_tiers[tier]) {
      tracker_scrape s;
      s.tier = tier;
      s.url = url;
      try {
        if (const auto where = udp_tracker::parse_url(url)) {
          if (!udp) udp = spawn_udp_tracker(sys, "scrape");
          scrape_udp(s, *where, m.info_hash, sys, udp, opt);
        } else if (is_http_url(url)) {
          scrape_http(s, m.info_hash, opt, http_timeout_s);
        } else {
          s.failure = "unsupported tracker URL";
        }
      } catch (const tracker_error& e) {
        s.failure = e.what();
      }
      out.push_back(std::move(s));
    }
  }
  if (udp) caf::anon_send_exit(udp, caf::exit_reason::user_shutdown);
  return out;
}

} // namespace actorrent
