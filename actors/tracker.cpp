// The tracker client, HTTP(S) and UDP (BEP 15). Tiers follow BEP 12: URLs are shuffled within a tier,
// tried in order, and one that answers moves to the front of its tier.
#include "actors/tracker.hpp"

#include <algorithm>
#include <random>

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "protocol/tracker_codec.hpp"
#include "protocol/tracker_tiers.hpp"
#include "protocol/udp_tracker_codec.hpp"

#include "actors/http_get.hpp"
#include "actors/udp_tracker.hpp"

#include "actors/fault_injection.hpp"

namespace actorrent {

namespace {

constexpr std::int64_t default_interval = 1800;

struct tracker_state {
  context_ptr ctx;
  caf::actor session;
  tracker_tiers tiers; // BEP 12 order
  std::string tracker_id;
  std::uint32_t key = 0;
  bool started_sent = false;
  int failures_in_a_row = 0;
  fault_injector faults;
  caf::actor udp; // the BEP 15 client, spawned with this actor and stopped with it
  static inline const char* name = "tracker";
};

using self_ptr = tracker_actor::stateful_pointer<tracker_state>;

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

tracker_outcome announce_udp(self_ptr self, const udp_tracker::tracker_address& where, const announce_request& req,
                             bool leaving) {
  const auto& opt = self->state.ctx->options;
  udp_tracker_request x;
  x.host = where.host;
  x.port = where.port;
  x.action = static_cast<std::uint32_t>(udp_tracker::action::announce);
  x.body = udp_tracker::announce_body(req);
  // A 'stopped' on the way out gets one short try, like its HTTP twin.
  x.first_timeout_ms = leaving ? std::min<std::uint32_t>(opt.udp_tracker_timeout_ms, 3000) : opt.udp_tracker_timeout_ms;
  x.attempts = leaving ? 1 : opt.udp_tracker_attempts;
  // This actor has its own thread (libcurl blocks it too): waiting costs nobody.
  const udp_tracker_reply r = udp_exchange(self->system(), self->state.udp, std::move(x));
  if (!r.failure.empty()) return {std::nullopt, r.failure};
  try {
    return {udp_tracker::parse_announce(r.payload, r.ipv6), {}};
  } catch (const tracker_error& e) {
    return {std::nullopt, e.what()};
  }
}

// One announce over all tiers; returns the interval to wait before the next one.
std::int64_t announce(self_ptr self, announce_event event, const transfer_totals& totals, long timeout_s) {
  auto& st = self->state;
  if (st.tiers.tiers().empty()) return default_interval; // trackerless: the DHT and PEX find peers
  tracker_news news;
  for (std::size_t t = 0; t < st.tiers.tiers().size(); ++t) {
    for (std::size_t i = 0; i < st.tiers.tiers()[t].size(); ++i) {
      const std::string url = st.tiers.tiers()[t][i];
      news.url = url;
      const bool http = is_http_url(url);
      const auto udp_address = udp_tracker::parse_url(url);
      if (!http && !udp_address) {
        news.failure = "unsupported tracker URL";
        continue;
      }
      announce_request req;
      req.announce_url = url;
      req.info_hash = st.ctx->torrent.info_hash;
      req.id = st.ctx->self_id;
      req.port = st.ctx->options.listen_port;
      req.uploaded = totals.uploaded;
      req.downloaded = totals.downloaded;
      req.left = totals.left;
      req.event = event;
      req.numwant = event == announce_event::stopped ? 0 : 200;
      req.key = st.key;
      req.tracker_id = st.tracker_id;
      if (event != announce_event::stopped && inject(st.faults, fault_kind::tracker_fail, st.session)) {
        news.failure = "injected fault: tracker-fail";
        continue;
      }
      const tracker_outcome outcome = http ? announce_http(req, st.ctx->options, timeout_s)
                                           : announce_udp(self, *udp_address, req, event == announce_event::stopped);
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
      if (r.tracker_id) st.tracker_id = *r.tracker_id;
      st.tiers.answered(t, i);
      caf::anon_send(st.session, msg::tracker_atom::value, std::move(news));
      st.failures_in_a_row = 0;
      return next_announce_seconds(r);
    }
  }
  // Every tracker failed: tell the user, retry with backoff (15 s, 30 s, ... 30 min).
  caf::anon_send(st.session, msg::tracker_atom::value, std::move(news));
  const int n = std::min(++st.failures_in_a_row, 7);
  return std::min<std::int64_t>(15LL << (n - 1), 1800);
}

// Only regular announces re-arm the timer, so exactly one timer is ever pending.
void announce_with_totals(self_ptr self, announce_event event, bool regular) {
  auto next = [=](std::int64_t seconds) {
    if (regular) self->delayed_send(self, std::chrono::seconds(seconds), msg::announce_atom::value);
  };
  self->request(self->state.session, std::chrono::seconds(10), msg::announce_atom::value)
      .then([=](transfer_totals totals) { next(announce(self, event, totals, 20)); },
            [=](caf::error&) { next(60); });
}

tracker_actor::behavior_type tracker_behavior(self_ptr self, context_ptr ctx, caf::actor session) {
  auto& st = self->state;
  st.ctx = ctx;
  st.session = std::move(session);
  std::random_device rd;
  std::mt19937_64 rng(rd());
  st.tiers = tracker_tiers(ctx->torrent.tracker_tiers, rng());
  st.faults = fault_injector(ctx->options.faults, fault_stream::tracker);
  st.key = static_cast<std::uint32_t>(rng());
  st.udp = spawn_udp_tracker(self->system(), "tracker of " + ctx->torrent.name);
  self->attach_functor([udp = st.udp] { caf::anon_send_exit(udp, caf::exit_reason::user_shutdown); });
  return {
      [=](msg::announce_atom) {
        const auto event = self->state.started_sent ? announce_event::none : announce_event::started;
        self->state.started_sent = true;
        announce_with_totals(self, event, true);
      },
      [=](msg::complete_atom) { announce_with_totals(self, announce_event::completed, false); },
      // Asked for by the user (torrent-reannounce): one extra announce; the regular timer stays as it is.
      [=](msg::reannounce_atom) {
        if (self->state.started_sent) announce_with_totals(self, announce_event::none, false);
      },
      [=](msg::leave_atom) {
        auto rp = self->make_response_promise<msg::leave_atom>();
        self->request(self->state.session, std::chrono::seconds(3), msg::announce_atom::value)
            .then([=](transfer_totals totals) mutable {
                    if (self->state.started_sent) announce(self, announce_event::stopped, totals, 3);
                    rp.deliver(msg::leave_atom::value);
                  },
                  [=](caf::error&) mutable { rp.deliver(msg::leave_atom::value); });
        return rp;
      },
  };
}

} // namespace

tracker_actor spawn_tracker(caf::actor_system& sys, context_ptr ctx, caf::actor session) {
  return sys.spawn<caf::detached>(tracker_behavior, std::move(ctx), std::move(session));
}

} // namespace actorrent
