#include "actors/connector.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <caf/all.hpp>

#include "messages/atoms.hpp"
#include "messages/types.hpp"

namespace actorrent {

namespace {

// Non-blocking connect with a deadline; returns the socket or -errno.
int connect_with_timeout(const peer_address& addr, std::chrono::milliseconds timeout) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* res = nullptr;
  if (getaddrinfo(addr.host.c_str(), std::to_string(addr.port).c_str(), &hints, &res) != 0 || res == nullptr)
    return -EHOSTUNREACH;
  int result = -ECONNREFUSED;
  for (addrinfo* ai = res; ai != nullptr; ai = ai->ai_next) {
    const int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) {
      result = -errno;
      continue;
    }
    int rc = ::connect(fd, ai->ai_addr, ai->ai_addrlen);
    if (rc != 0 && errno == EINPROGRESS) {
      pollfd p{fd, POLLOUT, 0};
      rc = ::poll(&p, 1, static_cast<int>(timeout.count()));
      if (rc == 0) {
        errno = ETIMEDOUT;
        rc = -1;
      } else if (rc > 0) {
        int err = 0;
        socklen_t len = sizeof err;
        ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
        errno = err;
        rc = err == 0 ? 0 : -1;
      }
    }
    if (rc == 0) {
      const int one = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      result = fd;
      break;
    }
    result = -errno;
    ::close(fd);
  }
  freeaddrinfo(res);
  return result;
}

caf::behavior connector_behavior(caf::event_based_actor* self, std::chrono::milliseconds timeout) {
  return {
      [=](msg::connect_atom, const peer_address& addr) -> caf::result<int> {
        const int fd = connect_with_timeout(addr, timeout);
        self->quit();
        if (fd < 0) return caf::make_error(caf::sec::cannot_connect_to_node, std::string(std::strerror(-fd)));
        return fd;
      },
  };
}

} // namespace

caf::actor spawn_connector(caf::actor_system& sys, std::chrono::milliseconds timeout) {
  return sys.spawn<caf::detached>(connector_behavior, timeout);
}

} // namespace actorrent
