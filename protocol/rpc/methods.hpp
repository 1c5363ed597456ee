#pragma once
// Transmission RPC calls (rpc-version 17 semantics, docs/rpc-spec.md): the
// request body parsed and checked, and the answers of the methods that need
// no torrent actor: session-get, session-stats, and our own prefixed
// actorrent-engine-stats. Plain functions over JSON, so every answer is
// unit-tested without a server.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace actorrent::rpc {

constexpr int rpc_version = 17;
constexpr int rpc_version_minimum = 14;

struct call {
  std::string method;
  nlohmann::json arguments = nlohmann::json::object();
  nlohmann::json tag; // echoed back when present (null: none)
};

// The call in a request body, or the error reply to send instead (not JSON,
// not an object, no method string, arguments not an object, a tag that is
// not a number).
struct parsed {
  std::optional<call> ok;
  nlohmann::json error_reply;
};
parsed parse_call(std::string_view body);

// A reply: {"result": "success" or an error text, "arguments": {...}, "tag": ...}.
nlohmann::json reply(const call& c, std::string_view result, nlohmann::json arguments = nlohmann::json::object());

// A backend's serialized reply object with the call's tag added, without
// parsing it again (a torrent-get of ten thousand torrents is megabytes);
// nullopt when `reply` is not a serialized object.
std::optional<std::string> with_tag(std::string reply, const nlohmann::json& tag);

// What session-get reports about the engine.
struct session_facts {
  std::string version;
  std::string session_id;
  std::string download_dir;
  std::uint16_t peer_port = 0;
  bool dht_enabled = false;
  bool pex_enabled = true;
  std::int64_t download_limit = 0; // bytes/s, 0: none
  std::int64_t upload_limit = 0;
  std::size_t peer_limit = 0;
  double seed_ratio = 0; // 0: none
};

// `all` limited to the names in arguments.fields, when the call gives them.
nlohmann::json select_fields(const nlohmann::json& all, const nlohmann::json& arguments);

// session-get, limited to `fields` when the call names them.
nlohmann::json session_get(const session_facts& facts, const nlohmann::json& arguments);
// session-stats from the engine's status object (the --json line).
nlohmann::json session_stats(const nlohmann::json& status);

} // namespace actorrent::rpc
