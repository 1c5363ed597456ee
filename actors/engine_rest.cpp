// The engine's torrents at rest: its own check before a session starts, the
// move to rest (no actors: the rest announcer and the listener stand in) and
// the wake-up. See actors/engine.hpp.
#include <spdlog/spdlog.h>

#include "actors/engine_state.hpp"
#include "actors/rest_announcer.hpp"
#include "actors/session.hpp"
#include "protocol/bytes.hpp"

namespace actorrent::engine_detail {

using json = nlohmann::json;

namespace {

// Engine checks at once: each holds a torrent's context while it waits for
// the disk pool, so ten thousand added at once do not hold ten thousand.
constexpr std::size_t max_checks = 4;
constexpr std::size_t max_answers = 64; // trackers remembered per resting torrent

} // namespace

// An idle seed: complete, no peer, nothing moving. Its figures cannot change
// until a peer comes, so it is asked every 10 s instead of every second.
bool idle_seed(const torrent_entry& e) {
  return e.complete && !e.last.empty() && !e.last.value("checking", false) && number(e.last, "peers_connected") == 0 &&
         number(e.last, "down_rate") == 0 && number(e.last, "up_rate") == 0;
}

// A running seed with no peer and no traffic for rest_after goes to rest: its
// session stops without telling the trackers (the rest announcer goes on).
void rest_idle_seeds(self_ptr self) {
  auto& st = self->state;
  if (st.cfg.rest_after.count() == 0) return;
  const auto now = clock::now();
  for (int id : st.live) {
    auto& e = st.torrents.at(id);
    if (!e.session || e.after != after_stop::nothing) continue;
    if (!idle_seed(e) || e.stop_after_check || e.rec.paused) {
      e.idle_since = {};
      continue;
    }
    if (e.idle_since == clock::time_point{}) {
      e.idle_since = now;
    } else if (now - e.idle_since >= st.cfg.rest_after) {
      e.after = after_stop::rest;
      self->send(e.session, msg::rest_atom::value);
    }
  }
}

// What a tracker told the rest announcer; leechers about: the torrent wakes to serve them.
void on_rest_news(self_ptr self, int id, const tracker_news& news) {
  auto it = self->state.torrents.find(id);
  if (it == self->state.torrents.end() || !it->second.resting) return;
  auto& e = it->second;
  auto a = std::find_if(e.answers.begin(), e.answers.end(), [&](const tracker_answer& x) { return x.url == news.url; });
  if (a == e.answers.end()) {
    if (e.answers.size() >= max_answers) return;
    a = e.answers.insert(e.answers.end(), tracker_answer{news.url, 0, 0, {}});
  }
  a->at = unix_now();
  a->peers = news.peers.size();
  a->failure = news.failure;
  if (!news.failure.empty()) return;
  e.seeders = news.seeders;
  e.leechers = news.leechers;
  if (news.leechers > 0 && !news.peers.empty()) wake_torrent(self, id);
}

void tell_listener(self_ptr self, const torrent_entry& e, bool resting) {
  if (!self->state.cfg.listener) return;
  self->send(self->state.cfg.listener, msg::rest_atom::value, std::string(as_bytes(e.rec.info_hash)),
             resting ? caf::actor_cast<caf::actor>(self) : caf::actor{});
}

void start_session(self_ptr self, int id, torrent_entry& e) {
  auto& st = self->state;
  refresh_limits(st, e);
  e.last = json::object();
  e.seen_uploaded = e.seen_received = e.seen_wasted = 0;
  e.next_poll = {};
  e.idle_since = {};
  e.session = spawn_session(self->home_system(), context_for(st, e), st.cfg.dht, st.cfg.listener);
  e.recheck = false;
  self->monitor(e.session);
  st.owner_of[e.session.address()] = id;
  st.live.insert(id);
}

namespace {

void on_checked(self_ptr self, int id, const check_outcome* outcome, const std::string& error) {
  auto& st = self->state;
  --st.checks_running;
  auto it = st.torrents.find(id);
  if (it != st.torrents.end()) {
    auto& e = it->second;
    e.check.reset();
    if (outcome == nullptr) {
      e.error = error;
      spdlog::error("{}: {}", e.rec.name, error);
      save_record(self, e);
    } else {
      e.have = outcome->have;
      refresh_complete(e);
      if (e.complete && e.rec.done_date == 0) {
        e.rec.done_date = unix_now();
        e.dirty = true; // saved with the next round of records
      }
      if (e.stop_after_check) { // torrent-verify of a stopped torrent: verified, stopped again
        e.stop_after_check = false;
        e.rec.paused = true;
        save_record(self, e);
      } else if (e.complete && st.cfg.rest_after.count() > 0) {
        e.resting = true;
        e.seeding_since = clock::now();
        announce_rest(self, id, true);
      } else {
        start_session(self, id, e);
      }
    }
  }
  next_checks(self);
  queue_soon(self);
}

} // namespace

// Starts waiting checks while there are slots.
void next_checks(self_ptr self) {
  auto& st = self->state;
  while (st.checks_running < max_checks && !st.check_queue.empty() && !st.stopping) {
    const int id = st.check_queue.front();
    st.check_queue.pop_front();
    auto it = st.torrents.find(id);
    if (it == st.torrents.end() || !it->second.check_queued) continue; // stopped meanwhile
    auto& e = it->second;
    e.check_queued = false;
    ++st.checks_running;
    check_callbacks cb;
    cb.progress = [=](std::uint32_t done, std::uint32_t total) {
      if (auto t = self->state.torrents.find(id); t != self->state.torrents.end()) {
        t->second.checked = done;
        t->second.to_check = total;
      }
    };
    cb.done = [=](std::shared_ptr<check_outcome> o) { on_checked(self, id, o.get(), {}); };
    cb.failed = [=](const std::string& error) { on_checked(self, id, nullptr, error); };
    e.checked = e.to_check = 0;
    e.check = start_check(self, context_for(st, e), std::move(cb), true);
    e.recheck = false;
  }
}

// A check under way or waiting is dropped (a stop, a removal).
void cancel_check(self_ptr self, torrent_entry& e) {
  if (e.check) {
    e.check->cancel();
    e.check.reset();
    --self->state.checks_running;
    next_checks(self);
  }
  e.check_queued = false;
}

// It rests no more: the announcer lets it go (telling its trackers, unless it
// starts again at once) and the listener closes what was parked for it.
void end_rest(self_ptr self, int id, torrent_entry& e, bool say_stopped) {
  auto& st = self->state;
  e.resting = false;
  self->send(st.rest, msg::leave_atom::value, id, say_stopped);
  tell_listener(self, e, false);
}

void announce_rest(self_ptr self, int id, bool first) {
  auto& st = self->state;
  auto& e = st.torrents.at(id);
  e.idle_since = {};
  e.answers.clear();
  if (e.seeding_since < e.run_since) e.seeding_since = clock::now();
  rest_ticket t{e.rec.info_hash, trackers_of(e), {e.rec.uploaded_ever, e.rec.downloaded_ever, 0}, first,
                e.meta && !e.meta->is_private};
  self->send(st.rest, msg::rest_atom::value, id, std::move(t));
  tell_listener(self, e, true);
  spdlog::debug("{}: resting (complete, no peer)", e.rec.name);
}

void wake_torrent(self_ptr self, int id) {
  auto& st = self->state;
  auto it = st.torrents.find(id);
  if (it == st.torrents.end() || !it->second.resting || st.stopping) return;
  auto& e = it->second;
  e.resting = false;
  self->send(st.rest, msg::leave_atom::value, id, false);
  // The listener keeps what it parked until this session joins it.
  spdlog::debug("{}: woken", e.rec.name);
  start_session(self, id, e);
}

} // namespace actorrent::engine_detail
