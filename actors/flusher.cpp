#include "actors/flusher.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <caf/all.hpp>

namespace actorrent {

namespace {

flusher_actor::behavior_type flusher_behavior(flusher_actor::pointer) {
  return {
      [](msg::flush_atom, const std::vector<int>& fds) -> caf::result<msg::flush_atom> {
        int error = 0;
        for (int fd : fds) {
          if (::fdatasync(fd) != 0 && error == 0) error = errno;
          ::close(fd);
        }
        if (error != 0) return caf::make_error(caf::sec::runtime_error, std::string("cannot flush: ") + std::strerror(error));
        return msg::flush_atom::value;
      },
  };
}

} // namespace

flusher_actor spawn_flusher(caf::actor_system& sys) { return sys.spawn<caf::detached>(flusher_behavior); }

} // namespace actorrent
