#pragma once
// The Transmission-compatible RPC endpoint (`--rpc-bind ADDR:PORT`): an HTTP
// server on a CAF broker. Requests are read by rpc::http_reader, admitted by
// rpc::access_policy (whitelist, Basic auth, Host check, session id) and
// answered by protocol/rpc/methods; figures come from the progress reporter's
// latest status object. At most 64 connections (at the cap, the one silent
// longest makes room for a newcomer); one idle for 60 s is closed.
#include <cstdint>
#include <optional>
#include <string>

#include <caf/fwd.hpp>

#include "actors/torrent_context.hpp"
#include "messages/interfaces.hpp"

namespace actorrent {

struct rpc_endpoint {
  std::string host = "127.0.0.1"; // an IP literal
  std::uint16_t port = 9091;      // 0: any free one (written back)
  std::optional<std::string> username, password;
};

// Invalid handle (and `error` set) when the address cannot be bound.
caf::actor spawn_rpc_server(caf::actor_system& sys, rpc_endpoint& where, context_ptr ctx, progress_actor progress,
                            std::string& error);

} // namespace actorrent
