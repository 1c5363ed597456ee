#include "actors/flusher.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <caf/all.hpp>

namespace actorrent {

namespace {

// (CAF 0.17 spawns a function actor without arguments through a null
// pointer, which UBSan rejects: the folder it flushes names its errors.)
flusher_actor::behavior_type flusher_behavior(flusher_actor::pointer, std::string dir) {
  return {
      [dir](msg::flush_atom, const std::vector<int>& fds) -> caf::result<msg::flush_atom> {
        int error = 0;
        for (int fd : fds) {
          // A folder's descriptor stands for its whole filesystem (see storage::take_dirty_descriptors).
          struct stat st{};
          const bool whole_fs = ::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode);
          if ((whole_fs ? ::syncfs(fd) : ::fdatasync(fd)) != 0 && error == 0) error = errno;
          ::close(fd);
        }
        if (error != 0) return caf::make_error(caf::sec::runtime_error, "cannot flush files in '" + dir + "': " + std::strerror(error));
        return msg::flush_atom::value;
      },
  };
}

} // namespace

flusher_actor spawn_flusher(caf::actor_system& sys, std::string dir) {
  return sys.spawn<caf::detached>(flusher_behavior, std::move(dir));
}

} // namespace actorrent
