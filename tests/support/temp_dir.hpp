#pragma once
// A fresh directory under /tmp, removed with everything in it at scope exit.
#include <cstdlib>
#include <stdexcept>
#include <string>

namespace actorrent::test {

struct temp_dir {
  std::string path;
  temp_dir() {
    char name[] = "/tmp/actorrent-test-XXXXXX";
    if (mkdtemp(name) == nullptr) throw std::runtime_error("mkdtemp failed");
    path = name;
  }
  ~temp_dir() { std::system(("rm -rf '" + path + "'").c_str()); }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
};

} // namespace actorrent::test
