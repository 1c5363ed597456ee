#include "actors/rest_announcer.hpp"

#include <chrono>
#include <random>
#include <set>
#include <unordered_map>

#include <caf/all.hpp>

#include "actors/announcer.hpp"
#include "actors/udp_tracker.hpp"
#include "actors/worker_pool.hpp"
#include "messages/atoms.hpp"
#include "protocol/bytes.hpp"

namespace actorrent {

namespace {

using clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

// Announces running at once: the network pool is shared with running torrents.
constexpr std::size_t max_in_flight = 4;
constexpr auto dht_step = 15s;
constexpr std::size_t dht_steps_per_round = 60; // 60 x 15 s: each torrent every 15 minutes

struct resting_torrent {
  std::shared_ptr<announcer> a;
  transfer_totals totals;
  announce_event next_event = announce_event::started;
  clock::time_point due{};
  bool busy = false;           // a job holds the announcer
  bool gone = false;           // left: erased once its last announce is back
  std::optional<rest_ticket> again; // came back to rest while busy
  sha1_digest info_hash{};
};

struct rest_state {
  caf::actor engine;
  caf::actor udp;
  peer_id self_id{};
  std::shared_ptr<const engine_options> options;
  std::shared_ptr<const worker_pools> pools;
  std::unordered_map<int, resting_torrent> torrents;
  std::set<std::pair<clock::time_point, int>> due; // what is waiting for its time
  std::size_t in_flight = 0;
  std::uint64_t timer = 0;                          // the armed timer's number (older ones are stale)
  clock::time_point timer_at = clock::time_point::max();
  std::mt19937_64 rng{std::random_device{}()};
  caf::actor dht;              // null: no DHT
  std::set<int> on_dht;        // public resting torrents
  int dht_cursor = 0;          // the last one announced there
  bool dht_armed = false;
  static inline const char* name = "rest-announcer";
};

using self_ptr = caf::stateful_actor<rest_state>*;

void pump(self_ptr self);

resting_torrent make_resting(rest_state& st, rest_ticket t) {
  resting_torrent r;
  r.a = std::make_shared<announcer>();
  auto& a = *r.a;
  a.info_hash = t.info_hash;
  a.self_id = st.self_id;
  a.options = st.options;
  a.tiers = tracker_tiers(std::move(t.tiers), st.rng());
  a.key = static_cast<std::uint32_t>(st.rng());
  a.udp = st.udp;
  r.totals = t.totals;
  r.next_event = t.first ? announce_event::started : announce_event::none;
  r.info_hash = t.info_hash;
  return r;
}

// A share of the public resting torrents to the DHT, after the cursor (wrapping).
void dht_round(self_ptr self) {
  auto& st = self->state;
  st.dht_armed = false;
  if (!st.dht || st.on_dht.empty()) return;
  const std::size_t share = (st.on_dht.size() + dht_steps_per_round - 1) / dht_steps_per_round;
  auto it = st.on_dht.upper_bound(st.dht_cursor);
  for (std::size_t i = 0; i < share; ++i, ++it) {
    if (it == st.on_dht.end()) it = st.on_dht.begin();
    st.dht_cursor = *it;
    if (auto t = st.torrents.find(*it); t != st.torrents.end())
      self->send(st.dht, msg::peers_atom::value, std::string(as_bytes(t->second.info_hash)), st.options->listen_port,
                 caf::actor_cast<caf::actor>(self));
  }
  st.dht_armed = true;
  self->delayed_send(self, dht_step, msg::announce_atom::value);
}

void schedule(self_ptr self, int id, resting_torrent& r, clock::time_point when) {
  auto& st = self->state;
  st.due.erase({r.due, id});
  r.due = when;
  st.due.insert({when, id});
}

void run(self_ptr self, int id, resting_torrent& r) {
  auto& st = self->state;
  r.a->sys = &self->system();
  r.busy = true;
  ++st.in_flight;
  const auto event = r.next_event;
  const long timeout_s = event == announce_event::stopped ? 3 : 20;
  blocking_job job = [a = r.a, event, totals = r.totals, timeout_s] { return caf::make_message(a->announce(event, totals, timeout_s)); };
  auto done = [=](std::optional<announce_result> result) {
    auto& s = self->state;
    --s.in_flight;
    auto it = s.torrents.find(id);
    if (it != s.torrents.end()) {
      auto& t = it->second;
      t.busy = false;
      if (result && result->news && !t.gone) self->send(s.engine, msg::tracker_atom::value, id, std::move(*result->news));
      if (t.again) {
        auto ticket = std::move(*t.again);
        t = make_resting(s, std::move(ticket));
        schedule(self, id, t, clock::now());
      } else if (t.gone && t.next_event != announce_event::stopped) {
        s.torrents.erase(it);
      } else if (t.gone) { // its 'stopped' goes out now
        run(self, id, t);
        t.next_event = announce_event::none; // erased when this one is back
      } else {
        t.next_event = announce_event::none;
        schedule(self, id, t, clock::now() + std::chrono::seconds(result ? result->next_seconds : 60));
      }
    }
    pump(self);
  };
  self->request(st.pools->network, caf::infinite, msg::job_atom::value, std::move(job))
      .then([=](announce_result& answer) { done(std::move(answer)); }, [=](caf::error&) { done(std::nullopt); });
}

// Starts what is due (within the in-flight bound) and arms one timer for the next.
void pump(self_ptr self) {
  auto& st = self->state;
  const auto now = clock::now();
  while (st.in_flight < max_in_flight && !st.due.empty() && st.due.begin()->first <= now) {
    const int id = st.due.begin()->second;
    st.due.erase(st.due.begin());
    auto& r = st.torrents.at(id);
    r.due = {};
    run(self, id, r);
  }
  if (st.due.empty() || st.in_flight >= max_in_flight) return; // a finishing announce pumps again
  const auto next = std::max(st.due.begin()->first, now);
  if (next >= st.timer_at) return; // an earlier timer is armed
  st.timer_at = next;
  self->delayed_send(self, next - now, msg::tick_atom::value, ++st.timer);
}

caf::behavior rest_behavior(self_ptr self, caf::actor engine, peer_id self_id, std::shared_ptr<const engine_options> options,
                            std::shared_ptr<const worker_pools> pools, caf::actor dht) {
  auto& st = self->state;
  st.dht = std::move(dht);
  st.engine = std::move(engine);
  st.self_id = self_id;
  st.options = std::move(options);
  st.pools = std::move(pools);
  st.udp = spawn_udp_tracker(self->system(), "rest announcer");
  self->attach_functor([udp = st.udp] { caf::anon_send_exit(udp, caf::exit_reason::user_shutdown); });
  return {
      [=](msg::rest_atom, int id, rest_ticket& ticket) {
        auto& s = self->state;
        if (ticket.dht && s.dht) {
          s.on_dht.insert(id);
          if (!s.dht_armed) {
            s.dht_armed = true;
            self->delayed_send(self, dht_step, msg::announce_atom::value);
          }
        }
        auto it = s.torrents.find(id);
        if (it != s.torrents.end() && it->second.busy) {
          it->second.gone = false;
          it->second.again = std::move(ticket);
          return;
        }
        if (it != s.torrents.end()) s.due.erase({it->second.due, id});
        auto& r = s.torrents[id] = make_resting(s, std::move(ticket));
        schedule(self, id, r, clock::now());
        pump(self);
      },
      [=](msg::leave_atom, int id, bool say_stopped) {
        auto& s = self->state;
        s.on_dht.erase(id);
        auto it = s.torrents.find(id);
        if (it == s.torrents.end()) return;
        auto& r = it->second;
        s.due.erase({r.due, id});
        r.again.reset();
        // Never announced: the tracker does not know us, nothing to take back.
        const bool stopped = say_stopped && r.next_event != announce_event::started;
        if (r.busy) {
          r.gone = true;
          r.next_event = stopped ? announce_event::stopped : announce_event::none;
        } else if (stopped) {
          r.gone = true;
          r.next_event = announce_event::stopped;
          run(self, id, r);
          r.next_event = announce_event::none;
        } else {
          s.torrents.erase(it);
        }
      },
      [=](msg::reannounce_atom, int id) {
        auto& s = self->state;
        if (auto it = s.torrents.find(id); it != s.torrents.end() && !it->second.busy && !it->second.gone) {
          schedule(self, id, it->second, clock::now());
          pump(self);
        }
      },
      [=](msg::announce_atom) { dht_round(self); },
      [=](msg::tracker_atom, const tracker_news&) {}, // peers the DHT found: a seed waits for leechers to come
      [=](msg::tick_atom, std::uint64_t timer) {
        auto& s = self->state;
        if (timer != s.timer) return; // superseded by an earlier one
        s.timer_at = clock::time_point::max();
        pump(self);
      },
  };
}

} // namespace

caf::actor spawn_rest_announcer(caf::actor_system& sys, caf::actor engine, peer_id self_id,
                                std::shared_ptr<const engine_options> options, std::shared_ptr<const worker_pools> pools,
                                caf::actor dht) {
  return sys.spawn(rest_behavior, std::move(engine), self_id, std::move(options), std::move(pools), std::move(dht));
}

} // namespace actorrent
