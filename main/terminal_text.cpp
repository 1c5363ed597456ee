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

std::optional<metainfo> load_torrent_or_report(const std::string& path) {
  try {
    return load_metainfo(path);
  } catch (const metainfo_error& e) {
    fmt::print(stderr, "actorrent: bad torrent '{}': {}\n", printable(path), printable(e.what()));
    return std::nullopt;
  }
}

} // namespace actorrent::cli
