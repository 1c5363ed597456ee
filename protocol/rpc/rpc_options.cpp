#include "protocol/rpc/rpc_options.hpp"

#include <arpa/inet.h>

namespace actorrent::rpc {

namespace {

bool is_ipv4(const std::string& s) {
  in_addr a{};
  return ::inet_pton(AF_INET, s.c_str(), &a) == 1;
}
bool is_ipv6(const std::string& s) {
  in6_addr a{};
  return ::inet_pton(AF_INET6, s.c_str(), &a) == 1;
}

} // namespace

std::optional<bind_address> parse_bind_address(std::string_view text, std::string& error) {
  error = "expected HOST:PORT with HOST an IP address, e.g. 127.0.0.1:9091 or [::1]:9091";
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  std::string host(text.substr(0, colon));
  const std::string_view digits = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
    if (!is_ipv6(host)) return std::nullopt;
  } else if (!is_ipv4(host)) {
    return std::nullopt;
  }
  if (digits.empty() || digits.size() > 5 || digits.find_first_not_of("0123456789") != std::string_view::npos)
    return std::nullopt;
  const unsigned long port = std::stoul(std::string(digits));
  if (port > 65535) return std::nullopt;
  error.clear();
  return bind_address{host, static_cast<std::uint16_t>(port)};
}

bool is_loopback_address(std::string_view ip) {
  return ip.substr(0, 4) == "127." || ip == "::1";
}

std::optional<credentials> parse_credentials(std::string_view text, std::string& error) {
  const std::string_view line = text.substr(0, text.find_first_of("\r\n"));
  const auto colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == line.size()) {
    error = "expected USER:PASSWORD on the first line";
    return std::nullopt;
  }
  return credentials{std::string(line.substr(0, colon)), std::string(line.substr(colon + 1))};
}

} // namespace actorrent::rpc
