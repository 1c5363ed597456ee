#include "actors/listening_socket.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace actorrent {

int open_listening_socket(const std::string& host, std::uint16_t& port) {
  sockaddr_storage addr{};
  socklen_t len = 0;
  bool v6 = true;
  const auto use_v6 = [&](const in6_addr& ip) {
    addr = {};
    auto* a = reinterpret_cast<sockaddr_in6*>(&addr);
    a->sin6_family = AF_INET6;
    a->sin6_addr = ip;
    a->sin6_port = htons(port);
    len = sizeof *a;
    v6 = true;
  };
  const auto use_v4 = [&](const in_addr& ip) {
    addr = {};
    auto* a = reinterpret_cast<sockaddr_in*>(&addr);
    a->sin_family = AF_INET;
    a->sin_addr = ip;
    a->sin_port = htons(port);
    len = sizeof *a;
    v6 = false;
  };
  in6_addr a6{};
  in_addr a4{};
  if (host.empty())
    use_v6(in6addr_any);
  else if (::inet_pton(AF_INET6, host.c_str(), &a6) == 1)
    use_v6(a6);
  else if (::inet_pton(AF_INET, host.c_str(), &a4) == 1)
    use_v4(a4);
  else
    return -1;
  int fd = ::socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0 && host.empty()) { // no IPv6 on this host: every IPv4 address
    use_v4(in_addr{htonl(INADDR_ANY)});
    fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  }
  if (fd < 0) return -1;
  const int on = 1, off = 0;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  if (v6 && host.empty()) ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), len) != 0 || ::listen(fd, SOMAXCONN) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    return -1;
  }
  port = ntohs(v6 ? reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port : reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
  return fd;
}

} // namespace actorrent
