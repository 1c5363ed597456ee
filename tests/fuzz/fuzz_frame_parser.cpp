// Fuzz target: the frame parser gives the same frames however its input is
// cut, never crashes, and every decoded message re-encodes to its frame.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "protocol/frame_parser.hpp"
#include "protocol/wire.hpp"

using namespace actorrent::wire;

namespace {
struct outcome {
  std::vector<std::string> items;
  bool failed = false;
};

outcome parse(std::string_view in, std::size_t chunk) {
  frame_parser p(frame_parser::start::with_handshake, 1 << 16);
  outcome o;
  for (std::size_t at = 0; at < in.size() && !p.failed(); at += chunk) {
    p.feed(in.substr(at, chunk));
    while (auto item = p.next()) {
      o.items.emplace_back(item->bytes);
      if (item->is_handshake) continue;
      const auto r = decode_message(item->bytes);
      if (!r.msg) {
        if (r.error.empty()) std::abort();
        continue;
      }
      std::string again;
      append_message(again, *r.msg);
      if (again.substr(4) != item->bytes) std::abort();
    }
  }
  o.failed = p.failed();
  return o;
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::size_t chunk = 1 + data[0] % 97;
  const std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  const outcome whole = parse(in, in.size() + 1);
  const outcome pieces = parse(in, chunk);
  if (whole.items != pieces.items || whole.failed != pieces.failed) std::abort();
  return 0;
}
