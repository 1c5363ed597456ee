// The engine's Transmission RPC methods (rpc-version 17): each checks its
// arguments first (a bad one: Transmission's error result, nothing changed),
// then acts on the engine's torrents. Answers come from the engine's latest
// figures, so a call never waits on a torrent.
#include <sys/statvfs.h>

#include <algorithm>
#include <fstream>
#include <thread>

#include <spdlog/spdlog.h>

#include "actors/engine_state.hpp"
#include "protocol/base64.hpp"
#include "protocol/engine/queue_order.hpp"
#include "protocol/storage/resume_data.hpp"
#include "protocol/rpc/methods.hpp"

namespace actorrent::engine_detail {

namespace {

using json = nlohmann::json;

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// An argument error: the call is refused with this text as its result.
struct bad_argument : std::runtime_error {
  using std::runtime_error::runtime_error;
};

bool get_bool(const json& args, const char* key, bool fallback) {
  const auto it = args.find(key);
  if (it == args.end()) return fallback;
  if (it->is_boolean()) return it->get<bool>();
  if (it->is_number_integer() && (*it == 0 || *it == 1)) return *it == 1; // Transmission takes 0/1 too
  throw bad_argument(std::string(key) + " must be a boolean");
}

std::int64_t get_int(const json& args, const char* key, std::int64_t fallback, std::int64_t lo, std::int64_t hi) {
  const auto it = args.find(key);
  if (it == args.end()) return fallback;
  if (!it->is_number_integer()) throw bad_argument(std::string(key) + " must be an integer");
  const auto v = it->get<std::int64_t>();
  if (v < lo || v > hi) throw bad_argument(std::string(key) + " is out of range");
  return v;
}

std::optional<std::string> get_string(const json& args, const char* key) {
  const auto it = args.find(key);
  if (it == args.end()) return std::nullopt;
  if (!it->is_string()) throw bad_argument(std::string(key) + " must be a string");
  return it->get<std::string>();
}

std::string absolute_dir(const std::string& dir, const char* what) {
  if (dir.empty() || dir.front() != '/') throw bad_argument(std::string(what) + " must be an absolute path");
  if (dir.find('\0') != std::string::npos) throw bad_argument(std::string(what) + " is not a path");
  return dir;
}

// File indices (an empty array: every file, as Transmission reads it).
std::vector<std::size_t> file_indices(const json& args, const char* key, std::size_t file_count, bool& given) {
  const auto it = args.find(key);
  given = it != args.end();
  if (!given) return {};
  if (!it->is_array()) throw bad_argument(std::string(key) + " must be an array of file indices");
  std::vector<std::size_t> out;
  if (it->empty()) {
    for (std::size_t i = 0; i < file_count; ++i) out.push_back(i);
    return out;
  }
  for (const auto& n : *it) {
    if (!n.is_number_integer() || n.get<std::int64_t>() < 0 ||
        (file_count > 0 && n.get<std::int64_t>() >= static_cast<std::int64_t>(file_count)))
      throw bad_argument(std::string(key) + " names a file the torrent does not have");
    out.push_back(static_cast<std::size_t>(n.get<std::int64_t>()));
  }
  return out;
}

// files-wanted/-unwanted and priority-high/-low/-normal, onto a record.
// Returns whether the wanted set or a priority changed.
bool apply_file_choices(torrent_record& r, const json& args, std::size_t file_count) {
  bool changed = false, given = false;
  const std::size_t cap = file_count ? file_count : 1 << 20; // a magnet: checked once the files are known
  for (auto [key, want] : {std::pair{"files-wanted", true}, std::pair{"files-unwanted", false}}) {
    const auto idx = file_indices(args, key, file_count, given);
    for (auto i : idx) {
      if (i >= cap) continue;
      if (r.wanted.size() <= i) r.wanted.resize(std::max<std::size_t>(file_count, i + 1), true);
      if (r.wanted[i] != want) changed = true;
      r.wanted[i] = want;
    }
  }
  for (auto [key, prio] : {std::pair{"priority-high", 1}, std::pair{"priority-low", -1}, std::pair{"priority-normal", 0}}) {
    const auto idx = file_indices(args, key, file_count, given);
    for (auto i : idx) {
      if (i >= cap) continue;
      if (r.priorities.size() <= i) r.priorities.resize(std::max<std::size_t>(file_count, i + 1), 0);
      if (r.priorities[i] != prio) changed = true;
      r.priorities[i] = prio;
    }
  }
  // All wanted again: the plain form.
  if (std::all_of(r.wanted.begin(), r.wanted.end(), [](bool w) { return w; })) r.wanted.clear();
  return changed;
}

std::vector<std::string> get_labels(const json& args) {
  const auto it = args.find("labels");
  std::vector<std::string> out;
  if (!it->is_array()) throw bad_argument("labels must be an array of strings");
  for (const auto& l : *it) {
    if (!l.is_string() || l.get<std::string>().empty() || l.get<std::string>().size() > 256 ||
        l.get<std::string>().find(',') != std::string::npos)
      throw bad_argument("labels must be non-empty strings without commas");
    out.push_back(l.get<std::string>());
  }
  return out;
}

std::vector<int> selected(engine_state& st, const json& args, bool all_when_absent = true) {
  std::string error;
  const auto sel = rpc::parse_ids(args, error);
  if (!sel) throw bad_argument(error);
  std::vector<int> out;
  if (sel->all && !all_when_absent) return out;
  const auto now = clock::now();
  for (const auto& [id, e] : st.torrents) {
    if (sel->recently_active) {
      if (e.session || e.fetcher || e.check || e.check_queued || now - e.active_at < std::chrono::seconds(60)) out.push_back(id);
    } else if (sel->matches(id, to_hex(e.rec.info_hash))) {
      out.push_back(id);
    }
  }
  return out;
}

// torrent-get's whole reply, serialized as it is built (one view alive at a
// time, no JSON tree of every torrent): listing ten thousand is megabytes.
std::string torrent_get_text(self_ptr self, const json& args) {
  auto& st = self->state;
  std::string error;
  const auto request = rpc::parse_torrent_get(args, error);
  if (!request) throw bad_argument(error);
  const auto ids = selected(st, args);
  const auto parts = rpc::parts_for(request->fields);
  rpc::torrent_get_writer writer(*request);
  for (int id : ids) writer.add(view_of(st, st.torrents.at(id), parts));
  std::string out = std::move(writer).finish();
  std::string ignored;
  if (const auto sel = rpc::parse_ids(args, ignored); sel && sel->recently_active) {
    json removed = json::array();
    for (const auto& [id, at] : st.removed) removed.push_back(id);
    out.pop_back(); // the closing brace
    out += ",\"removed\":" + removed.dump() + "}";
  }
  return "{\"arguments\":" + out + ",\"result\":\"success\"}";
}

json torrent_add(self_ptr self, const json& args) {
  auto& st = self->state;
  std::optional<metainfo> meta;
  std::optional<magnet_link> magnet;
  std::string metainfo_bytes;
  const auto filename = get_string(args, "filename");
  const auto encoded = get_string(args, "metainfo");
  try {
    if (encoded) {
      const auto bytes = base64_decode(*encoded);
      if (!bytes) throw bad_argument("metainfo is not base64");
      metainfo_bytes = *bytes;
    } else if (filename && is_magnet(*filename)) {
      magnet = parse_magnet(*filename);
    } else if (filename) {
      if (filename->rfind("http://", 0) == 0 || filename->rfind("https://", 0) == 0)
        throw bad_argument("fetching a torrent by URL is not supported: send its metainfo or a magnet link");
      const auto bytes = load_file(*filename, static_cast<std::size_t>(max_torrent_file_size));
      if (!bytes) throw bad_argument("no such file: " + *filename);
      metainfo_bytes = *bytes;
    } else {
      throw bad_argument("no filename or metainfo specified");
    }
    if (!magnet) meta = parse_metainfo(metainfo_bytes);
  } catch (const bad_argument&) {
    throw;
  } catch (const std::exception& e) {
    throw bad_argument(std::string("invalid or corrupt torrent file (") + e.what() + ")");
  }
  const sha1_digest hash = meta ? meta->info_hash : magnet->info_hash;
  const std::string hex = to_hex(hash);
  if (auto known = st.id_of_hash.find(hex); known != st.id_of_hash.end()) {
    const auto& e = st.torrents.at(known->second);
    return {{"torrent-duplicate", {{"id", e.rec.id}, {"name", e.rec.name}, {"hashString", hex}}}};
  }
  torrent_entry e;
  torrent_record& r = e.rec;
  r.info_hash = hash;
  r.name = meta ? meta->name : !magnet->display_name.empty() ? magnet->display_name : hex;
  r.magnet = magnet ? *filename : std::string();
  r.download_dir = absolute_dir(get_string(args, "download-dir").value_or(st.settings.download_dir), "download-dir");
  r.paused = get_bool(args, "paused", !st.settings.start_added_torrents);
  r.added_date = unix_now();
  r.peer_limit = static_cast<int>(get_int(args, "peer-limit", st.settings.peer_limit_per_torrent, 1, 5000));
  r.bandwidth_priority = static_cast<int>(get_int(args, "bandwidthPriority", 0, -1, 1));
  if (args.contains("labels")) r.labels = get_labels(args);
  apply_file_choices(r, args, meta ? meta->files.size() : 0);
  r.queue_position = st.queue_end++; // the end of the queue
  r.id = st.settings.next_id++;
  if (meta) {
    e.have = bitfield(meta->piece_count());
    e.meta = std::move(meta);
    st.store->save_metainfo(hash, metainfo_bytes);
  }
  e.magnet = std::move(magnet);
  const int id = r.id;
  const std::string name = r.name;
  st.store->save(r);
  st.id_of_hash[hex] = id;
  st.torrents.emplace(id, std::move(e));
  ++st.run_files_added;
  ++st.settings.files_added;
  // Within a second (the record above is what a crash must not lose; next_id
  // is recovered from the records at load).
  st.settings_dirty = true;
  spdlog::info("{}: added (id {})", name, id);
  // It starts when the queue has a slot for it (the engine applies the queue after each call).
  return {{"torrent-added", {{"id", id}, {"name", name}, {"hashString", hex}}}};
}

// Positions 0..n-1 in the given order, saved where they changed.
void store_queue_order(self_ptr self, const std::vector<int>& order) {
  auto& end = self->state.queue_end;
  end = std::max(end, static_cast<int>(order.size()));
  for (std::size_t i = 0; i < order.size(); ++i) {
    auto& e = self->state.torrents.at(order[i]);
    if (e.rec.queue_position != static_cast<int>(i)) {
      e.rec.queue_position = static_cast<int>(i);
      save_record(self, e);
    }
  }
}

std::vector<queue_slot> queue_slots(const engine_state& st) {
  std::vector<queue_slot> slots;
  for (const auto& [id, e] : st.torrents) slots.push_back({id, e.rec.queue_position});
  return slots;
}

json torrent_set(self_ptr self, const json& args) {
  auto& st = self->state;
  const auto ids = selected(st, args, false);
  // Check everything on copies first: a bad argument changes nothing.
  struct change {
    int id;
    torrent_record record;
    bool files_changed;
  };
  std::vector<change> changed;
  for (int id : ids) {
    const auto& e = st.torrents.at(id);
    torrent_record r = e.rec;
    r.download_limit = get_int(args, "downloadLimit", r.download_limit, 0, 1LL << 31);
    r.download_limited = get_bool(args, "downloadLimited", r.download_limited);
    r.upload_limit = get_int(args, "uploadLimit", r.upload_limit, 0, 1LL << 31);
    r.upload_limited = get_bool(args, "uploadLimited", r.upload_limited);
    r.honors_session_limits = get_bool(args, "honorsSessionLimits", r.honors_session_limits);
    r.peer_limit = static_cast<int>(get_int(args, "peer-limit", r.peer_limit, 1, 5000));
    r.bandwidth_priority = static_cast<int>(get_int(args, "bandwidthPriority", r.bandwidth_priority, -1, 1));
    r.queue_position = static_cast<int>(get_int(args, "queuePosition", r.queue_position, 0, 1 << 30));
    r.seed_ratio_mode = static_cast<int>(get_int(args, "seedRatioMode", r.seed_ratio_mode, 0, 2));
    r.seed_idle_mode = static_cast<int>(get_int(args, "seedIdleMode", r.seed_idle_mode, 0, 2));
    r.seed_idle_limit = static_cast<int>(get_int(args, "seedIdleLimit", r.seed_idle_limit, 0, 1 << 20));
    if (const auto it = args.find("seedRatioLimit"); it != args.end()) {
      if (!it->is_number() || !(it->get<double>() >= 0 && it->get<double>() <= 1e6))
        throw bad_argument("seedRatioLimit must be a number from 0");
      r.seed_ratio_limit = it->get<double>();
    }
    if (args.contains("labels")) r.labels = get_labels(args);
    if (const auto loc = get_string(args, "location")) r.download_dir = absolute_dir(*loc, "location");
    const bool files_changed = apply_file_choices(r, args, e.meta ? e.meta->files.size() : 0);
    if (edits_trackers(args)) {
      try {
        r.trackers = edit_trackers(trackers_of(e), args);
      } catch (const std::invalid_argument& ex) {
        throw bad_argument(ex.what());
      }
    }
    changed.push_back({id, std::move(r), files_changed});
  }
  // Limits change in place; the file choice shapes a session's storage and
  // picker, read at its start: a change restarts it.
  const bool moved = args.contains("queuePosition");
  for (auto& c : changed) {
    auto& e = st.torrents.at(c.id);
    e.rec = std::move(c.record);
    if (c.files_changed) refresh_complete(e);
    save_record(self, e);
    refresh_limits(st, e);
    // The running tracker client takes the new list at once (no restart).
    if (edits_trackers(args) && e.session) self->send(e.session, msg::trackers_atom::value, trackers_of(e));
    if (edits_trackers(args) && e.resting) announce_rest(self, c.id, false);
    if (c.files_changed && (e.session || e.resting)) stop_torrent(self, c.id, after_stop::restart);
  }
  if (moved) store_queue_order(self, place_moved(queue_slots(st), ids));
  return json::object();
}

json rename_path(self_ptr self, const json& args) {
  auto& st = self->state;
  const auto ids = selected(st, args, false);
  if (ids.size() != 1) throw bad_argument("torrent-rename-path takes exactly one torrent");
  const auto path = get_string(args, "path");
  const auto name = get_string(args, "name");
  if (!path || !name) throw bad_argument("torrent-rename-path needs a path and a name");
  auto& e = st.torrents.at(ids.front());
  if (!e.meta) throw bad_argument("the torrent's metadata has not arrived yet");
  std::vector<std::vector<std::string>> paths;
  for (const auto& f : e.meta->files) paths.push_back(f.path);
  // Renames waiting for the torrent to stop: the next one goes on top of them.
  if (!e.pending_renames.empty()) paths = e.pending_renames.back().paths;
  path_rename plan;
  try {
    plan = plan_rename(paths, *path, *name);
  } catch (const std::invalid_argument& ex) {
    throw bad_argument(ex.what());
  }
  if (e.session || e.check) {
    // Its files are open: the rename happens once they are closed, then it starts again.
    e.pending_renames.push_back(std::move(plan));
    stop_torrent(self, ids.front(), after_stop::restart);
  } else {
    if (const auto error = apply_rename(e, plan); !error.empty()) throw bad_argument(error);
    save_record(self, e);
  }
  return {{"path", *path}, {"name", *name}, {"id", ids.front()}};
}

json set_location(self_ptr self, const json& args) {
  auto& st = self->state;
  const auto location = get_string(args, "location");
  if (!location) throw bad_argument("no location specified");
  const std::string to = absolute_dir(*location, "location");
  const bool move = get_bool(args, "move", false);
  for (int id : selected(st, args, false)) {
    auto& e = st.torrents.at(id);
    e.new_location = to;
    e.move_data = move;
    stop_torrent(self, id, after_stop::relocate);
  }
  return json::object();
}

json move_queue(self_ptr self, const std::string& method, const json& args) {
  const auto ids = selected(self->state, args, false);
  const auto how = method == "queue-move-top"      ? queue_move::top
                   : method == "queue-move-bottom" ? queue_move::bottom
                   : method == "queue-move-up"     ? queue_move::up
                                                   : queue_move::down;
  store_queue_order(self, move_in_queue(queue_order(queue_slots(self->state)), ids, how));
  return json::object();
}

json free_space(const json& args) {
  const auto path = get_string(args, "path");
  if (!path) throw bad_argument("no path specified");
  absolute_dir(*path, "path");
  struct statvfs sv {};
  if (::statvfs(path->c_str(), &sv) != 0) throw bad_argument("cannot read the free space of " + *path);
  const auto free_bytes = static_cast<std::int64_t>(sv.f_bavail) * static_cast<std::int64_t>(sv.f_frsize);
  const auto total = static_cast<std::int64_t>(sv.f_blocks) * static_cast<std::int64_t>(sv.f_frsize);
  return {{"path", *path}, {"size-bytes", free_bytes}, {"total_size", total}};
}

std::int64_t thread_count() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("Threads:", 0) == 0) return std::stoll(line.substr(8));
  return -1;
}

