#pragma once
// An iterative DHT lookup (BEP 5, Kademlia): ask the alpha closest nodes not
// yet asked, learn closer ones from their answers, and stop when the k
// closest known nodes have all answered (or failed) and nothing is in flight.
// Used for find_node (bootstrap, refresh) and get_peers (with tokens kept
// for the announce). Plain class: the DHT actor sends and times out queries.
#include <cstddef>
#include <string>
#include <vector>

#include "protocol/dht/krpc.hpp"

namespace actorrent::dht {

class lookup {
public:
  static constexpr std::size_t alpha = 3;
  static constexpr std::size_t k = 8;
  static constexpr std::size_t max_candidates = 100;

  lookup(node_id target, const std::vector<node_info>& seeds);

  const node_id& target() const { return target_; }
  // Nodes to query now (each is then in flight until answered or failed).
  std::vector<node_info> next_queries();
  void answered(const node_id& from, const std::vector<node_info>& closer_nodes, const std::string& token);
  void failed(const node_id& from);
  bool done() const;
  std::size_t in_flight() const;
  // The k closest nodes that answered, with the tokens they gave (get_peers).
  std::vector<std::pair<node_info, std::string>> closest_answered() const;

private:
  enum class state { fresh, asked, answered, failed };
  struct candidate {
    node_info info;
    state st = state::fresh;
    std::string token;
  };
  void add(const node_info& n);
  node_id target_;
  std::vector<candidate> candidates_; // closest first
};

} // namespace actorrent::dht
