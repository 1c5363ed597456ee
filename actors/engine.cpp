#include "actors/engine.hpp"

#include <csignal>
#include <filesystem>

#include <spdlog/spdlog.h>

#include "actors/engine_state.hpp"
#include "actors/metadata_fetcher.hpp"
#include "actors/rest_announcer.hpp"
#include "actors/session.hpp"
#include "protocol/bytes.hpp"
#include "protocol/storage/atomic_file.hpp"
#include "protocol/engine/data_removal.hpp"
#include "protocol/engine/path_rename.hpp"
#include "protocol/engine/queue_policy.hpp"
#include "protocol/engine/seeding_goals.hpp"
#include "protocol/engine/torrent_progress.hpp"
#include "protocol/engine/transfer_limits.hpp"
#include "protocol/storage/resume_data.hpp"

namespace actorrent {

namespace engine_detail {

namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;

constexpr auto stop_deadline = 40s;   // sessions flush and save; past this we go anyway
constexpr std::uint64_t save_every_ticks = 30;
constexpr std::uint64_t rest_sweep_ticks = 10;
// The queue is planned once for a burst of calls or checks (each plan is O(N)).
constexpr auto queue_delay = 50ms;

std::string settings_path(const engine_state& st) { return st.store->dir() + "/engine.json"; }

// A session's or fetcher's exit, as the one line the user sees (empty: a normal end).
std::string failure_of(const caf::error& reason) {
  if (!reason || reason == caf::exit_reason::user_shutdown) return {};
  if (reason.category() == session_exit_category() && reason.code() >= 128) return {}; // stopped by us
  const auto& ctx = reason.context();
  if (ctx.size() > 0 && ctx.match_element<std::string>(0)) return ctx.get_as<std::string>(0);
  return caf::to_string(reason);
}

// A torrent's verified pieces while no session runs: what its resume file vouches for.
bitfield have_from_resume(const engine_state& st, const torrent_entry& e) {
  bitfield none(e.meta->piece_count());
  try {
    const auto bytes = load_file(st.store->resume_dir() + "/" + to_hex(e.rec.info_hash) + ".resume", 64 << 20);
    if (!bytes) return none;
    const auto r = decode_resume(*bytes, *e.meta);
    return r.have.size() == none.size() ? r.have : none;
  } catch (const std::exception&) {
    return none;
  }
}

void on_figures(self_ptr self, int id, const caf::actor& session, const std::string& figures, const std::string& wire) {
  auto& st = self->state;
  auto it = st.torrents.find(id);
  if (it == st.torrents.end() || it->second.session != session) return; // gone or restarted meanwhile
  auto& e = it->second;
  auto j = json::parse(figures, nullptr, false);
  if (j.is_object()) e.last = std::move(j);
  if (auto have = bitfield::from_wire(wire, e.meta->piece_count())) e.have = std::move(*have);
  const bool checking = e.last.value("checking", false);
  if (!checking && e.last.contains("bytes_received")) {
    const auto uploaded = number(e.last, "bytes_uploaded_now");
    const auto received = number(e.last, "bytes_received");
    const auto wasted = number(e.last, "bytes_wasted");
    {
      // Every figure counts from 0 at the session's start: nothing is lost
      // before its first poll, however short it lives.
      const auto up = std::max<std::int64_t>(0, uploaded - e.seen_uploaded);
      const auto down = std::max<std::int64_t>(0, received - e.seen_received);
      e.rec.uploaded_ever += up;
      e.rec.downloaded_ever += down;
      e.rec.corrupt_ever += std::max<std::int64_t>(0, wasted - e.seen_wasted);
      st.run_uploaded += up;
      st.run_downloaded += down;
      st.settings.uploaded_bytes += up;
      st.settings.downloaded_bytes += down;
      if (up + down > 0) {
        e.active_at = clock::now();
        e.rec.activity_date = unix_now();
      }
    }
    e.seen_uploaded = uploaded;
    e.seen_received = received;
    e.seen_wasted = wasted;
    e.dirty = true;
  }
  const auto progress = progress_of(*e.meta, e.have, e.rec.wanted);
  e.complete = progress.wanted_left == 0;
  e.have_bytes = progress.have_bytes;
  if (e.complete && !checking && e.seeding_since < e.run_since) e.seeding_since = clock::now();
  if (progress.wanted_left == 0 && e.rec.done_date == 0 && !checking) {
    e.rec.done_date = unix_now();
    spdlog::info("{}: download complete", e.rec.name);
    save_record(self, e);
  }
  if (e.stop_after_check && !checking && !e.last.empty()) {
    e.stop_after_check = false;
    e.rec.paused = true;
    stop_torrent(self, id, after_stop::nothing);
  }
}

void poll(self_ptr self) {
  const auto now = clock::now();
  for (int id : self->state.live) {
    auto& e = self->state.torrents.at(id);
    if (!e.session) continue;
    // Time running, as Transmission counts it (whatever the polling pace).
    if (!e.last.value("checking", false)) ++(e.complete ? e.rec.seconds_seeding : e.rec.seconds_downloading);
    if (now < e.next_poll) continue;
    e.next_poll = now + (idle_seed(e) ? 10s : 0s);
    const int key = id;
    const caf::actor session = e.session;
    self->request(session, 2s, msg::status_atom::value)
        .then([=](const std::string& figures, const std::string& wire) { on_figures(self, key, session, figures, wire); },
              [](caf::error&) {});
  }
}

// A complete torrent stops at its share ratio or after its idle minutes; the
// engine decides both from the all-time counters, so a restart changes nothing.
// Every second for running sessions; resting torrents (nothing of theirs
// moves) with `sweep_resting`, every rest_sweep_ticks, which also counts
// their seeding time: ten thousand of them are not visited every second.
void check_seeding_goals(self_ptr self, bool sweep_resting) {
  auto& st = self->state;
  const auto now = clock::now();
  std::vector<int> ids;
  if (sweep_resting) {
    for (auto& [id, e] : st.torrents)
      if (e.resting) {
        e.rec.seconds_seeding += rest_sweep_ticks;
        ids.push_back(id);
      }
  }
  ids.insert(ids.end(), st.live.begin(), st.live.end());
  for (int id : ids) {
    auto& e = st.torrents.at(id);
    if (!(e.session || e.resting) || !e.complete || e.rec.paused || e.seeding_since < e.run_since) continue;
    const auto goals = goals_of(e.rec, st.settings);
    const double ratio = share_ratio(e.rec.uploaded_ever, e.rec.downloaded_ever, e.have_bytes);
    if (ratio_goal_reached(goals, ratio))
      spdlog::info("{}: seeding goal reached: ratio {:.2f} of {:.2f}", e.rec.name, std::max(0.0, ratio), *goals.ratio);
    else if (idle_goal_reached(goals, std::max(e.active_at, e.seeding_since), now))
      spdlog::info("{}: seeding goal reached: idle for {} minutes", e.rec.name, goals.idle->count());
    else
      continue;
    e.rec.paused = true;
    e.finished = true;
    e.forced = false;
    stop_torrent(self, id, after_stop::nothing);
  }
}

void check_all_stopped(self_ptr self) {
  auto& st = self->state;
  if (!st.stopping) return;
  for (const auto& [id, e] : st.torrents)
    if (e.session || e.fetcher) return;
  for (auto& [id, e] : st.torrents) save_record(self, e);
  save_settings(self);
  for (auto& rp : st.on_stopped) rp.deliver(msg::stop_atom::value);
  st.on_stopped.clear();
  if (st.rest) self->send_exit(st.rest, caf::exit_reason::user_shutdown);
  self->quit();
}

void relocate(torrent_entry& e) {
  namespace fs = std::filesystem;
  const std::string to = e.new_location;
  if (e.move_data && e.meta && to != e.rec.download_dir) {
    std::error_code ec;
    fs::create_directories(to, ec);
    // The torrent's top-level entries (its folder, or its one file) move as they are.
    std::vector<std::string> tops;
    for (const auto& f : e.meta->files)
      if (!f.path.empty() && std::find(tops.begin(), tops.end(), f.path.front()) == tops.end()) tops.push_back(f.path.front());
    for (const auto& top : tops) {
      const fs::path from = fs::path(e.rec.download_dir) / top;
      if (!fs::exists(fs::symlink_status(from))) continue;
      fs::rename(from, fs::path(to) / top, ec);
      if (ec) {
        e.error = "moving the data to " + to + " failed: " + ec.message();
        spdlog::error("{}: {}", e.rec.name, e.error);
        return;
      }
    }
  }
  e.rec.download_dir = to;
}

// A torrent-rename-path asked for while the torrent ran: its files are closed now.
void finish_rename(torrent_entry& e) {
  auto plans = std::move(e.pending_renames);
  e.pending_renames.clear();
  if (!e.meta) return;
  for (const auto& plan : plans)
    if (const auto error = apply_rename(e, plan); !error.empty()) {
      e.error = error; // the later ones were planned on top of this one
      spdlog::error("{}: {}", e.rec.name, error);
      return;
    }
}

void on_session_down(self_ptr self, int id, const caf::error& reason, bool was_fetcher) {
  auto& st = self->state;
  auto it = st.torrents.find(id);
  if (it == st.torrents.end()) return;
  auto& e = it->second;
  (was_fetcher ? e.fetcher : e.session) = caf::actor{};
  if (!was_fetcher) st.live.erase(id);
  e.last = json::object();
  const std::string failure = failure_of(reason);
  if (!failure.empty()) {
    e.error = failure;
    spdlog::error("{}: {}", e.rec.name, failure);
  } else if (!was_fetcher && e.after == after_stop::nothing && !st.stopping && !e.rec.paused) {
    // It ended by itself: a seeding goal was reached. Transmission stops it too.
    e.rec.paused = true;
    e.finished = true;
  }
  const after_stop then = e.after;
  e.after = after_stop::nothing;
  if (then != after_stop::remove) finish_rename(e);
  switch (then) {
  case after_stop::remove: return forget_torrent(self, id, e.delete_data);
  case after_stop::relocate: relocate(e); break;
  case after_stop::restart:
  case after_stop::queue:
  case after_stop::rest:
  case after_stop::nothing: break;
  }
  save_record(self, e);
  if (st.stopping) return check_all_stopped(self);
  // A woken session that ended before it joined the listener leaves its rest
  // registration there: handshakes for it are closed from now on, not parked.
  if (!was_fetcher) tell_listener(self, e, false);
  if (then == after_stop::rest && e.error.empty() && !e.rec.paused && e.complete) {
    e.resting = true;
    announce_rest(self, id, false);
    return;
  }
  // A fetched magnet goes on to its download; a restart asked for happens now.
  const bool go_on = then == after_stop::restart || then == after_stop::relocate || (was_fetcher && e.meta);
  if (go_on && !e.rec.paused && e.error.empty()) start_torrent(self, id);
  queue_soon(self); // a slot may be free
}

void on_metadata(self_ptr self, int id, const std::string& info) {
  auto& st = self->state;
  auto it = st.torrents.find(id);
  if (it == st.torrents.end() || !it->second.magnet) return;
  auto& e = it->second;
  try {
    metainfo m = parse_info_dict(info);
    for (const auto& url : e.magnet->trackers) m.tracker_tiers.push_back({url});
    st.store->save_metainfo(e.rec.info_hash, make_torrent_file(info, e.magnet->trackers));
    e.rec.name = m.name;
    e.have = bitfield(m.piece_count());
    e.meta = std::move(m);
    if (e.rec.wanted.size() > e.meta->files.size()) e.rec.wanted.resize(e.meta->files.size());
    refresh_complete(e);
    spdlog::info("{}: metadata received", e.rec.name);
    save_record(self, e);
  } catch (const std::exception& ex) {
    e.error = std::string("the magnet's metadata is unusable: ") + ex.what();
  }
}

// The torrents of the state dir, as they were left.
void load_torrents(engine_state& st) {
  std::vector<std::string> problems;
  for (auto& loaded : st.store->load_all(problems)) {
    torrent_entry e;
    e.rec = std::move(loaded.record);
    const std::string hex = to_hex(e.rec.info_hash);
    try {
      if (loaded.metainfo) {
        e.meta = parse_metainfo(*loaded.metainfo);
        if (e.meta->info_hash != e.rec.info_hash) throw std::runtime_error("its .torrent has another info-hash");
        if (!e.rec.paths.empty() && !lay_paths_over(*e.meta, e.rec.paths)) {
          problems.push_back(hex + ": its renamed paths are unusable; the torrent's own are used");
          e.rec.paths.clear();
        }
        e.have = have_from_resume(st, e);
        refresh_complete(e);
      }
      if (!e.rec.magnet.empty()) e.magnet = parse_magnet(e.rec.magnet);
      if (!e.meta && !e.magnet) throw std::runtime_error("neither a .torrent nor a magnet link is kept for it");
    } catch (const std::exception& ex) {
      problems.push_back(hex + ": " + ex.what());
      continue;
    }
    if (st.torrents.count(e.rec.id) || e.rec.id <= 0) e.rec.id = st.settings.next_id++;
    st.settings.next_id = std::max(st.settings.next_id, e.rec.id + 1);
    st.queue_end = std::max(st.queue_end, e.rec.queue_position + 1);
    st.id_of_hash[hex] = e.rec.id;
    st.torrents.emplace(e.rec.id, std::move(e));
  }
  for (const auto& p : problems) spdlog::warn("state: {}", p);
}

caf::behavior engine_behavior(self_ptr self, std::shared_ptr<engine_state> initial) {
  auto& st = self->state;
  st.cfg = std::move(initial->cfg);
  st.store = std::move(initial->store);
  st.settings = initial->settings;
  st.torrents = std::move(initial->torrents);
  st.id_of_hash = std::move(initial->id_of_hash);
  st.queue_end = initial->queue_end;
  ++st.settings.session_count;
  {
    auto options = std::make_shared<engine_options>(st.cfg.defaults);
    st.rest = spawn_rest_announcer(self->home_system(), caf::actor_cast<caf::actor>(self), st.cfg.self_id, std::move(options),
                                   st.cfg.pools, st.cfg.dht);
  }
  apply_engine_limits(st);
  save_settings(self);
  self->set_down_handler([=](caf::down_msg& dm) {
    auto& s = self->state;
    auto it = s.owner_of.find(dm.source);
    if (it == s.owner_of.end()) return;
    const int id = it->second;
    s.owner_of.erase(it);
    auto t = s.torrents.find(id);
    if (t == s.torrents.end()) return;
    on_session_down(self, id, dm.reason, dm.source == t->second.fetcher.address());
  });
  apply_queue(self);
  std::size_t running = 0;
  for (const auto& [id, e] : st.torrents) running += runs(e);
  spdlog::info("engine: {} torrents, {} started", st.torrents.size(), running);
  self->delayed_send(self, 1s, msg::tick_atom::value);
  return {
      [=](msg::rpc_atom, const std::string& method, const std::string& arguments) -> std::string {
        auto args = json::parse(arguments, nullptr, false);
        if (!args.is_object()) args = json::object();
        auto reply = answer(self, method, args);
        // A call may have started, stopped, added or moved torrents, or resized a queue.
        if (method != "torrent-get" && method != "session-get" && method != "session-stats") queue_soon(self);
        return reply;
      },
      [=](msg::complete_atom, const std::string& info) { // a fetcher has the metadata
        auto it = self->state.owner_of.find(self->current_sender() ? self->current_sender()->address() : caf::actor_addr{});
        if (it != self->state.owner_of.end()) on_metadata(self, it->second, info);
      },
      [=](msg::tracker_atom, int id, tracker_news& news) { on_rest_news(self, id, news); },
      [=](msg::wake_atom, const std::string& raw_hash) { // a peer's handshake names a resting torrent
        if (raw_hash.size() != 20) return;
        sha1_digest h{};
        std::copy(raw_hash.begin(), raw_hash.end(), h.begin());
        if (auto it = self->state.id_of_hash.find(to_hex(h)); it != self->state.id_of_hash.end()) wake_torrent(self, it->second);
      },
      [=](msg::tick_atom) {
        auto& s = self->state;
        if (s.stopping) return;
        poll(self);
        check_seeding_goals(self, s.ticks % rest_sweep_ticks == 0);
        rest_idle_seeds(self);
        if (s.ticks % 5 == 0) queue_soon(self); // stalled torrents give their slots up
        ++s.settings.seconds_active;
        const auto now = clock::now();
        s.removed.erase(std::remove_if(s.removed.begin(), s.removed.end(), [&](const auto& r) { return now - r.second > 2min; }),
                        s.removed.end());
        if (++s.ticks % save_every_ticks == 0) {
          for (auto& [id, e] : s.torrents)
            if (e.dirty) save_record(self, e);
          save_settings(self);
        } else if (s.settings_dirty) {
          save_settings(self);
        }
        self->delayed_send(self, 1s, msg::tick_atom::value);
      },
      [=](msg::queue_atom) {
        self->state.queue_pending = false;
        apply_queue(self);
      },
      [=](msg::stop_atom) {
        auto& s = self->state;
        auto rp = self->make_response_promise();
        s.on_stopped.push_back(rp);
        if (!s.stopping) {
          s.stopping = true;
          spdlog::info("engine: stopping every torrent");
          for (auto& [id, e] : s.torrents) {
            // A resting torrent has nothing to stop: its trackers forget it by their interval.
            cancel_check(self, e);
            if (e.session) self->send(e.session, msg::stop_atom::value);
            if (e.fetcher) self->send(e.fetcher, msg::interrupt_atom::value, SIGTERM);
          }
          self->delayed_send(self, stop_deadline, msg::timeout_atom::value);
          check_all_stopped(self);
        }
        return rp;
      },
      [=](msg::timeout_atom) { // sessions that did not stop in time: what we have is saved
        auto& s = self->state;
        spdlog::warn("engine: some torrents did not stop in time");
        for (auto& [id, e] : s.torrents) {
          if (e.session) self->send_exit(e.session, caf::exit_reason::kill);
          if (e.fetcher) self->send_exit(e.fetcher, caf::exit_reason::kill);
          e.session = e.fetcher = caf::actor{};
          s.live.erase(id);
        }
        check_all_stopped(self);
      },
  };
}

} // namespace

void save_record(self_ptr self, torrent_entry& e) {
  try {
    self->state.store->save(e.rec);
    e.dirty = false;
  } catch (const std::exception& ex) {
    spdlog::error("state: cannot save {}: {}", e.rec.name, ex.what());
  }
}

void queue_soon(self_ptr self) {
  auto& st = self->state;
  if (st.queue_pending || st.stopping) return;
  st.queue_pending = true;
  self->delayed_send(self, queue_delay, msg::queue_atom::value);
}

void save_settings(self_ptr self) {
  self->state.settings_dirty = false;
  try {
    save_file_atomically(settings_path(self->state), encode_settings(self->state.settings));
  } catch (const std::exception& ex) {
    spdlog::error("state: cannot save the session settings: {}", ex.what());
  }
}

context_ptr context_for(const engine_state& st, const torrent_entry& e) {
  engine_options o = st.cfg.defaults;
  o.download_dir = e.rec.download_dir;
  o.resume_dir = st.store->resume_dir();
  o.silent = true;
  o.json = false;
  o.rpc = false;
  o.seed_after_download = true;
  o.recheck = e.recheck;
  // The rates and peer counts are the live limits below, not these options.
  const auto own = torrent_limits_of(e.rec);
  o.max_download_rate = own.download;
  o.max_upload_rate = own.upload;
  o.max_peers = own.peers;
  o.seed_ratio = 0; // the engine applies the seeding goals (check_seeding_goals)
  if (e.magnet)
    for (const auto& p : e.magnet->peers) o.initial_peers.push_back(p);
  o.files = {e.rec.wanted, e.rec.priorities};
  auto ctx = make_context(*e.meta, st.cfg.self_id, std::move(o), st.cfg.pools);
  ctx->torrent.tracker_tiers = trackers_of(e);
  ctx->download_rate = e.download_rate;
  ctx->upload_rate = e.upload_rate;
  ctx->slots = e.slots;
  return ctx;
}

tracker_list trackers_of(const torrent_entry& e) {
  if (e.rec.trackers) return *e.rec.trackers;
  if (e.meta) return e.meta->tracker_tiers;
  tracker_list tiers;
  if (e.magnet)
    for (const auto& url : e.magnet->trackers) tiers.push_back({url});
  return tiers;
}

std::string apply_rename(torrent_entry& e, const path_rename& plan) {
  if (auto error = rename_on_disk(e.rec.download_dir, plan); !error.empty()) return error;
  e.rec.paths = joined_paths(plan.paths);
  lay_paths_over(*e.meta, e.rec.paths); // the same path a load takes
  e.rec.name = e.meta->name;
  return {};
}

void apply_engine_limits(engine_state& st) {
  const auto l = engine_limits_of(st.settings, st.cfg.defaults.max_download_rate, st.cfg.defaults.max_upload_rate);
  st.download_rate->set_rate(l.download);
  st.upload_rate->set_rate(l.upload);
  st.peer_budget->set_limit(l.peers);
}

void refresh_limits(engine_state& st, torrent_entry& e) {
  const auto l = torrent_limits_of(e.rec);
  if (!e.download_rate) {
    e.download_rate = std::make_shared<rate_chain>(std::make_shared<shared_rate>(l.download), st.download_rate);
    e.upload_rate = std::make_shared<rate_chain>(std::make_shared<shared_rate>(l.upload), st.upload_rate);
    e.slots = std::make_shared<peer_slots>(std::make_shared<connection_budget>(l.peers), st.peer_budget);
  }
  e.download_rate->own().set_rate(l.download);
  e.upload_rate->own().set_rate(l.upload);
  e.download_rate->honour_engine(e.rec.honors_session_limits);
  e.upload_rate->honour_engine(e.rec.honors_session_limits);
  e.slots->own().set_limit(l.peers);
}

void start_torrent(self_ptr self, int id) {
  auto& st = self->state;
  auto it = st.torrents.find(id);
  if (it == st.torrents.end() || st.stopping) return;
  auto& e = it->second;
  if (runs(e)) return;
  e.error.clear();
  e.finished = false;
  e.after = after_stop::nothing;
  e.start_date = unix_now();
  e.run_since = clock::now();
  if (!e.meta) {
    auto& sys = self->home_system();
    engine_options o = st.cfg.defaults;
    o.download_dir = e.rec.download_dir;
    o.max_peers = static_cast<std::size_t>(std::max(1, e.rec.peer_limit));
    e.fetcher = spawn_metadata_fetcher(sys, *e.magnet, st.cfg.self_id, o, caf::actor_cast<caf::actor>(self), st.cfg.dht, st.cfg.pools);
    self->monitor(e.fetcher);
    st.owner_of[e.fetcher.address()] = id;
    return;
  }
  if (st.cfg.rest_after.count() == 0 && !e.stop_after_check) return start_session(self, id, e); // the session checks
  e.check_queued = true;
  st.check_queue.push_back(id);
  next_checks(self);
}

void stop_torrent(self_ptr self, int id, after_stop then) {
  auto& st = self->state;
  auto it = st.torrents.find(id);
  if (it == st.torrents.end()) return;
  auto& e = it->second;
  const bool was_running = runs(e);
  if (e.check || e.check_queued) cancel_check(self, e);
  if (e.resting) end_rest(self, id, e, then != after_stop::restart);
  if (!e.session && !e.fetcher) {
    // Nothing runs: what would follow the stop happens now.
    e.after = then;
    if (then == after_stop::remove) return forget_torrent(self, id, e.delete_data);
    if (then == after_stop::relocate) relocate(e);
    finish_rename(e); // one asked for while a check had its files open
    e.after = after_stop::nothing;
    save_record(self, e);
    if ((then == after_stop::restart || (then == after_stop::relocate && was_running)) && !e.rec.paused) start_torrent(self, id);
    return;
  }
  // A later request wins over an earlier one, except that a removal stays a removal.
  if (e.after != after_stop::remove) e.after = then;
  if (e.session) self->send(e.session, msg::stop_atom::value);
  if (e.fetcher) self->send(e.fetcher, msg::interrupt_atom::value, SIGTERM);
}

void forget_torrent(self_ptr self, int id, bool delete_data) {
  auto& st = self->state;
  auto it = st.torrents.find(id);
  if (it == st.torrents.end()) return;
  auto& e = it->second;
  if (delete_data && e.meta) {
    std::vector<std::string> problems;
    const auto n = remove_torrent_data(e.rec.download_dir, *e.meta, problems);
    spdlog::info("{}: removed with its data ({} files)", e.rec.name, n);
    for (const auto& p : problems) spdlog::warn("{}: not removed: {}", e.rec.name, p);
  } else {
    spdlog::info("{}: removed", e.rec.name);
  }
  try {
    st.store->remove(e.rec.info_hash);
  } catch (const std::exception& ex) {
    spdlog::error("state: cannot remove {}: {}", e.rec.name, ex.what());
  }
  st.id_of_hash.erase(to_hex(e.rec.info_hash));
  st.removed.emplace_back(id, clock::now());
  st.torrents.erase(it);
}

void refresh_complete(torrent_entry& e) {
  if (!e.meta) {
    e.complete = false;
    e.have_bytes = 0;
    return;
  }
  const auto progress = progress_of(*e.meta, e.have, e.rec.wanted);
  e.complete = progress.wanted_left == 0;
  e.have_bytes = progress.have_bytes;
}

} // namespace engine_detail

caf::actor spawn_engine(caf::actor_system& sys, engine_config cfg) {
  using namespace engine_detail;
  auto initial = std::make_shared<engine_state>();
  initial->store = std::make_unique<state_store>(cfg.state_dir); // throws: no state dir, no engine
  const std::string path = settings_path(*initial);
  if (auto text = load_file(path, 1 << 20)) {
    try {
      initial->settings = decode_settings(*text);
    } catch (const std::exception& e) {
      spdlog::warn("state: {} is unusable ({}): default settings", path, e.what());
    }
  }
  if (initial->settings.download_dir.empty()) initial->settings.download_dir = cfg.download_dir;
  initial->cfg = std::move(cfg);
  load_torrents(*initial);
  return sys.spawn(engine_behavior, initial);
}

} // namespace actorrent