json session_get(self_ptr self, const json& args) {
  auto& st = self->state;
  const auto& s = st.settings;
  rpc::session_facts f;
  f.version = std::string("actorrent ") + ACTORRENT_VERSION;
  f.session_id = "-"; // the RPC server puts its own
  f.download_dir = s.download_dir;
  f.peer_port = st.cfg.defaults.listen_port;
  f.dht_enabled = static_cast<bool>(st.cfg.dht);
  f.peer_limit = static_cast<std::size_t>(s.peer_limit_global);
  json all = rpc::session_get(f, json::object());
  all["speed-limit-down"] = s.speed_limit_down;
  all["speed-limit-down-enabled"] = s.speed_limit_down_enabled;
  all["speed-limit-up"] = s.speed_limit_up;
  all["speed-limit-up-enabled"] = s.speed_limit_up_enabled;
  all["alt-speed-enabled"] = s.alt_speed_enabled;
  all["alt-speed-down"] = s.alt_speed_down;
  all["alt-speed-up"] = s.alt_speed_up;
  all["peer-limit-per-torrent"] = s.peer_limit_per_torrent;
  all["seedRatioLimit"] = s.seed_ratio_limit;
  all["seedRatioLimited"] = s.seed_ratio_limited;
  all["idle-seeding-limit"] = s.idle_seeding_limit;
  all["idle-seeding-limit-enabled"] = s.idle_seeding_limit_enabled;
  all["download-queue-enabled"] = s.download_queue_enabled;
  all["download-queue-size"] = s.download_queue_size;
  all["seed-queue-enabled"] = s.seed_queue_enabled;
  all["seed-queue-size"] = s.seed_queue_size;
  all["queue-stalled-enabled"] = s.queue_stalled_enabled;
  all["queue-stalled-minutes"] = s.queue_stalled_minutes;
  all["start-added-torrents"] = s.start_added_torrents;
  all["config-dir"] = st.store->dir();
  return rpc::select_fields(all, args);
}

