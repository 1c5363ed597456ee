// How the engine's torrents look from outside: their queue entries, the
// queue applied, and the view torrent-get reads.
#include <spdlog/spdlog.h>

#include "actors/engine_state.hpp"
#include "protocol/engine/queue_policy.hpp"
#include "protocol/engine/torrent_progress.hpp"

namespace actorrent::engine_detail {

using json = nlohmann::json;

namespace {

bool wants_to_run(const torrent_entry& e) { return !e.rec.paused && e.error.empty() && !e.finished; }

queue_entry queue_entry_of(int id, const torrent_entry& e) {
  queue_entry q;
  q.id = id;
  q.position = e.rec.queue_position;
  q.direction = e.complete ? queue_direction::seed : queue_direction::download;
  q.wants_to_run = wants_to_run(e);
  q.forced = e.forced;
  q.running = runs(e);
  q.checking = e.check || e.check_queued || e.last.value("checking", false) || e.stop_after_check;
  q.last_activity = std::max(e.active_at, e.run_since);
  return q;
}

} // namespace

void apply_queue(self_ptr self) {
  auto& st = self->state;
  if (st.stopping) return;
  std::vector<queue_entry> entries;
  entries.reserve(st.torrents.size());
  for (const auto& [id, e] : st.torrents) entries.push_back(queue_entry_of(id, e));
  const auto plan = plan_queue(std::move(entries), queue_limits_of(st.settings), clock::now());
  for (int id : plan.stop) {
    auto& e = st.torrents.at(id);
    if (e.after == after_stop::queue) continue; // already on its way back
    spdlog::info("{}: queued (position {})", e.rec.name, e.rec.queue_position);
    stop_torrent(self, id, after_stop::queue);
  }
  for (int id : plan.start) start_torrent(self, id);
}

rpc::torrent_view view_of(const engine_state& st, const torrent_entry& e, rpc::view_parts parts) {
  rpc::torrent_view v;
  v.record = e.rec;
  v.hash_hex = to_hex(e.rec.info_hash);
  v.has_metadata = e.meta.has_value();
  v.finished = e.finished;
  v.metadata_percent = e.meta ? 1.0 : 0.0;
  const json& f = e.last;
  const bool checking = f.value("checking", false);
  if (e.meta) {
    const auto& m = *e.meta;
    v.comment = m.comment;
    v.creator = m.created_by;
    v.date_created = m.creation_date.value_or(0);
    v.is_private = m.is_private;
    v.total_size = m.total_size;
    v.piece_count = m.piece_count();
    v.piece_size = m.piece_length;
    if (parts.pieces) v.pieces_wire = std::string(e.have.wire_bytes());
    const auto p = progress_of(m, e.have, e.rec.wanted);
    v.have_valid = p.have_bytes;
    v.size_when_done = p.wanted_bytes;
    v.left_until_done = p.wanted_left;
    for (std::size_t i = 0; parts.files && i < m.files.size(); ++i) {
      const auto& file = m.files[i];
      rpc::file_view fv;
      fv.name = file.path_string();
      fv.length = file.length;
      fv.bytes_completed = p.file_done[i];
      if (m.piece_length > 0 && file.length > 0) {
        fv.begin_piece = static_cast<std::uint32_t>(file.offset / m.piece_length);
        fv.end_piece = static_cast<std::uint32_t>((file.offset + file.length - 1) / m.piece_length) + 1;
      }
      v.files.push_back(std::move(fv));
    }
    int tier = 0;
    for (const auto& urls : parts.trackers ? trackers_of(e) : tracker_list{}) {
      for (const auto& url : urls) {
        rpc::tracker_view t{url, tier, {}, number(f, "seeders"), number(f, "leechers")};
        if (e.resting) {
          t.seeders = e.seeders;
          t.leechers = e.leechers;
          for (const auto& a : e.answers)
            if (a.url == url) {
              t.last_announce_time = a.at;
              t.last_peer_count = static_cast<std::int64_t>(a.peers);
              t.last_result = a.failure;
            }
        } else if (const auto it = f.find("trackers"); it != f.end() && it->is_object())
          if (const auto a = it->find(url); a != it->end() && a->is_object()) {
            t.last_announce_time = number(*a, "at");
            t.last_peer_count = number(*a, "peers");
            t.last_result = a->value("failure", "");
          }
        v.trackers.push_back(std::move(t));
      }
      ++tier;
    }
  }
  if (e.fetcher) {
    v.status = rpc::torrent_status::downloading;
  } else if (e.check_queued) {
    v.status = rpc::torrent_status::check_wait;
  } else if (e.check) {
    v.status = rpc::torrent_status::checking;
    v.recheck_progress = e.to_check > 0 ? static_cast<double>(e.checked) / e.to_check : 0;
  } else if (e.resting) {
    v.status = rpc::torrent_status::seeding;
  } else if (e.session) {
    v.status = checking ? rpc::torrent_status::checking
               : e.meta && v.left_until_done == 0 ? rpc::torrent_status::seeding
                                                  : rpc::torrent_status::downloading;
  } else if (wants_to_run(e)) {
    v.status = e.complete ? rpc::torrent_status::seed_wait : rpc::torrent_status::download_wait;
  } else {
    v.status = rpc::torrent_status::stopped;
  }
  v.stalled = is_stalled(queue_entry_of(e.rec.id, e), queue_limits_of(st.settings), clock::now());
  if (checking) {
    const double total = static_cast<double>(number(f, "to_check"));
    v.recheck_progress = total > 0 ? static_cast<double>(number(f, "checked")) / total : 0;
  }
  if (!e.error.empty()) {
    v.error = 3;
    v.error_string = e.error;
  }
  if (e.session && !checking) {
    v.rate_download = number(f, "down_rate");
    v.rate_upload = number(f, "up_rate");
    v.peers_connected = static_cast<std::uint32_t>(number(f, "peers_connected"));
    v.peers_sending = static_cast<std::uint32_t>(number(f, "peers_sending"));
    v.peers_getting = static_cast<std::uint32_t>(number(f, "peers_getting"));
    v.eta = v.left_until_done == 0 ? -1 : v.rate_download > 0 ? v.left_until_done / v.rate_download : -2;
  }
  v.start_date = e.start_date;
  if (parts.magnet && e.rec.magnet.empty()) {
    std::string link = "magnet:?xt=urn:btih:" + v.hash_hex;
    for (const auto& tier : trackers_of(e))
      for (const auto& url : tier) link += "&tr=" + url;
    v.record.magnet = link;
  }
  return v;
}

} // namespace actorrent::engine_detail
