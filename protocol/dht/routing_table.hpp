#pragma once
// The DHT routing table (BEP 5): k-buckets of nodes by XOR distance from our
// id. The bucket that covers our own id splits when full; other full buckets
// keep their good nodes and put newcomers on a replacement list. A node that
// fails to answer twice is bad and gives way to a replacement; one not heard
// from in 15 minutes is questionable (the DHT actor pings it).
//
// Sybil limits (libtorrent's restrict_routing_ips): one node per IP address
// in the whole table, and per bucket one node per /24 (IPv4) or /64 (IPv6)
// of public addresses, so one host or one subnet cannot fill our view of the
// DHT. Loopback and private ranges are exempt (test networks, LANs).
#include <chrono>
#include <cstddef>
#include <vector>

#include "protocol/dht/krpc.hpp"

namespace actorrent::dht {

class routing_table {
public:
  using clock = std::chrono::steady_clock;
  static constexpr std::size_t k = 8;
  static constexpr auto questionable_after = std::chrono::minutes(15);
  static constexpr int bad_after_failures = 2;

  explicit routing_table(node_id self);

  const node_id& self() const { return self_; }

  enum class added { inserted, updated, replacement, ignored };
  // We heard from this node (it answered our query): it is good now.
  added heard_from(const node_info& n, clock::time_point now);
  // A query to it went unanswered.
  void failed(const node_id& id);
  // Drops a node (it sent garbage); a replacement takes its place.
  void remove(const node_id& id);

  // The n known nodes closest to target, closest first.
  std::vector<node_info> closest(const node_id& target, std::size_t n = k) const;
  // Good nodes not heard from for 15 minutes: worth a ping.
  std::vector<node_info> questionable(clock::time_point now) const;
  // One random id in each bucket not refreshed for 15 minutes (a lookup for
  // it refreshes the bucket), and marks them refreshed.
  std::vector<node_id> refresh_targets(clock::time_point now, std::uint64_t random);

  bool contains(const node_id& id) const;
  std::size_t size() const;
  std::size_t bucket_count() const { return buckets_.size(); }
  std::vector<node_info> all() const;

private:
  struct entry {
    node_info info;
    clock::time_point last_seen{};
    int failures = 0;
  };
  struct bucket {
    std::vector<entry> nodes;
    std::vector<entry> replacements;
    clock::time_point refreshed{};
  };
  std::size_t bucket_of(const node_id& id) const;
  bool admits(const node_info& n, const bucket& b) const;
  void split_last();

  node_id self_;
  std::vector<bucket> buckets_; // bucket i: ids sharing exactly i leading bits with self; the last one: i or more
};

} // namespace actorrent::dht
