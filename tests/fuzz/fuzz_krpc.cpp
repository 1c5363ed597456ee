// Fuzz target: KRPC decoding (BEP 5) refuses or accepts without crashing; an
// accepted message re-encodes to something that decodes to the same message,
// and a routing table and a lookup fed with its nodes stay consistent.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "protocol/dht/dht_lookup.hpp"
#include "protocol/dht/krpc.hpp"
#include "protocol/dht/routing_table.hpp"

using namespace actorrent;
using namespace actorrent::dht;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  message m;
  try {
    m = decode(in);
  } catch (const krpc_error& e) {
    if (e.code() != 203 && e.code() != 204) std::abort();
    return 0;
  }
  if (const auto* q = std::get_if<query>(&m)) {
    if (q->tid.empty() || q->tid.size() > 16) std::abort();
    const auto again = std::get<query>(decode(encode(*q)));
    if (again.kind != q->kind || again.sender != q->sender || again.target != q->target) std::abort();
  } else if (const auto* r = std::get_if<response>(&m)) {
    const auto again = std::get<response>(decode(encode(*r)));
    if (again.nodes != r->nodes || again.sender != r->sender) std::abort();
    routing_table table(node_id{});
    const auto now = routing_table::clock::now();
    for (const auto& n : r->nodes) table.heard_from(n, now);
    if (table.size() > r->nodes.size()) std::abort();
    lookup l(r->sender, r->nodes);
    for (const auto& n : l.next_queries()) l.answered(n.id, r->nodes, r->token);
    if (l.in_flight() > lookup::alpha) std::abort();
  }
  return 0;
}
