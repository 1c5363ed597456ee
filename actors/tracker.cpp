// The tracker client, HTTP(S) and UDP (BEP 15). Tiers follow BEP 12: URLs are shuffled within a tier,
// tried in order, and one that answers moves to the front of its tier.
#include "actors/tracker.hpp"

#include <algorithm>
#include <deque>
#include <optional>
#include <random>

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "protocol/tracker/tracker_codec.hpp"
#include "protocol/tracker/tracker_tiers.hpp"
#include "protocol/tracker/udp_tracker_codec.hpp"

#include "actors/http_get.hpp"
#include "actors/udp_tracker.hpp"
#include "actors/worker_pool.hpp"

#include "actors/fault_injection.hpp"

namespace actorrent {

namespace {

constexpr std::int64_t default_interval = 1800;

// Everything one announce needs and updates. It runs on a network pool thread
// (libcurl and the UDP exchange block), one announce at a time: the actor
// never touches it while a job holds it.
struct announcer {
  caf::actor_system* sys = nullptr;
  context_ptr ctx;
  caf::actor session;
  tracker_tiers tiers; // BEP 12 order
  std::string tracker_id;
  std::uint32_t key = 0;
  int failures_in_a_row = 0;
  fault_injector faults;
  caf::actor udp; // the BEP 15 client, spawned with the actor and stopped with it

  std::int64_t announce(announce_event event, const transfer_totals& totals, long timeout_s);
};

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
  const auto& opt = a.ctx->options;
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

// One announce over all tiers; returns the interval to wait before the next one.
std::int64_t announcer::announce(announce_event event, const transfer_totals& totals, long timeout_s) {
  if (tiers.tiers().empty()) return default_interval; // trackerless: the DHT and PEX find peers
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
      req.info_hash = ctx->torrent.info_hash;
      req.id = ctx->self_id;
      req.port = ctx->options.listen_port;
      req.uploaded = totals.uploaded;
      req.downloaded = totals.downloaded;
      req.left = totals.left;
      req.event = event;
      req.numwant = event == announce_event::stopped ? 0 : 200;
      req.key = key;
      req.tracker_id = tracker_id;
      if (event != announce_event::stopped && inject(faults, fault_kind::tracker_fail, session)) {
        news.failure = "injected fault: tracker-fail";
        continue;
      }
      const tracker_outcome outcome = http ? announce_http(req, ctx->options, timeout_s)
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
      caf::anon_send(session, msg::tracker_atom::value, std::move(news));
      failures_in_a_row = 0;
      return next_announce_seconds(r);
    }
  }
  // Every tracker failed: tell the user, retry with backoff (15 s, 30 s, ... 30 min).
  caf::anon_send(session, msg::tracker_atom::value, std::move(news));
  const int n = std::min(++failures_in_a_row, 7);
  return std::min<std::int64_t>(15LL << (n - 1), 1800);
}

// An announce waiting its turn.
struct pending_announce {
  announce_event event = announce_event::none;
  bool regular = false; // re-arms the timer (exactly one timer is ever pending)
  std::optional<caf::typed_response_promise<msg::leave_atom>> leaving;
};

struct tracker_state {
  std::shared_ptr<announcer> a;
  bool started_sent = false;
  bool busy = false; // a job holds the announcer
  std::optional<std::vector<std::vector<std::string>>> new_tiers; // edited while busy: taken between jobs
  std::deque<pending_announce> queue;
  static inline const char* name = "tracker";
};

using self_ptr = tracker_actor::stateful_pointer<tracker_state>;

void run_next(self_ptr self);

// New tiers replace the old ones only between jobs (a job reads them on a pool
// thread); then one announce tells the new trackers about us.
void take_tiers(self_ptr self) {
  auto& st = self->state;
  std::random_device rd;
  st.a->tiers = tracker_tiers(*st.new_tiers, std::mt19937_64(rd())());
  st.new_tiers.reset();
  if (st.started_sent) st.queue.push_back({announce_event::started, false, std::nullopt});
}

