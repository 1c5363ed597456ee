#include "protocol/units.hpp"

#include <cstdio>

namespace actorrent {

std::string human_size(std::int64_t bytes) {
  static constexpr const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  char buf[32];
  if (bytes < 1024) {
    std::snprintf(buf, sizeof buf, "%lld B", static_cast<long long>(bytes));
    return buf;
  }
  double v = static_cast<double>(bytes);
  int unit = 0;
  while (v >= 1024 && unit < 5) {
    v /= 1024;
    ++unit;
  }
  std::snprintf(buf, sizeof buf, v >= 100 ? "%.1f %s" : "%.2f %s", v, units[unit]);
  return buf;
}

} // namespace actorrent
