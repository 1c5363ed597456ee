#include "actors/flusher.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <caf/all.hpp>

#include "messages/atoms.hpp"

namespace actorrent {

blocking_job flush_job(std::vector<int> fds, std::string dir) {
  return [fds = std::move(fds), dir = std::move(dir)] {
    int error = 0;
    for (int fd : fds) {
      // A folder's descriptor stands for its whole filesystem (see storage::take_dirty_descriptors).
      struct stat st{};
      const bool whole_fs = ::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode);
      if ((whole_fs ? ::syncfs(fd) : ::fdatasync(fd)) != 0 && error == 0) error = errno;
      ::close(fd);
    }
    if (error != 0)
      return caf::make_message(caf::make_error(caf::sec::runtime_error, "cannot flush files in '" + dir + "': " + std::strerror(error)));
    return caf::make_message(msg::flush_atom::value);
  };
}

} // namespace actorrent
