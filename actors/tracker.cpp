// The tracker client, HTTP(S) and UDP (BEP 15). Tiers follow BEP 12: URLs are shuffled within a tier,
// tried in order, and one that answers moves to the front of its tier.
#include "actors/tracker.hpp"

#include <algorithm>
#include <deque>
#include <optional>
#include <random>

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/announcer.hpp"
#include "actors/udp_tracker.hpp"
#include "actors/worker_pool.hpp"

namespace actorrent {

namespace {

// An announce waiting its turn.
struct pending_announce {
  announce_event event = announce_event::none;
  bool regular = false; // re-arms the timer (exactly one timer is ever pending)
  std::optional<caf::typed_response_promise<msg::leave_atom>> leaving;
};

struct tracker_state {
  std::shared_ptr<announcer> a;
  context_ptr ctx;
  caf::actor session; // gets (tracker_atom, tracker_news) after each announce
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
  self->request(st.session, std::chrono::seconds(leaving ? 3 : 10), msg::announce_atom::value)
      .then(
          [=](transfer_totals totals) {
            auto a = self->state.a;
            blocking_job job = [a, event = p.event, totals, timeout_s] {
              return caf::make_message(a->announce(event, totals, timeout_s));
            };
            self->request(self->state.ctx->pools->network, caf::infinite, msg::job_atom::value, std::move(job))
                .then([=](announce_result& r) {
                        if (r.news) caf::anon_send(self->state.session, msg::tracker_atom::value, std::move(*r.news));
                        finished(self, p, r.next_seconds);
                      },
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
  st.ctx = ctx;
  st.session = session;
  a.sys = &self->system();
  a.info_hash = ctx->torrent.info_hash;
  a.self_id = ctx->self_id;
  a.options = std::shared_ptr<const engine_options>(ctx, &ctx->options); // shares the context's lifetime
  a.fault_sink = session;
  std::random_device rd;
  std::mt19937_64 rng(rd());
  a.tiers = tracker_tiers(ctx->torrent.tracker_tiers, rng());
  if (ctx->options.faults.any()) a.faults = std::make_unique<fault_injector>(ctx->options.faults, fault_stream::tracker);
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
