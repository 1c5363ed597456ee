#pragma once
// operator<< for protocol types, so Boost.Test can show values in failures.
#include <ostream>

#include "protocol/bitfield.hpp"
#include "protocol/storage/storage.hpp"

namespace actorrent {

inline std::ostream& operator<<(std::ostream& os, const bitfield& b) {
  for (std::size_t i = 0; i < b.size(); ++i) os << (b.test(i) ? '1' : '0');
  return os;
}

inline std::ostream& operator<<(std::ostream& os, const file_stamp& s) {
  return os << "{size " << s.size << ", mtime " << s.mtime_ns << "}";
}

} // namespace actorrent
