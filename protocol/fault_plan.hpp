#pragma once
// Fault injection as a feature: which faults to inject, at what rate, from
// which seed. `--fault KIND=RATE` (repeatable) and `--fault-seed N` build a
// plan; each actor draws from its own deterministic stream (seed, stream id),
// so a run with the same seed injects the same faults at the same points.
#include <cstdint>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace actorrent {

// The rate is a probability per event; the event is named beside each kind.
enum class fault_kind : std::uint8_t {
  peer_crash,      // per peer message: the peer actor throws
  peer_drop,       // per peer message: the connection is closed
  peer_stall,      // per peer message: the peer actor stops reading for 5 s
  corrupt_block,   // per received block: a byte is altered before hashing
  disk_error,      // per block write: the write fails with EIO
  disk_delay,      // every block write waits MS milliseconds (disk-delay=MS)
  tracker_fail,    // per announce: it fails as if the tracker were down
  scheduler_crash, // per scheduler message: the scheduler throws
  disk_crash,      // per block write: the disk writer throws
};
inline constexpr std::size_t fault_kind_count = 9;

std::string_view fault_name(fault_kind k);
std::optional<fault_kind> fault_from_name(std::string_view name);

class fault_plan {
public:
  // Parses "KIND=RATE" specs (RATE in [0, 1]; for disk-delay, milliseconds
  // from 1 to 10000); throws std::invalid_argument with a one-line reason
  // naming the supported kinds.
  static fault_plan parse(const std::vector<std::string>& specs, std::uint64_t seed);

  double rate(fault_kind k) const { return rates_[static_cast<std::size_t>(k)]; }
  // disk-delay's value: how long each write waits.
  std::uint32_t disk_delay_ms() const { return static_cast<std::uint32_t>(rates_[static_cast<std::size_t>(fault_kind::disk_delay)]); }
  bool any() const;
  std::uint64_t seed() const { return seed_; }

private:
  double rates_[fault_kind_count] = {};
  std::uint64_t seed_ = 1;
};

// One actor's view of the plan: a deterministic stream of decisions.
class fault_injector {
public:
  fault_injector() = default;
  fault_injector(const fault_plan& plan, std::uint64_t stream);
  // True when this fault fires now.
  bool fire(fault_kind k);

private:
  const fault_plan* plan_ = nullptr;
  std::mt19937_64 rng_;
};

} // namespace actorrent
