#include "actors/udp_socket.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <caf/all.hpp>

#include "messages/atoms.hpp"

namespace actorrent {

namespace {

constexpr int poll_ms = 200;            // how long one handler may block: exit messages wait at most this
constexpr int max_datagrams_per_turn = 256;

bool to_sockaddr(const std::string& ip, std::uint16_t port, sockaddr_storage& out, socklen_t& len) {
  std::memset(&out, 0, sizeof out);
  auto* v4 = reinterpret_cast<sockaddr_in*>(&out);
  if (inet_pton(AF_INET, ip.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    len = sizeof(sockaddr_in);
    return true;
  }
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&out);
  if (inet_pton(AF_INET6, ip.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    len = sizeof(sockaddr_in6);
    return true;
  }
  return false;
}

struct reader_state {
  int fd = -1;
  caf::actor owner;
  static inline const char* name = "udp-reader";
};

caf::behavior reader(caf::stateful_actor<reader_state>* self, int fd, caf::actor owner) {
  self->state.fd = fd;
  self->state.owner = std::move(owner);
  self->monitor(self->state.owner);
  self->set_down_handler([=](caf::down_msg&) { self->quit(); });
  self->attach_functor([fd] { ::close(fd); });
  self->send(self, msg::tick_atom::value);
  return {
      [=](msg::tick_atom) {
        auto& st = self->state;
        pollfd p{st.fd, POLLIN, 0};
        if (::poll(&p, 1, poll_ms) > 0) {
          char buf[2048];
          for (int i = 0; i < max_datagrams_per_turn; ++i) {
            sockaddr_storage from{};
            socklen_t len = sizeof from;
            const ssize_t n = ::recvfrom(st.fd, buf, sizeof buf, MSG_DONTWAIT, reinterpret_cast<sockaddr*>(&from), &len);
            if (n < 0) break;
            char text[INET6_ADDRSTRLEN] = {0};
            std::uint16_t port = 0;
            if (from.ss_family == AF_INET) {
              const auto* a = reinterpret_cast<sockaddr_in*>(&from);
              inet_ntop(AF_INET, &a->sin_addr, text, sizeof text);
              port = ntohs(a->sin_port);
            } else if (from.ss_family == AF_INET6) {
              const auto* a = reinterpret_cast<sockaddr_in6*>(&from);
              inet_ntop(AF_INET6, &a->sin6_addr, text, sizeof text);
              port = ntohs(a->sin6_port);
            } else {
              continue;
            }
            // Longer than any KRPC message we accept: truncated by the buffer, dropped by the parser.
            self->send(st.owner, msg::udp_atom::value, std::string(text), port, std::string(buf, static_cast<std::size_t>(n)));
          }
        }
        self->send(self, msg::tick_atom::value); // next turn, after any exit message
      },
  };
}

} // namespace

std::optional<udp_socket> open_udp_socket(caf::actor_system& sys, const std::string& ip, std::uint16_t port,
                                          const caf::actor& owner, std::string& error) {
  sockaddr_storage addr{};
  socklen_t len = 0;
  if (!to_sockaddr(ip, port, addr, len)) {
    error = "not an IP address: " + ip;
    return std::nullopt;
  }
  const int fd = ::socket(addr.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    error = std::strerror(errno);
    return std::nullopt;
  }
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), len) != 0) {
    error = "cannot bind UDP " + ip + ":" + std::to_string(port) + ": " + std::strerror(errno);
    ::close(fd);
    return std::nullopt;
  }
  sockaddr_storage bound{};
  socklen_t blen = sizeof bound;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &blen);
  udp_socket s;
  s.fd = fd;
  s.port = bound.ss_family == AF_INET ? ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port)
                                      : ntohs(reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port);
  sys.spawn<caf::detached>(reader, fd, owner);
  return s;
}

bool udp_send(int fd, const std::string& ip, std::uint16_t port, const std::string& bytes) {
  sockaddr_storage addr{};
  socklen_t len = 0;
  if (!to_sockaddr(ip, port, addr, len)) return false;
  return ::sendto(fd, bytes.data(), bytes.size(), MSG_DONTWAIT, reinterpret_cast<sockaddr*>(&addr), len) ==
         static_cast<ssize_t>(bytes.size());
}

} // namespace actorrent
