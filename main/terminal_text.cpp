#include "main/terminal_text.hpp"

#include <fmt/format.h>

namespace actorrent::cli {

std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    out.push_back(u < 0x20 || u == 0x7f ? '?' : c);
  }
  return out;
}

std::string human_size(std::int64_t bytes) {
  static constexpr const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  if (bytes < 1024) return fmt::format("{} B", bytes);
  double v = static_cast<double>(bytes);
  int unit = 0;
  while (v >= 1024 && unit < 5) {
    v /= 1024;
    ++unit;
  }
  return fmt::format(v >= 100 ? "{:.1f} {}" : "{:.2f} {}", v, units[unit]);
}

std::optional<metainfo> load_torrent_or_report(const std::string& path) {
  try {
    return load_metainfo(path);
  } catch (const metainfo_error& e) {
    fmt::print(stderr, "actorrent: bad torrent '{}': {}\n", printable(path), printable(e.what()));
    return std::nullopt;
  }
}

} // namespace actorrent::cli
