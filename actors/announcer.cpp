#include "actors/announcer.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "actors/http_get.hpp"
#include "actors/udp_tracker.hpp"
#include "protocol/tracker/tracker_codec.hpp"
#include "protocol/tracker/udp_tracker_codec.hpp"

namespace actorrent {

namespace {

constexpr std::int64_t default_interval = 1800;

// One tracker's answer, whatever the transport: a parsed reply or why none came.
struct tracker_outcome {
  std::optional<announce_response> reply;
  std::string failure;
};

tracker_outcome announce_http(const announce_request& req, const engine_options& opt, long timeout_s) {
  const http_result http = http_get(build_announce_url(req), opt, timeout_s);
  if (!http.error.empty()) return {std::nullopt, http.error};
  try {
    return {parse_announce_response(http.body), {}};
  } catch (const tracker_error& e) {
    return {std::nullopt, e.what()};
  }
}

tracker_outcome announce_udp(announcer& a, const udp_tracker::tracker_address& where, const announce_request& req,
                             bool leaving) {
  const auto& opt = *a.options;
  udp_tracker_request x;
  x.host = where.host;
  x.port = where.port;
  x.action = static_cast<std::uint32_t>(udp_tracker::action::announce);
  x.body = udp_tracker::announce_body(req);
  // A 'stopped' on the way out gets one short try, like its HTTP twin.
  x.first_timeout_ms = leaving ? std::min<std::uint32_t>(opt.udp_tracker_timeout_ms, 3000) : opt.udp_tracker_timeout_ms;
  x.attempts = leaving ? 1 : opt.udp_tracker_attempts;
  const udp_tracker_reply r = udp_exchange(*a.sys, a.udp, std::move(x));
  if (!r.failure.empty()) return {std::nullopt, r.failure};
  try {
    return {udp_tracker::parse_announce(r.payload, r.ipv6), {}};
  } catch (const tracker_error& e) {
    return {std::nullopt, e.what()};
  }
}

} // namespace

// One announce over all tiers; returns the interval to wait before the next one.
announce_result announcer::announce(announce_event event, const transfer_totals& totals, long timeout_s) {
  if (tiers.tiers().empty()) return {default_interval, std::nullopt}; // trackerless: the DHT and PEX find peers
  tracker_news news;
  for (std::size_t t = 0; t < tiers.tiers().size(); ++t) {
    for (std::size_t i = 0; i < tiers.tiers()[t].size(); ++i) {
      const std::string url = tiers.tiers()[t][i];
      news.url = url;
      const bool http = is_http_url(url);
      const auto udp_address = udp_tracker::parse_url(url);
      if (!http && !udp_address) {
        news.failure = "unsupported tracker URL";
        continue;
      }
      announce_request req;
      req.announce_url = url;
      req.info_hash = info_hash;
      req.id = self_id;
      req.port = options->listen_port;
      req.uploaded = totals.uploaded;
      req.downloaded = totals.downloaded;
      req.left = totals.left;
      req.event = event;
      req.numwant = event == announce_event::stopped ? 0 : 200;
      req.key = key;
      req.tracker_id = tracker_id;
      if (event != announce_event::stopped && faults && inject(*faults, fault_kind::tracker_fail, fault_sink)) {
        news.failure = "injected fault: tracker-fail";
        continue;
      }
      const tracker_outcome outcome = http ? announce_http(req, *options, timeout_s)
                                           : announce_udp(*this, *udp_address, req, event == announce_event::stopped);
      if (!outcome.reply) {
        news.failure = outcome.failure;
        spdlog::debug("tracker {}: {}", url, outcome.failure);
        continue;
      }
      const announce_response& r = *outcome.reply;
      if (r.failure_reason) {
        news.failure = "tracker says: " + *r.failure_reason;
        spdlog::debug("tracker {}: {}", url, news.failure);
        continue;
      }
      news.failure.clear();
      news.warning = r.warning_message.value_or("");
      news.seeders = r.complete.value_or(-1);
      news.leechers = r.incomplete.value_or(-1);
      for (const auto& p : r.peers) news.peers.push_back({p.ip, p.port});
      if (r.tracker_id) tracker_id = *r.tracker_id;
      tiers.answered(t, i);
      failures_in_a_row = 0;
      return {next_announce_seconds(r), std::move(news)};
    }
  }
  // Every tracker failed: tell the user, retry with backoff (15 s, 30 s, ... 30 min).
  const int n = std::min(++failures_in_a_row, 7);
  return {std::min<std::int64_t>(15LL << (n - 1), 1800), std::move(news)};
}


} // namespace actorrent