json session_stats(self_ptr self) {
  auto& st = self->state;
  std::int64_t down = 0, up = 0, active = 0, paused = 0;
  for (const auto& [id, e] : st.torrents) {
    const auto v = view_of(st, e);
    down += v.rate_download;
    up += v.rate_upload;
    if (v.status == rpc::torrent_status::stopped) ++paused;
    if (v.rate_download > 0 || v.rate_upload > 0) ++active;
  }
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(clock::now() - st.started).count();
  const auto& s = st.settings;
  return {{"activeTorrentCount", active},
          {"pausedTorrentCount", paused},
          {"torrentCount", st.torrents.size()},
          {"downloadSpeed", down},
          {"uploadSpeed", up},
          {"current-stats",
           {{"uploadedBytes", st.run_uploaded},
            {"downloadedBytes", st.run_downloaded},
            {"filesAdded", st.run_files_added},
            {"sessionCount", 1},
            {"secondsActive", seconds}}},
          {"cumulative-stats",
           {{"uploadedBytes", s.uploaded_bytes},
            {"downloadedBytes", s.downloaded_bytes},
            {"filesAdded", s.files_added},
            {"sessionCount", s.session_count},
            {"secondsActive", s.seconds_active}}}};
}

json engine_stats(self_ptr self) {
  auto& st = self->state;
  json torrents = json::array();
  for (const auto& [id, e] : st.torrents) {
    json one = e.last;
    one["id"] = id;
    one["name"] = e.rec.name;
    one["running"] = static_cast<bool>(e.session || e.fetcher);
    one["resting"] = e.resting;
    torrents.push_back(std::move(one));
  }
  return {{"threads", thread_count()}, {"torrents", torrents}};
}

} // namespace

