// Fuzz target: the frame parser gives the same frames however its input is
// cut and through either interface (feed/next or consume), never crashes, and
// every decoded message re-encodes to its frame.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "protocol/wire/frame_parser.hpp"
#include "protocol/wire/wire.hpp"

using namespace actorrent::wire;

namespace {
struct outcome {
  std::vector<std::string> items;
  bool failed = false;
};

void check(outcome& o, const frame_parser::item& item) {
  o.items.emplace_back(item.bytes);
  if (item.is_handshake) return;
  const auto r = decode_message(item.bytes);
  if (!r.msg) {
    if (r.error.empty()) std::abort();
    return;
  }
  std::string again;
  append_message(again, *r.msg);
  if (again.substr(4) != item.bytes) std::abort();
}

// feed()/next(), or consume() with each chunk in a buffer of its own that is
// gone after the call (as the peer actor's socket reads are).
outcome parse(std::string_view in, std::size_t chunk, bool in_place) {
  frame_parser p(frame_parser::start::with_handshake, 1 << 16);
  outcome o;
  for (std::size_t at = 0; at < in.size() && !p.failed(); at += chunk) {
    if (in_place) {
      const std::string read(in.substr(at, chunk));
      p.consume(read, [&](const frame_parser::item& item) { return check(o, item), true; });
      continue;
    }
    p.feed(in.substr(at, chunk));
    while (auto item = p.next()) check(o, *item);
  }
  o.failed = p.failed();
  return o;
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::size_t chunk = 1 + data[0] % 97;
  const std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  const outcome whole = parse(in, in.size() + 1, false);
  for (bool in_place : {false, true}) {
    const outcome pieces = parse(in, chunk, in_place);
    if (whole.items != pieces.items || whole.failed != pieces.failed) std::abort();
  }
  const outcome whole_in_place = parse(in, in.size() + 1, true);
  if (whole.items != whole_in_place.items || whole.failed != whole_in_place.failed) std::abort();
  return 0;
}