void finished(self_ptr self, const pending_announce& p, std::int64_t next_seconds) {
  auto& st = self->state;
  if (p.regular) self->delayed_send(self, std::chrono::seconds(next_seconds), msg::announce_atom::value);
  if (p.leaving) {
    auto rp = *p.leaving;
    rp.deliver(msg::leave_atom::value);
  }
  st.busy = false;
  if (st.new_tiers) take_tiers(self);
  run_next(self);
}

// Asks the session for its totals, then announces on the network pool.
void run_next(self_ptr self) {
  auto& st = self->state;
  if (st.busy || st.queue.empty()) return;
  st.busy = true;
  pending_announce p = std::move(st.queue.front());
  st.queue.pop_front();
  const bool leaving = p.event == announce_event::stopped;
  const long timeout_s = leaving ? 3 : 20;
  self->request(st.a->session, std::chrono::seconds(leaving ? 3 : 10), msg::announce_atom::value)
      .then(
          [=](transfer_totals totals) {
            auto a = self->state.a;
            blocking_job job = [a, event = p.event, totals, timeout_s] {
              return caf::make_message(a->announce(event, totals, timeout_s));
            };
            self->request(a->ctx->pools->network, caf::infinite, msg::job_atom::value, std::move(job))
                .then([=](std::int64_t next) { finished(self, p, next); },
                      [=](caf::error&) { finished(self, p, 60); });
          },
          [=](caf::error&) { finished(self, p, 60); });
}

void enqueue(self_ptr self, pending_announce p) {
  auto& st = self->state;
  st.queue.push_back(std::move(p));
  run_next(self);
}

tracker_actor::behavior_type tracker_behavior(self_ptr self, context_ptr ctx, caf::actor session) {
  auto& st = self->state;
  st.a = std::make_shared<announcer>();
  auto& a = *st.a;
  a.sys = &self->system();
  a.ctx = ctx;
  a.session = std::move(session);
  std::random_device rd;
  std::mt19937_64 rng(rd());
  a.tiers = tracker_tiers(ctx->torrent.tracker_tiers, rng());
  a.faults = fault_injector(ctx->options.faults, fault_stream::tracker);
  a.key = static_cast<std::uint32_t>(rng());
  a.udp = spawn_udp_tracker(self->system(), "tracker of " + ctx->torrent.name);
  self->attach_functor([udp = a.udp] { caf::anon_send_exit(udp, caf::exit_reason::user_shutdown); });
  return {
      [=](msg::announce_atom) {
        const auto event = self->state.started_sent ? announce_event::none : announce_event::started;
        self->state.started_sent = true;
        enqueue(self, {event, true, std::nullopt});
      },
      [=](msg::trackers_atom, std::vector<std::vector<std::string>> tiers) {
        auto& s = self->state;
        s.new_tiers = std::move(tiers);
        if (s.busy) return;
        take_tiers(self);
        run_next(self);
      },
      [=](msg::complete_atom) { enqueue(self, {announce_event::completed, false, std::nullopt}); },
      // Asked for by the user (torrent-reannounce): one extra announce; the regular timer stays as it is.
      [=](msg::reannounce_atom) {
        if (self->state.started_sent) enqueue(self, {announce_event::none, false, std::nullopt});
      },
      // Leaving: what waits is moot; the 'stopped' goes next (after one in flight).
      [=](msg::leave_atom) {
        auto rp = self->make_response_promise<msg::leave_atom>();
        auto& s = self->state;
        if (!s.started_sent) {
          rp.deliver(msg::leave_atom::value);
          return rp;
        }
        s.queue.clear();
        s.queue.push_back({announce_event::stopped, false, rp});
        run_next(self);
        return rp;
      },
  };
}

} // namespace

tracker_actor spawn_tracker(caf::actor_system& sys, context_ptr ctx, caf::actor session) {
  return sys.spawn(tracker_behavior, std::move(ctx), std::move(session));
}

} // namespace actorrent
