#pragma once
// The engine's state, shared by its actor shell (engine.cpp) and its RPC
// methods (engine_rpc.cpp). Private to those two files.
#include <chrono>
#include <deque>
#include <map>
#include <set>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/engine.hpp"
#include "actors/piece_check.hpp"
#include "messages/atoms.hpp"
#include "messages/types.hpp"
#include "protocol/bitfield.hpp"
#include "protocol/swarm/connection_budget.hpp"
#include "protocol/swarm/rate_limit.hpp"
#include "protocol/engine/session_settings.hpp"
#include "protocol/engine/path_rename.hpp"
#include "protocol/engine/torrent_record.hpp"
#include "protocol/engine/tracker_edit.hpp"
#include "protocol/metainfo/magnet.hpp"
#include "protocol/rpc/torrent_fields.hpp"

namespace actorrent::engine_detail {

using clock = std::chrono::steady_clock;

// What happens once a torrent's session (or fetcher) is down.
// queue: back to waiting for a slot; rest: on to resting without actors.
enum class after_stop { nothing, restart, remove, relocate, queue, rest };

// A tracker's last answer to the rest announcer (torrent-get's trackerStats while resting).
struct tracker_answer {
  std::string url;
  std::int64_t at = 0; // unix seconds
  std::size_t peers = 0;
  std::string failure;
};

struct torrent_entry {
  torrent_record rec;
  std::optional<metainfo> meta;       // none: a magnet still fetching its info dictionary
  std::optional<magnet_link> magnet;  // set for a torrent added by magnet
  caf::actor session;                 // running: downloading, checking or seeding
  caf::actor fetcher;                 // running: fetching the metadata
  std::string error;                  // a local error (one line); cleared by a start
  nlohmann::json last = nlohmann::json::object(); // the session's latest figures
  bitfield have;                      // verified pieces (latest poll, or the resume file)
  std::int64_t seen_uploaded = 0;     // the running session's figures last seen (each from 0 at its start)
  std::int64_t seen_received = 0;
  std::int64_t seen_wasted = 0;
  std::int64_t start_date = 0;
  clock::time_point active_at{};      // last time bytes moved (for "recently-active")
  after_stop after = after_stop::nothing;
  bool delete_data = false;           // with after_stop::remove
  std::string new_location;           // with after_stop::relocate
  bool move_data = false;
  bool recheck = false;               // the next start hashes everything
  bool stop_after_check = false;      // torrent-verify of a stopped torrent
  bool finished = false;              // stopped by a seeding goal
  bool forced = false;                // torrent-start-now: bypasses the queue (until stopped)
  bool complete = false;              // every wanted piece verified
  std::int64_t have_bytes = 0;        // verified bytes, kept with `complete`
  clock::time_point run_since{};      // when its actors last started
  clock::time_point next_poll{};      // when its session's figures are asked for next
  clock::time_point seeding_since{};  // when it was first seen complete in this run
  bool dirty = false;                 // counters changed since the record was saved
  std::vector<path_rename> pending_renames; // in order, once its session is down
  // Resting: complete, no peer, no actors; the rest announcer and the listener stand in.
  bool resting = false;
  std::vector<tracker_answer> answers; // while resting
  std::int64_t seeders = -1, leechers = -1;
  clock::time_point idle_since{};      // a running seed first seen with no peer and no traffic
  // The engine's own check before a session starts (or it rests).
  std::shared_ptr<check_handle> check;
  bool check_queued = false;           // waiting for a check slot
  std::uint32_t checked = 0, to_check = 0;
  // Its live limits, kept across restarts; created by refresh_limits.
  rate_chain_ptr download_rate, upload_rate;
  peer_slots_ptr slots;
};

struct engine_state {
  engine_config cfg;
  std::unique_ptr<state_store> store;
  session_settings settings;
  std::map<int, torrent_entry> torrents;              // by RPC id
  std::unordered_map<std::string, int> id_of_hash;    // lower-case hex -> id
  std::unordered_map<caf::actor_addr, int> owner_of;  // session or fetcher -> id
  std::set<int> live;                                 // torrents with a session (what the tick visits)
  std::vector<std::pair<int, clock::time_point>> removed; // for "recently-active"
  clock::time_point started = clock::now();
  std::int64_t run_uploaded = 0, run_downloaded = 0, run_files_added = 0;
  std::uint64_t ticks = 0;
  // What torrents that honour session limits share (session-set changes them in place).
  shared_rate_ptr download_rate = std::make_shared<shared_rate>();
  shared_rate_ptr upload_rate = std::make_shared<shared_rate>();
  connection_budget_ptr peer_budget = std::make_shared<connection_budget>(200);
  caf::actor rest;                 // the rest announcer
  std::deque<int> check_queue;     // torrents waiting for a check slot (stale ids skipped)
  std::size_t checks_running = 0;
  bool queue_pending = false;      // a queue_atom is on its way
  bool settings_dirty = false;     // saved within a second
  int queue_end = 0;               // past the last queue position given
  bool stopping = false;
  std::vector<caf::response_promise> on_stopped;
  static inline const char* name = "engine";
};

using self_ptr = caf::stateful_actor<engine_state>*;

// Anything of it under way: a session, a fetcher, a check (or one waiting), or a rest.
inline bool runs(const torrent_entry& e) { return e.session || e.fetcher || e.check || e.check_queued || e.resting; }

inline std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// A number of a session's figures (0 when absent).
inline std::int64_t number(const nlohmann::json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_number() ? static_cast<std::int64_t>(it->get<double>()) : 0;
}

// engine.cpp
void start_torrent(self_ptr self, int id);
// A resting torrent's session starts (a peer asked for it, or leechers are about).
void wake_torrent(self_ptr self, int id);
// The rest announcer and the listener learn of a resting torrent's trackers again.
void announce_rest(self_ptr self, int id, bool first);
void stop_torrent(self_ptr self, int id, after_stop then); // then: what to do once it is down
void save_record(self_ptr self, torrent_entry& e);
// Renames on disk and in the torrent's metainfo and record; the error in one line.
std::string apply_rename(torrent_entry& e, const path_rename& plan);
// Its trackers: as edited over RPC, else the metainfo's (or the magnet's).
tracker_list trackers_of(const torrent_entry& e);
// The live limits from the settings and a torrent's record (created the first time).
void apply_engine_limits(engine_state& st);
void refresh_limits(engine_state& st, torrent_entry& e);
void save_settings(self_ptr self);
void forget_torrent(self_ptr self, int id, bool delete_data); // the session is down: gone for good
void refresh_complete(torrent_entry& e);
void apply_queue(self_ptr self); // starts and queues torrents as the queue policy says
void queue_soon(self_ptr self);  // apply_queue within queue_delay, once for all asking meanwhile
context_ptr context_for(const engine_state& st, const torrent_entry& e);
rpc::torrent_view view_of(const engine_state& st, const torrent_entry& e, rpc::view_parts parts = {});

// engine_rest.cpp: the engine's checks, rests and wake-ups.
bool idle_seed(const torrent_entry& e); // complete, no peer, nothing moving
void rest_idle_seeds(self_ptr self);    // running seeds idle for rest_after go to rest
void on_rest_news(self_ptr self, int id, const tracker_news& news);
void start_session(self_ptr self, int id, torrent_entry& e);
// The listener parks handshakes for it and wakes us (resting), or no longer.
void tell_listener(self_ptr self, const torrent_entry& e, bool resting);
void next_checks(self_ptr self);        // starts waiting checks while there are slots
void cancel_check(self_ptr self, torrent_entry& e);
void end_rest(self_ptr self, int id, torrent_entry& e, bool say_stopped);

// engine_rpc.cpp: one call, answered now (the reply JSON, without tag).
// The serialized reply {"result", "arguments"}; bad arguments get Transmission's error result.
std::string answer(self_ptr self, const std::string& method, const nlohmann::json& arguments);

} // namespace actorrent::engine_detail