namespace {

// Every method but torrent-get: the reply as JSON; a bad argument throws.
json answer_json(self_ptr self, const rpc::call& c) {
  auto& st = self->state;
  const std::string& method = c.method;
  const json& args = c.arguments;
  {
    if (method == "torrent-add") return rpc::reply(c, "success", torrent_add(self, args));
    if (method == "torrent-start" || method == "torrent-start-now") {
      // A queued start waits for a slot; start-now runs at once, outside the queue.
      const bool now = method == "torrent-start-now";
      for (int id : selected(st, args)) {
        auto& e = st.torrents.at(id);
        e.rec.paused = false;
        e.finished = false;
        e.error.clear();
        e.forced = e.forced || now;
        save_record(self, e);
        if (now) start_torrent(self, id);
      }
      return rpc::reply(c, "success");
    }
    if (method == "torrent-stop") {
      for (int id : selected(st, args)) {
        auto& e = st.torrents.at(id);
        e.rec.paused = true;
        e.forced = false;
        e.stop_after_check = false;
        save_record(self, e);
        stop_torrent(self, id, after_stop::nothing);
      }
      return rpc::reply(c, "success");
    }
    if (method == "torrent-verify") {
      for (int id : selected(st, args)) {
        auto& e = st.torrents.at(id);
        if (!e.meta) continue; // nothing to verify before the metadata is in
        e.recheck = true;
        const bool running = runs(e);
        if (!running) {
          e.stop_after_check = e.rec.paused;
          e.rec.paused = false;
          start_torrent(self, id);
        } else {
          stop_torrent(self, id, after_stop::restart);
        }
      }
      return rpc::reply(c, "success");
    }
    if (method == "torrent-reannounce") {
      for (int id : selected(st, args))
        if (auto& e = st.torrents.at(id); e.session)
          self->send(e.session, msg::reannounce_atom::value);
        else if (e.resting)
          self->send(st.rest, msg::reannounce_atom::value, id);
      return rpc::reply(c, "success");
    }
    if (method == "torrent-remove") {
      const bool delete_data = get_bool(args, "delete-local-data", false);
      for (int id : selected(st, args, false)) {
        st.torrents.at(id).delete_data = delete_data;
        stop_torrent(self, id, after_stop::remove);
      }
      return rpc::reply(c, "success");
    }
    if (method == "torrent-set") return rpc::reply(c, "success", torrent_set(self, args));
    if (method == "torrent-set-location") return rpc::reply(c, "success", set_location(self, args));
    if (method == "torrent-rename-path") return rpc::reply(c, "success", rename_path(self, args));
    if (method.rfind("queue-move-", 0) == 0 &&
        (method == "queue-move-top" || method == "queue-move-up" || method == "queue-move-down" || method == "queue-move-bottom"))
      return rpc::reply(c, "success", move_queue(self, method, args));
    if (method == "session-get") return rpc::reply(c, "success", session_get(self, args));
    if (method == "session-set") {
      const std::string error = apply_session_set(st.settings, args);
      if (!error.empty()) return rpc::reply(c, error);
      apply_engine_limits(st); // in place: running torrents feel it within a refill period
      save_settings(self);
      return rpc::reply(c, "success");
    }
    if (method == "session-stats") return rpc::reply(c, "success", session_stats(self));
    if (method == "free-space") return rpc::reply(c, "success", free_space(args));
    if (method == "port-test")
      return rpc::reply(c, "port-test is not supported: actorrent asks no outside service to dial it", {{"port-is-open", false}});
    if (method == "blocklist-update") return rpc::reply(c, "blocklists are not supported");
    if (method == "session-close") {
      self->send(self, msg::stop_atom::value);
      return rpc::reply(c, "success");
    }
    if (method == "actorrent-engine-stats") return rpc::reply(c, "success", engine_stats(self));
    return rpc::reply(c, "method name not recognized");
  }
}

} // namespace

std::string answer(self_ptr self, const std::string& method, const json& args) {
  const rpc::call c{method, args, nullptr};
  try {
    if (self->state.stopping) return rpc::reply(c, "the daemon is shutting down").dump();
    if (method == "torrent-get") return torrent_get_text(self, args);
    return answer_json(self, c).dump();
  } catch (const bad_argument& e) {
    return rpc::reply(c, e.what()).dump();
  } catch (const std::exception& e) {
    // A failure of ours (the state dir, say): a one-line answer, the engine goes on.
    spdlog::error("rpc {}: {}", method, e.what());
    return rpc::reply(c, e.what()).dump();
  }
}

} // namespace actorrent::engine_detail
