#pragma once
// The DHT routing table as saved between runs: our node id and the nodes we
// knew, as a bencoded dictionary {id, nodes (compact)}. Loading distrusts the
// file like any other input.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/dht/krpc.hpp"

namespace actorrent::dht {

struct saved_table {
  node_id id{};
  std::vector<node_info> nodes;
};

std::string encode_saved_table(const saved_table& t);
// nullopt when the bytes are not a saved table (the caller starts afresh).
std::optional<saved_table> decode_saved_table(std::string_view bytes);

} // namespace actorrent::dht
