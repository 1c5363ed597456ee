#include "protocol/engine/tracker_edit.hpp"

#include <algorithm>
#include <stdexcept>

#include "protocol/tracker/tracker_codec.hpp"
#include "protocol/tracker/udp_tracker_codec.hpp"

namespace actorrent {

namespace {

using json = nlohmann::json;

constexpr std::size_t max_url_length = 2048;
constexpr std::size_t max_trackers = 1000; // far past any real torrent; bounds what a client can make us keep

struct numbered {
  int tier;
  std::string url;
  bool removed = false;
};

std::string checked_url(const json& j, const char* key) {
  if (!j.is_string()) throw std::invalid_argument(std::string(key) + ": tracker URLs must be strings");
  std::string url = j.get<std::string>();
  if (!is_tracker_url(url)) throw std::invalid_argument(std::string(key) + ": not a tracker URL: " + url.substr(0, 80));
  return url;
}

int checked_id(const json& j, const char* key, std::size_t count) {
  if (!j.is_number_integer()) throw std::invalid_argument(std::string(key) + ": tracker ids must be integers");
  const auto id = j.get<std::int64_t>();
  if (id < 0 || static_cast<std::size_t>(id) >= count)
    throw std::invalid_argument(std::string(key) + ": no tracker with id " + std::to_string(id));
  return static_cast<int>(id);
}

const json& array_of(const json& args, const char* key) {
  const json& j = args.at(key);
  if (!j.is_array()) throw std::invalid_argument(std::string(key) + " must be an array");
  return j;
}

tracker_list from_lines(const json& j) {
  if (!j.is_string()) throw std::invalid_argument("trackerList must be a string");
  const std::string text = j.get<std::string>();
  tracker_list tiers(1);
  std::size_t at = 0;
  while (at <= text.size()) {
    const std::size_t end = std::min(text.find('\n', at), text.size());
    std::string line = text.substr(at, end - at);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) {
      if (!tiers.back().empty()) tiers.emplace_back();
    } else {
      tiers.back().push_back(checked_url(json(line), "trackerList"));
    }
    at = end + 1;
  }
  if (tiers.back().empty()) tiers.pop_back();
  return tiers;
}

} // namespace

bool is_tracker_url(std::string_view url) {
  if (url.empty() || url.size() > max_url_length) return false;
  for (const char c : url)
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return false;
  // What the tracker client can announce to, by its own tests.
  if (url.substr(0, 6) == "udp://") return udp_tracker::parse_url(url).has_value();
  if (!is_http_url(url)) return false;
  const auto host = url.substr(url.find("://") + 3);
  return !host.empty() && host.front() != '/' && host.front() != ':';
}

bool edits_trackers(const json& args) {
  for (const char* key : {"trackerAdd", "trackerRemove", "trackerReplace", "trackerList"})
    if (args.contains(key)) return true;
  return false;
}

tracker_list edit_trackers(const tracker_list& tiers, const json& args) {
  tracker_list out;
  if (args.contains("trackerList")) {
    if (args.contains("trackerAdd") || args.contains("trackerRemove") || args.contains("trackerReplace"))
      throw std::invalid_argument("trackerList replaces every tracker: it cannot be combined with trackerAdd/Remove/Replace");
    out = from_lines(args.at("trackerList"));
  } else {
    std::vector<numbered> all;
    for (std::size_t t = 0; t < tiers.size(); ++t)
      for (const auto& url : tiers[t]) all.push_back({static_cast<int>(t), url});
    if (args.contains("trackerReplace")) {
      const json& r = array_of(args, "trackerReplace");
      if (r.size() % 2 != 0) throw std::invalid_argument("trackerReplace takes pairs of id and URL");
      for (std::size_t i = 0; i < r.size(); i += 2) all[checked_id(r[i], "trackerReplace", all.size())].url = checked_url(r[i + 1], "trackerReplace");
    }
    if (args.contains("trackerRemove"))
      for (const json& id : array_of(args, "trackerRemove")) all[checked_id(id, "trackerRemove", all.size())].removed = true;
    int last_tier = -1;
    for (const auto& n : all) {
      if (n.removed) continue;
      if (n.tier != last_tier) out.emplace_back();
      last_tier = n.tier;
      out.back().push_back(n.url);
    }
    if (args.contains("trackerAdd"))
      for (const json& j : array_of(args, "trackerAdd")) out.push_back({checked_url(j, "trackerAdd")});
  }
  // A URL once only: the first place it appears.
  std::vector<std::string> seen;
  tracker_list unique;
  std::size_t count = 0;
  for (const auto& tier : out) {
    std::vector<std::string> kept;
    for (const auto& url : tier)
      if (std::find(seen.begin(), seen.end(), url) == seen.end()) {
        seen.push_back(url);
        kept.push_back(url);
      }
    count += kept.size();
    if (!kept.empty()) unique.push_back(std::move(kept));
  }
  if (count > max_trackers) throw std::invalid_argument("more than 1000 trackers");
  return unique;
}

} // namespace actorrent
