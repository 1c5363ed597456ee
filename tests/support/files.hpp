#pragma once
// Whole-file reads and writes for tests.
#include <fstream>
#include <sstream>
#include <string>

namespace actorrent::test {

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline void write_file(const std::string& path, const std::string& data) {
  std::ofstream(path, std::ios::binary) << data;
}

} // namespace actorrent::test
