#include "protocol/rpc/torrent_fields.hpp"

#include <algorithm>
#include <functional>
#include <unordered_map>

#include "protocol/base64.hpp"

namespace actorrent::rpc {

namespace {

using json = nlohmann::json;
using field_fn = std::function<json(const torrent_view&)>;

std::string host_of(const std::string& url) {
  const auto scheme = url.find("://");
  std::string rest = scheme == std::string::npos ? url : url.substr(scheme + 3);
  rest = rest.substr(0, rest.find('/'));
  return rest;
}

json tracker_stats(const torrent_view& v) {
  json out = json::array();
  int id = 0;
  for (const auto& t : v.trackers) {
    const bool failed = !t.last_result.empty();
    const bool announced = t.last_announce_time > 0;
    out.push_back({{"announce", t.announce},
                   {"announceState", 1}, // waiting
                   {"downloadCount", -1},
                   {"hasAnnounced", announced},
                   {"hasScraped", false},
                   {"host", host_of(t.announce)},
                   {"id", id++},
                   {"isBackup", false},
                   {"lastAnnouncePeerCount", t.last_peer_count},
                   {"lastAnnounceResult", failed ? t.last_result : announced ? std::string("Success") : std::string()},
                   {"lastAnnounceStartTime", t.last_announce_time},
                   {"lastAnnounceSucceeded", announced && !failed},
                   {"lastAnnounceTime", t.last_announce_time},
                   {"lastAnnounceTimedOut", false},
                   {"lastScrapeResult", ""},
                   {"lastScrapeStartTime", 0},
                   {"lastScrapeSucceeded", false},
                   {"lastScrapeTime", 0},
                   {"lastScrapeTimedOut", false},
                   {"leecherCount", t.leechers},
                   {"nextAnnounceTime", 0},
                   {"nextScrapeTime", 0},
                   {"scrape", ""},
                   {"scrapeState", 0},
                   {"seederCount", t.seeders},
                   {"sitename", host_of(t.announce)},
                   {"tier", t.tier}});
  }
  return out;
}

json peers_of(const torrent_view& v) {
  json out = json::array();
  for (const auto& p : v.peers) {
    const bool from = p.rate_to_client > 0, to = p.rate_to_peer > 0;
    std::string flags;
    if (from) flags += 'D';
    if (to) flags += 'U';
    if (p.incoming) flags += 'I';
    out.push_back({{"address", p.address},
                   {"clientName", p.client_name},
                   {"clientIsChoked", !to},
                   {"clientIsInterested", from},
                   {"flagStr", flags},
                   {"isDownloadingFrom", from},
                   {"isEncrypted", false},
                   {"isIncoming", p.incoming},
                   {"isUploadingTo", to},
                   {"isUTP", false},
                   {"peerIsChoked", !to},
                   {"peerIsInterested", to},
                   {"port", p.port},
                   {"progress", p.progress},
                   {"rateToClient", p.rate_to_client},
                   {"rateToPeer", p.rate_to_peer}});
  }
  return out;
}

bool file_wanted(const torrent_record& r, std::size_t i) { return i >= r.wanted.size() || r.wanted[i]; }
int file_priority(const torrent_record& r, std::size_t i) { return i < r.priorities.size() ? r.priorities[i] : 0; }

const std::unordered_map<std::string, field_fn>& field_table() {
  static const std::unordered_map<std::string, field_fn> table = {
      {"activityDate", [](const torrent_view& v) -> json { return v.record.activity_date; }},
      {"addedDate", [](const torrent_view& v) -> json { return v.record.added_date; }},
      {"bandwidthPriority", [](const torrent_view& v) -> json { return v.record.bandwidth_priority; }},
      {"comment", [](const torrent_view& v) -> json { return v.comment; }},
      {"corruptEver", [](const torrent_view& v) -> json { return v.record.corrupt_ever; }},
      {"creator", [](const torrent_view& v) -> json { return v.creator; }},
      {"dateCreated", [](const torrent_view& v) -> json { return v.date_created; }},
      {"desiredAvailable", [](const torrent_view& v) -> json { return v.desired_available; }},
      {"doneDate", [](const torrent_view& v) -> json { return v.record.done_date; }},
      {"downloadDir", [](const torrent_view& v) -> json { return v.record.download_dir; }},
      {"downloadedEver", [](const torrent_view& v) -> json { return v.record.downloaded_ever; }},
      {"downloadLimit", [](const torrent_view& v) -> json { return v.record.download_limit; }},
      {"downloadLimited", [](const torrent_view& v) -> json { return v.record.download_limited; }},
      {"editDate", [](const torrent_view&) -> json { return 0; }},
      {"error", [](const torrent_view& v) -> json { return v.error; }},
      {"errorString", [](const torrent_view& v) -> json { return v.error_string; }},
      {"eta", [](const torrent_view& v) -> json { return v.eta; }},
      {"etaIdle", [](const torrent_view&) -> json { return -1; }},
      {"file-count", [](const torrent_view& v) -> json { return v.files.size(); }},
      {"files",
       [](const torrent_view& v) -> json {
         json out = json::array();
         for (const auto& f : v.files)
           out.push_back({{"bytesCompleted", f.bytes_completed},
                          {"length", f.length},
                          {"name", f.name},
                          {"beginPiece", f.begin_piece},
                          {"endPiece", f.end_piece}});
         return out;
       }},
      {"fileStats",
       [](const torrent_view& v) -> json {
         json out = json::array();
         for (std::size_t i = 0; i < v.files.size(); ++i)
           out.push_back({{"bytesCompleted", v.files[i].bytes_completed},
                          {"wanted", file_wanted(v.record, i)},
                          {"priority", file_priority(v.record, i)}});
         return out;
       }},
      {"group", [](const torrent_view&) -> json { return ""; }},
      {"hashString", [](const torrent_view& v) -> json { return v.hash_hex; }},
      {"haveUnchecked", [](const torrent_view&) -> json { return 0; }},
      {"haveValid", [](const torrent_view& v) -> json { return v.have_valid; }},
      {"honorsSessionLimits", [](const torrent_view& v) -> json { return v.record.honors_session_limits; }},
      {"id", [](const torrent_view& v) -> json { return v.record.id; }},
      // Transmission: done and stopped by a seeding goal (a user's stop is "Stopped").
      {"isFinished", [](const torrent_view& v) -> json { return v.status == torrent_status::stopped && v.finished; }},
      {"isPrivate", [](const torrent_view& v) -> json { return v.is_private; }},
      {"isStalled", [](const torrent_view& v) -> json { return v.stalled; }},
      {"labels", [](const torrent_view& v) -> json { return v.record.labels; }},
      {"leftUntilDone", [](const torrent_view& v) -> json { return v.left_until_done; }},
      {"magnetLink", [](const torrent_view& v) -> json { return v.record.magnet; }},
      {"manualAnnounceTime", [](const torrent_view&) -> json { return -1; }},
      {"maxConnectedPeers", [](const torrent_view& v) -> json { return v.record.peer_limit; }},
      {"metadataPercentComplete", [](const torrent_view& v) -> json { return v.metadata_percent; }},
      {"name", [](const torrent_view& v) -> json { return v.record.name; }},
      {"peer-limit", [](const torrent_view& v) -> json { return v.record.peer_limit; }},
      {"peers", peers_of},
      {"peersConnected", [](const torrent_view& v) -> json { return v.peers_connected; }},
      {"peersFrom",
       [](const torrent_view& v) -> json {
         return {{"fromCache", 0}, {"fromDht", 0}, {"fromIncoming", 0}, {"fromLpd", 0},
                 {"fromLtep", 0},  {"fromPex", 0}, {"fromTracker", v.peers_connected}};
       }},
      {"peersGettingFromUs", [](const torrent_view& v) -> json { return v.peers_getting; }},
      {"peersSendingToUs", [](const torrent_view& v) -> json { return v.peers_sending; }},
      {"percentComplete",
       [](const torrent_view& v) -> json {
         return v.total_size > 0 ? static_cast<double>(v.have_valid) / static_cast<double>(v.total_size) : 0.0;
       }},
      {"percentDone",
       [](const torrent_view& v) -> json {
         if (!v.has_metadata) return 0.0;
         return v.size_when_done > 0
                    ? static_cast<double>(v.size_when_done - v.left_until_done) / static_cast<double>(v.size_when_done)
                    : 1.0;
       }},
      {"pieces", [](const torrent_view& v) -> json { return base64_encode(v.pieces_wire); }},
      {"pieceCount", [](const torrent_view& v) -> json { return v.piece_count; }},
      {"pieceSize", [](const torrent_view& v) -> json { return v.piece_size; }},
      {"priorities",
       [](const torrent_view& v) -> json {
         json out = json::array();
         for (std::size_t i = 0; i < v.files.size(); ++i) out.push_back(file_priority(v.record, i));
         return out;
       }},
      {"primary-mime-type", [](const torrent_view&) -> json { return "application/octet-stream"; }},
      {"queuePosition", [](const torrent_view& v) -> json { return v.record.queue_position; }},
      {"rateDownload", [](const torrent_view& v) -> json { return v.rate_download; }},
      {"rateUpload", [](const torrent_view& v) -> json { return v.rate_upload; }},
      {"recheckProgress", [](const torrent_view& v) -> json { return v.recheck_progress; }},
      {"secondsDownloading", [](const torrent_view& v) -> json { return v.record.seconds_downloading; }},
      {"secondsSeeding", [](const torrent_view& v) -> json { return v.record.seconds_seeding; }},
      {"seedIdleLimit", [](const torrent_view& v) -> json { return v.record.seed_idle_limit; }},
      {"seedIdleMode", [](const torrent_view& v) -> json { return v.record.seed_idle_mode; }},
      {"seedRatioLimit", [](const torrent_view& v) -> json { return v.record.seed_ratio_limit; }},
      {"seedRatioMode", [](const torrent_view& v) -> json { return v.record.seed_ratio_mode; }},
      {"sequentialDownload", [](const torrent_view&) -> json { return false; }},
      {"sizeWhenDone", [](const torrent_view& v) -> json { return v.size_when_done; }},
      {"startDate", [](const torrent_view& v) -> json { return v.start_date; }},
      {"status", [](const torrent_view& v) -> json { return static_cast<int>(v.status); }},
      {"torrentFile", [](const torrent_view&) -> json { return ""; }},
      {"totalSize", [](const torrent_view& v) -> json { return v.total_size; }},
      {"trackers",
       [](const torrent_view& v) -> json {
         json out = json::array();
         int id = 0;
         for (const auto& t : v.trackers) out.push_back({{"announce", t.announce}, {"id", id++}, {"scrape", ""}, {"tier", t.tier}});
         return out;
       }},
      {"trackerList",
       [](const torrent_view& v) -> json {
         std::string out;
         int tier = v.trackers.empty() ? 0 : v.trackers.front().tier;
         for (const auto& t : v.trackers) {
           if (t.tier != tier) out += '\n';
           tier = t.tier;
           out += t.announce + '\n';
         }
         return out;
       }},
      {"trackerStats", tracker_stats},
      {"uploadedEver", [](const torrent_view& v) -> json { return v.record.uploaded_ever; }},
      {"uploadLimit", [](const torrent_view& v) -> json { return v.record.upload_limit; }},
      {"uploadLimited", [](const torrent_view& v) -> json { return v.record.upload_limited; }},
      {"uploadRatio",
       [](const torrent_view& v) -> json {
         // Transmission: -1 when nothing was downloaded yet (no ratio), uploaded / downloaded otherwise.
         const auto base = std::max(v.record.downloaded_ever, v.have_valid);
         return base > 0 ? static_cast<double>(v.record.uploaded_ever) / static_cast<double>(base) : -1.0;
       }},
      {"wanted",
       [](const torrent_view& v) -> json {
         json out = json::array();
         for (std::size_t i = 0; i < v.files.size(); ++i) out.push_back(file_wanted(v.record, i) ? 1 : 0);
         return out;
       }},
      {"webseeds", [](const torrent_view&) -> json { return json::array(); }},
      {"webseedsSendingToUs", [](const torrent_view&) -> json { return 0; }},
  };
  return table;
}

bool is_hash(const std::string& s) {
  return s.size() == 40 && std::all_of(s.begin(), s.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

} // namespace

json torrent_fields(const torrent_view& v, const std::vector<std::string>& fields) {
  json out = json::object();
  const auto& table = field_table();
  for (const auto& name : fields)
    if (auto it = table.find(name); it != table.end()) out[name] = it->second(v);
  return out;
}

std::optional<torrent_get_request> parse_torrent_get(const json& arguments, std::string& error) {
  const auto fields = arguments.find("fields");
  if (fields == arguments.end() || !fields->is_array()) {
    error = "no fields specified";
    return std::nullopt;
  }
  torrent_get_request r;
  for (const auto& f : *fields) {
    if (!f.is_string()) {
      error = "fields must be strings";
      return std::nullopt;
    }
    r.fields.push_back(f.get<std::string>());
  }
  if (const auto format = arguments.find("format"); format != arguments.end()) {
    if (!format->is_string() || (*format != "objects" && *format != "table")) {
      error = "format must be \"objects\" or \"table\"";
      return std::nullopt;
    }
    r.table = *format == "table";
  }
  return r;
}

view_parts parts_for(const std::vector<std::string>& fields) {
  view_parts p;
  for (const auto& f : fields) {
    p.files |= f == "files" || f == "fileStats" || f == "priorities" || f == "wanted" || f == "file-count";
    p.trackers |= f == "trackers" || f == "trackerStats" || f == "trackerList";
    p.pieces |= f == "pieces";
    p.magnet |= f == "magnetLink";
  }
  return p;
}

torrent_get_writer::torrent_get_writer(const torrent_get_request& request) : table_(request.table), out_("{\"torrents\":[") {
  // The getters are looked up once, not once per torrent; unknown names are
  // left out, and a name asked for twice is given once.
  const auto& table = field_table();
  for (const auto& f : request.fields)
    if (auto it = table.find(f); it != table.end() &&
                                 std::none_of(getters_.begin(), getters_.end(), [&](const auto& g) { return *g.first == f; }))
      getters_.emplace_back(&it->first, &it->second);
  if (table_) {
    // Only the names the server knows head the columns, so every row lines up.
    json header = json::array();
    for (const auto& g : getters_) header.push_back(*g.first);
    out_ += header.dump();
    first_ = false;
  }
}

void torrent_get_writer::add(const torrent_view& v) {
  if (!first_) out_ += ',';
  first_ = false;
  out_ += table_ ? '[' : '{';
  for (std::size_t i = 0; i < getters_.size(); ++i) {
    if (i > 0) out_ += ',';
    if (!table_) {
      out_ += '"'; // the table's own names: plain identifiers, nothing to escape
      out_ += *getters_[i].first;
      out_ += "\":";
    }
    out_ += (*static_cast<const field_fn*>(getters_[i].second))(v).dump();
  }
  out_ += table_ ? ']' : '}';
}

std::string torrent_get_writer::finish() && {
  out_ += "]}";
  return std::move(out_);
}

std::string torrent_get_text(const std::vector<const torrent_view*>& views, const torrent_get_request& request) {
  torrent_get_writer w(request);
  for (const auto* v : views) w.add(*v);
  return std::move(w).finish();
}

json torrent_get_reply(const std::vector<const torrent_view*>& views, const torrent_get_request& request) {
  return json::parse(torrent_get_text(views, request));
}

bool id_selection::matches(int id, const std::string& hash_hex) const {
  if (all) return true;
  return std::find(ids.begin(), ids.end(), id) != ids.end() ||
         std::find(hashes.begin(), hashes.end(), hash_hex) != hashes.end();
}

std::optional<id_selection> parse_ids(const json& arguments, std::string& error) {
  id_selection s;
  const auto ids = arguments.find("ids");
  if (ids == arguments.end()) {
    s.all = true;
    return s;
  }
  auto add = [&](const json& one) {
    if (one.is_number_integer()) {
      const auto n = one.get<std::int64_t>();
      if (n < 0 || n > (1 << 30)) return false;
      s.ids.push_back(static_cast<int>(n));
      return true;
    }
    if (one.is_string() && is_hash(one.get<std::string>())) {
      s.hashes.push_back(lower(one.get<std::string>()));
      return true;
    }
    return false;
  };
  if (ids->is_string() && *ids == "recently-active") {
    s.recently_active = true;
    return s;
  }
  if (ids->is_array()) {
    for (const auto& one : *ids)
      if (!add(one)) {
        error = "invalid or corrupt torrent id";
        return std::nullopt;
      }
    return s;
  }
  if (add(*ids)) return s;
  error = "invalid or corrupt torrent id";
  return std::nullopt;
}

} // namespace actorrent::rpc
