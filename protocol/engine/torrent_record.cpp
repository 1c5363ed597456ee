#include "protocol/engine/torrent_record.hpp"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "protocol/storage/atomic_file.hpp"
#include "protocol/engine/tracker_edit.hpp"
#include "protocol/storage/resume_data.hpp"
#include "protocol/storage/storage.hpp"

namespace actorrent {

namespace {

using json = nlohmann::json;

constexpr std::size_t max_record_size = 16 << 20;   // a 100,000-file torrent's wanted list fits
constexpr std::size_t max_metainfo_size = 64 << 20;

template <class T>
void read_field(const json& j, const char* key, T& out) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return;
  try {
    out = it->get<T>();
  } catch (const json::exception&) {
    throw std::runtime_error(std::string("field '") + key + "' has the wrong type");
  }
}

void make_dir(const std::string& dir) {
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
    throw storage_error("cannot create '" + dir + "': " + std::strerror(errno), errno);
}

} // namespace

std::string encode_record(const torrent_record& r) {
  json j = {{"info_hash", to_hex(r.info_hash)},
            {"id", r.id},
            {"name", r.name},
            {"magnet", r.magnet},
            {"download_dir", r.download_dir},
            {"paused", r.paused},
            {"added_date", r.added_date},
            {"done_date", r.done_date},
            {"activity_date", r.activity_date},
            {"queue_position", r.queue_position},
            {"labels", r.labels},
            {"wanted", r.wanted},
            {"priorities", r.priorities},
            {"bandwidth_priority", r.bandwidth_priority},
            {"download_limit", r.download_limit},
            {"download_limited", r.download_limited},
            {"upload_limit", r.upload_limit},
            {"upload_limited", r.upload_limited},
            {"honors_session_limits", r.honors_session_limits},
            {"seed_ratio_mode", r.seed_ratio_mode},
            {"seed_ratio_limit", r.seed_ratio_limit},
            {"seed_idle_mode", r.seed_idle_mode},
            {"seed_idle_limit", r.seed_idle_limit},
            {"peer_limit", r.peer_limit},
            {"paths", r.paths},
            {"trackers", r.trackers ? json(*r.trackers) : json(nullptr)},
            {"uploaded_ever", r.uploaded_ever},
            {"downloaded_ever", r.downloaded_ever},
            {"corrupt_ever", r.corrupt_ever},
            {"seconds_downloading", r.seconds_downloading},
            {"seconds_seeding", r.seconds_seeding}};
  return j.dump(1) + "\n";
}

torrent_record decode_record(const std::string& text) {
  const json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) throw std::runtime_error("not a JSON object");
  torrent_record r;
  std::string hex;
  read_field(j, "info_hash", hex);
  const auto hash = sha1_from_hex(hex);
  if (!hash) throw std::runtime_error("no valid info_hash");
  r.info_hash = *hash;
  read_field(j, "id", r.id);
  if (r.id <= 0) throw std::runtime_error("no valid id");
  read_field(j, "name", r.name);
  read_field(j, "magnet", r.magnet);
  read_field(j, "download_dir", r.download_dir);
  if (r.download_dir.empty()) throw std::runtime_error("no download_dir");
  read_field(j, "paused", r.paused);
  read_field(j, "added_date", r.added_date);
  read_field(j, "done_date", r.done_date);
  read_field(j, "activity_date", r.activity_date);
  read_field(j, "queue_position", r.queue_position);
  read_field(j, "labels", r.labels);
  read_field(j, "wanted", r.wanted);
  read_field(j, "priorities", r.priorities);
  for (int p : r.priorities)
    if (p < -1 || p > 1) throw std::runtime_error("a file priority out of range");
  read_field(j, "bandwidth_priority", r.bandwidth_priority);
  read_field(j, "download_limit", r.download_limit);
  read_field(j, "download_limited", r.download_limited);
  read_field(j, "upload_limit", r.upload_limit);
  read_field(j, "upload_limited", r.upload_limited);
  read_field(j, "honors_session_limits", r.honors_session_limits);
  read_field(j, "seed_ratio_mode", r.seed_ratio_mode);
  read_field(j, "seed_ratio_limit", r.seed_ratio_limit);
  read_field(j, "seed_idle_mode", r.seed_idle_mode);
  read_field(j, "seed_idle_limit", r.seed_idle_limit);
  read_field(j, "peer_limit", r.peer_limit);
  read_field(j, "paths", r.paths); // checked where they are laid over the metainfo
  if (auto it = j.find("trackers"); it != j.end() && !it->is_null()) {
    std::vector<std::vector<std::string>> tiers;
    read_field(j, "trackers", tiers);
    for (const auto& tier : tiers)
      for (const auto& url : tier)
        if (!is_tracker_url(url)) throw std::runtime_error("a tracker that is not a tracker URL");
    r.trackers = std::move(tiers);
  }
  read_field(j, "uploaded_ever", r.uploaded_ever);
  read_field(j, "downloaded_ever", r.downloaded_ever);
  read_field(j, "corrupt_ever", r.corrupt_ever);
  read_field(j, "seconds_downloading", r.seconds_downloading);
  read_field(j, "seconds_seeding", r.seconds_seeding);
  if (r.download_limit < 0 || r.upload_limit < 0 || r.peer_limit < 1 || r.peer_limit > 5000)
    throw std::runtime_error("a limit out of range");
  return r;
}

