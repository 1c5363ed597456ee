#pragma once
// How an actor injects a planned fault: draw from its own stream and, when
// the fault fires, tell the session, which counts it for the fault report.
#include <cstdint>

#include <caf/actor.hpp>
#include <caf/send.hpp>

#include "messages/atoms.hpp"
#include "protocol/fault_plan.hpp"

namespace actorrent {

// Stream ids of the long-lived actors; peer actors use their peer key.
namespace fault_stream {
inline constexpr std::uint64_t disk_writer = (std::uint64_t{1} << 62) | 1;
inline constexpr std::uint64_t tracker = (std::uint64_t{1} << 62) | 2;
inline constexpr std::uint64_t scheduler = (std::uint64_t{1} << 62) | 3;
} // namespace fault_stream

inline bool inject(fault_injector& faults, fault_kind k, const caf::actor& session) {
  if (!faults.fire(k)) return false;
  if (session) caf::anon_send(session, msg::fault_atom::value, static_cast<std::uint8_t>(k));
  return true;
}

} // namespace actorrent
