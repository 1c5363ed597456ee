#include "main/show_command.hpp"

#include <algorithm>
#include <climits>
#include <cstdint>
#include <ctime>

#include <caf/all.hpp>
#include <caf/io/all.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "actors/tracker_scrape.hpp"
#include "main/terminal_text.hpp"
#include "protocol/metainfo/metainfo.hpp"

namespace actorrent::cli {

namespace {

std::string format_date(std::int64_t unix_time) {
  const std::time_t t = static_cast<std::time_t>(unix_time);
  std::tm tm{};
  if (gmtime_r(&t, &tm) == nullptr) return std::to_string(unix_time);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

void print_text(const metainfo& m, const std::string& path) {
  fmt::print("Name: {}\nFile: {}\n\nGENERAL\n\n", printable(m.name), printable(path));
  fmt::print("  Name: {}\n", printable(m.name));
  fmt::print("  Hash: {}\n", to_hex(m.info_hash));
  if (!m.created_by.empty()) fmt::print("  Created by: {}\n", printable(m.created_by));
  if (m.creation_date) fmt::print("  Created on: {}\n", format_date(*m.creation_date));
  if (!m.comment.empty()) fmt::print("  Comment: {}\n", printable(m.comment));
  fmt::print("  Piece Count: {}\n", m.piece_count());
  fmt::print("  Piece Size: {}\n", human_size(m.piece_length));
  fmt::print("  Total Size: {} ({} bytes)\n", human_size(m.total_size), m.total_size);
  fmt::print("  Privacy: {}\n", m.is_private ? "Private torrent" : "Public torrent");

  fmt::print("\nTRACKERS\n");
  if (m.tracker_tiers.empty()) fmt::print("\n  (none)\n");
  for (std::size_t t = 0; t < m.tracker_tiers.size(); ++t) {
    fmt::print("\n  Tier #{}\n", t + 1);
    for (const auto& url : m.tracker_tiers[t]) fmt::print("  {}\n", printable(url));
  }
  if (!m.web_seeds.empty()) {
    fmt::print("\nWEBSEEDS\n\n");
    for (const auto& url : m.web_seeds) fmt::print("  {}\n", printable(url));
  }

  fmt::print("\nFILES\n\n");
  for (const auto& f : m.files) {
    if (f.pad) continue;
    fmt::print("  {} ({})\n", printable(f.path_string()), human_size(f.length));
  }
}

void print_json(const metainfo& m) {
  nlohmann::json files = nlohmann::json::array();
  for (const auto& f : m.files)
    files.push_back({{"path", f.path_string()}, {"length", f.length}, {"offset", f.offset}, {"pad", f.pad}});
  nlohmann::json j = {
      {"name", m.name},
      {"info_hash", to_hex(m.info_hash)},
      {"total_size", m.total_size},
      {"piece_length", m.piece_length},
      {"piece_count", m.piece_count()},
      {"private", m.is_private},
      {"comment", m.comment},
      {"created_by", m.created_by},
      {"trackers", m.tracker_tiers},
      {"web_seeds", m.web_seeds},
      {"files", files},
  };
  if (m.creation_date) j["creation_date"] = *m.creation_date;
  // Torrent strings need not be UTF-8: replace invalid bytes rather than fail.
  fmt::print("{}\n", j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
}

int print_scrape(const metainfo& m, const show_options& options) {
  caf::actor_system_config cfg;
  cfg.load<caf::io::middleman>();
  caf::actor_system sys{cfg};
  engine_options eo;
  eo.udp_tracker_timeout_ms = static_cast<std::uint32_t>(options.timeout_s * 1000 / 3);
  eo.udp_tracker_attempts = 2;
  const auto results = scrape_trackers(sys, m, eo, static_cast<long>(std::max(1.0, options.timeout_s)));
  bool any = false;
  nlohmann::json list = nlohmann::json::array();
  if (!options.json) fmt::print("SCRAPE\n");
  std::size_t tier = SIZE_MAX;
  for (const auto& r : results) {
    any = any || r.failure.empty();
    if (options.json) {
      nlohmann::json j = {{"tier", r.tier + 1}, {"url", r.url}};
      if (r.failure.empty()) {
        j["seeders"] = r.counts.seeders;
        j["leechers"] = r.counts.leechers;
        j["downloaded"] = r.counts.completed;
      } else {
        j["error"] = r.failure;
      }
      list.push_back(std::move(j));
      continue;
    }
    if (r.tier != tier) fmt::print("\n  Tier #{}\n", (tier = r.tier) + 1);
    if (r.failure.empty())
      fmt::print("  {}  seeders {}  leechers {}  downloaded {}\n", printable(r.url), r.counts.seeders,
                 r.counts.leechers, r.counts.completed);
    else
      fmt::print("  {}  error: {}\n", printable(r.url), printable(r.failure));
  }
  if (options.json)
    fmt::print("{}\n", nlohmann::json{{"info_hash", to_hex(m.info_hash)}, {"scrape", list}}.dump(
                           2, ' ', false, nlohmann::json::error_handler_t::replace));
  else if (results.empty())
    fmt::print("\n  (no trackers)\n");
  return any ? 0 : 1;
}

} // namespace

int run_show(const show_options& options) {
  const auto m = load_torrent_or_report(options.torrent_path);
  if (!m) return 2;
  if (options.scrape) return print_scrape(*m, options);
  if (options.json)
    print_json(*m);
  else
    print_text(*m, options.torrent_path);
  return 0;
}

} // namespace actorrent::cli
