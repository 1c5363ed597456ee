#include "protocol/engine/data_walk.hpp"

#include <fcntl.h>
#include <unistd.h>

namespace actorrent {

int open_folder_below(int root, const std::vector<std::string>& path, std::size_t depth) {
  int fd = ::dup(root);
  for (std::size_t i = 0; i < depth && i < path.size() && fd >= 0; ++i) {
    const int next = ::openat(fd, path[i].c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    ::close(fd);
    fd = next;
  }
  return fd;
}

std::string join_path(const std::vector<std::string>& path, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n && i < path.size(); ++i) out += (i ? "/" : "") + path[i];
  return out;
}

} // namespace actorrent
