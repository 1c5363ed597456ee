#pragma once
// The Transmission-compatible RPC endpoint (`--rpc-bind ADDR:PORT`): an HTTP
// server on a CAF broker. Requests are read by rpc::http_reader, admitted by
// rpc::access_policy (whitelist, Basic auth, Host check, session id) and
// handed to the backend (the engine) as (rpc_atom, method, arguments JSON),
// which answers a reply JSON {"result", "arguments"}; the tag and the
// session id are added here. At most 64 connections (at the cap, the one silent
// longest makes room for a newcomer); one idle for 60 s is closed.
#include <cstdint>
#include <optional>
#include <string>

#include <caf/fwd.hpp>


namespace actorrent {

struct rpc_endpoint {
  std::string host = "127.0.0.1"; // an IP literal
  std::uint16_t port = 9091;      // 0: any free one (written back)
  std::optional<std::string> username, password;
};

// Invalid handle (and `error` set) when the address cannot be bound.
caf::actor spawn_rpc_server(caf::actor_system& sys, rpc_endpoint& where, caf::actor backend, std::string& error);

} // namespace actorrent