state_store::state_store(std::string dir) : dir_(std::move(dir)) {
  make_dir(dir_);
  make_dir(torrents_dir());
  make_dir(resume_dir());
}

std::vector<state_store::loaded> state_store::load_all(std::vector<std::string>& problems) const {
  std::vector<loaded> out;
  DIR* d = ::opendir(torrents_dir().c_str());
  if (d == nullptr) {
    problems.push_back("cannot read '" + torrents_dir() + "': " + std::strerror(errno));
    return out;
  }
  std::vector<std::string> names;
  while (dirent* e = ::readdir(d)) {
    const std::string name = e->d_name;
    if (name.size() == 45 && name.compare(40, 5, ".json") == 0) names.push_back(name);
  }
  ::closedir(d);
  for (const auto& name : names) {
    const std::string path = torrents_dir() + "/" + name;
    try {
      auto text = load_file(path, max_record_size);
      if (!text) continue; // gone meanwhile
      loaded l{decode_record(*text), std::nullopt};
      if (to_hex(l.record.info_hash) != name.substr(0, 40)) throw std::runtime_error("its info_hash is not its name");
      l.metainfo = load_file(torrents_dir() + "/" + name.substr(0, 40) + ".torrent", max_metainfo_size);
      if (!l.metainfo && l.record.magnet.empty()) throw std::runtime_error("neither a .torrent nor a magnet link is kept");
      out.push_back(std::move(l));
    } catch (const std::exception& e) {
      problems.push_back(path + ": " + e.what() + " (skipped)");
    }
  }
  return out;
}

void state_store::save(const torrent_record& r) const {
  save_file_atomically(torrents_dir() + "/" + to_hex(r.info_hash) + ".json", encode_record(r));
}

void state_store::save_metainfo(const sha1_digest& hash, const std::string& bytes) const {
  save_file_atomically(torrents_dir() + "/" + to_hex(hash) + ".torrent", bytes);
}

void state_store::remove(const sha1_digest& hash) const {
  const std::string hex = to_hex(hash);
  // The record first: after a crash in between the torrent is gone, and what
  // is left is never read (a later add of the same torrent overwrites it).
  ::unlink((torrents_dir() + "/" + hex + ".json").c_str());
  ::unlink((torrents_dir() + "/" + hex + ".torrent").c_str());
  ::unlink((resume_dir() + "/" + hex + ".resume").c_str());
  ::unlink((resume_dir() + "/" + hex + ".parts").c_str()); // bytes of unwanted files
}

} // namespace actorrent
