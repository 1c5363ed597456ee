#pragma once
// The RPC's command-line settings: where it listens (--rpc-bind) and the
// credentials (--rpc-auth-file), checked before anything starts.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace actorrent::rpc {

struct bind_address {
  std::string host; // an IP literal, without brackets
  std::uint16_t port = 0;
};

// "127.0.0.1:9091", "[::1]:9091", "0.0.0.0:9091"; a port from 1 to 65535 (0
// too: any free one). An error text when it is not one of those.
std::optional<bind_address> parse_bind_address(std::string_view text, std::string& error);
bool is_loopback_address(std::string_view ip);

struct credentials {
  std::string username, password;
};
// The first line of an auth file: "USER:PASSWORD" (the password may hold ':').
std::optional<credentials> parse_credentials(std::string_view file_text, std::string& error);

} // namespace actorrent::rpc
