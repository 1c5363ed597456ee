#include "protocol/dht/dht_saved_table.hpp"

#include <cstring>

#include "protocol/metainfo/bencode.hpp"
#include "protocol/bytes.hpp"

namespace actorrent::dht {

namespace bc = bencode;

std::string encode_saved_table(const saved_table& t) {
  bc::value::dict d;
  d["id"] = std::string(as_bytes(t.id));
  d["nodes"] = compact_nodes(t.nodes);
  return bc::encode(bc::value(std::move(d)));
}

std::optional<saved_table> decode_saved_table(std::string_view bytes) {
  if (bytes.size() > (1 << 20)) return std::nullopt;
  try {
    bc::decode_options opt;
    opt.max_depth = 2;
    opt.max_values = 16;
    const bc::value root = bc::decode(bytes, opt);
    const bc::value* id = root.find("id");
    const bc::value* nodes = root.find("nodes");
    if (id == nullptr || !id->is_string() || id->as_string().size() != 20) return std::nullopt;
    if (nodes == nullptr || !nodes->is_string()) return std::nullopt;
    saved_table t;
    std::memcpy(t.id.data(), id->as_string().data(), 20);
    t.nodes = parse_compact_nodes(nodes->as_string());
    return t;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

} // namespace actorrent::dht
