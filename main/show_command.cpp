#include "main/show_command.hpp"

#include <ctime>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "main/terminal_text.hpp"
#include "protocol/metainfo.hpp"

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

} // namespace

int run_show(const show_options& options) {
  const auto m = load_torrent_or_report(options.torrent_path);
  if (!m) return 2;
  if (options.json)
    print_json(*m);
  else
    print_text(*m, options.torrent_path);
  return 0;
}

} // namespace actorrent::cli
