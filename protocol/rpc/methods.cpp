#include "protocol/rpc/methods.hpp"

#include <cctype>

#include "protocol/engine/transfer_limits.hpp"

namespace actorrent::rpc {

namespace {

using json = nlohmann::json;

json error_reply(std::string_view why) { return {{"result", std::string(why)}, {"arguments", json::object()}}; }

std::int64_t int_of(const json& status, const char* key) {
  const auto it = status.find(key);
  return it != status.end() && it->is_number() ? it->get<std::int64_t>() : 0;
}

} // namespace

parsed parse_call(std::string_view body) {
  parsed out;
  // Without exceptions: a bad body is an error reply, never a throw.
  json j = json::parse(body.begin(), body.end(), nullptr, false);
  if (j.is_discarded()) return {std::nullopt, error_reply("invalid JSON")};
  if (!j.is_object()) return {std::nullopt, error_reply("the request is not a JSON object")};
  const auto method = j.find("method");
  if (method == j.end() || !method->is_string()) return {std::nullopt, error_reply("no method name")};
  call c;
  c.method = method->get<std::string>();
  if (const auto args = j.find("arguments"); args != j.end()) {
    if (!args->is_object()) return {std::nullopt, error_reply("arguments must be an object")};
    c.arguments = std::move(*args);
  }
  if (const auto tag = j.find("tag"); tag != j.end()) {
    if (!tag->is_number_integer()) return {std::nullopt, error_reply("tag must be an integer")};
    c.tag = *tag;
  }
  out.ok = std::move(c);
  return out;
}

json reply(const call& c, std::string_view result, json arguments) {
  json out = {{"result", std::string(result)}, {"arguments", std::move(arguments)}};
  if (!c.tag.is_null()) out["tag"] = c.tag;
  return out;
}

std::optional<std::string> with_tag(std::string reply, const json& tag) {
  while (!reply.empty() && std::isspace(static_cast<unsigned char>(reply.back()))) reply.pop_back();
  if (reply.size() < 2 || reply.front() != '{' || reply.back() != '}') return std::nullopt;
  if (tag.is_null()) return reply;
  reply.pop_back();
  const bool empty = reply.find_first_not_of(" \t\r\n", 1) == std::string::npos;
  reply += empty ? "\"tag\":" : ",\"tag\":";
  reply += tag.dump();
  reply += '}';
  return reply;
}

json session_get(const session_facts& f, const json& arguments) {
  const auto kib = [](std::int64_t bytes) { return bytes / speed_unit; };
  json all = {
      {"version", f.version},
      {"rpc-version", rpc_version},
      {"rpc-version-minimum", rpc_version_minimum},
      {"rpc-version-semver", "5.3.0"},
      {"session-id", f.session_id},
      {"download-dir", f.download_dir},
      {"incomplete-dir-enabled", false},
      {"peer-port", f.peer_port},
      {"peer-port-random-on-start", false},
      {"port-forwarding-enabled", false},
      {"dht-enabled", f.dht_enabled},
      {"pex-enabled", f.pex_enabled},
      {"lpd-enabled", false},
      {"utp-enabled", false},
      {"encryption", "tolerated"},
      {"speed-limit-down", kib(f.download_limit)},
      {"speed-limit-down-enabled", f.download_limit > 0},
      {"speed-limit-up", kib(f.upload_limit)},
      {"speed-limit-up-enabled", f.upload_limit > 0},
      {"alt-speed-enabled", false},
      {"alt-speed-down", 0},
      {"alt-speed-up", 0},
      {"peer-limit-global", f.peer_limit},
      {"peer-limit-per-torrent", f.peer_limit},
      {"seedRatioLimit", f.seed_ratio},
      {"seedRatioLimited", f.seed_ratio > 0},
      {"idle-seeding-limit", 0},
      {"idle-seeding-limit-enabled", false},
      {"download-queue-enabled", false},
      {"download-queue-size", 0},
      {"seed-queue-enabled", false},
      {"seed-queue-size", 0},
      {"queue-stalled-enabled", false},
      {"start-added-torrents", true},
      {"rename-partial-files", false},
      {"cache-size-mb", 0},
      {"units",
       {{"speed-units", {"kB/s", "MB/s", "GB/s", "TB/s"}},
        {"speed-bytes", 1000},
        {"size-units", {"kB", "MB", "GB", "TB"}},
        {"size-bytes", 1000},
        {"memory-units", {"KiB", "MiB", "GiB", "TiB"}},
        {"memory-bytes", 1024}}},
  };
  return select_fields(all, arguments);
}

json select_fields(const json& all, const json& arguments) {
  const auto fields = arguments.find("fields");
  if (fields == arguments.end() || !fields->is_array()) return all;
  json some = json::object();
  for (const auto& name : *fields)
    if (name.is_string())
      if (auto it = all.find(name.get<std::string>()); it != all.end()) some[it.key()] = *it;
  return some;
}

json session_stats(const json& status) {
  const std::int64_t seconds = static_cast<std::int64_t>(status.value("elapsed_s", 0.0));
  const bool running = status.value("progress", 0.0) < 1.0 || int_of(status, "peers_connected") > 0;
  // One run of one torrent: the current and the cumulative figures are the same run.
  const json figures = {{"uploadedBytes", int_of(status, "bytes_uploaded")},
                        {"downloadedBytes", int_of(status, "bytes_received")},
                        {"filesAdded", 1},
                        {"sessionCount", 1},
                        {"secondsActive", seconds}};
  return {{"activeTorrentCount", running ? 1 : 0},
          {"pausedTorrentCount", 0},
          {"torrentCount", 1},
          {"downloadSpeed", static_cast<std::int64_t>(status.value("down_rate", 0.0))},
          {"uploadSpeed", static_cast<std::int64_t>(status.value("up_rate", 0.0))},
          {"current-stats", figures},
          {"cumulative-stats", figures}};
}

} // namespace actorrent::rpc
