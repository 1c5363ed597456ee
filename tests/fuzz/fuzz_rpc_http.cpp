// Fuzz target: the RPC's HTTP reader and access checks never crash, never
// hold more than their caps, and base64 decoding is canonical (what it
// accepts encodes back to the same text).
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "protocol/base64.hpp"
#include "protocol/rpc/access_policy.hpp"
#include "protocol/rpc/http_reader.hpp"

using namespace actorrent;
using namespace actorrent::rpc;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  if (auto decoded = base64_decode(in); decoded && base64_encode(*decoded) != in) std::abort();

  const http_limits limits{2048, 4096};
  access_settings s;
  s.username = "u";
  s.password = "p";
  access_policy policy(s, "sid");
  http_reader reader(limits);
  // Fed in uneven pieces, as a socket would deliver them.
  for (std::size_t at = 0, step = 1; at < in.size(); at += step, step = step * 3 % 17 + 1) {
    auto st = reader.feed(in.substr(at, step));
    while (st == http_reader::state::ready) {
      const http_request r = reader.take();
      if (r.body.size() > limits.body_bytes) std::abort();
      request_facts f{"127.0.0.1", r.method, r.target, r.header("Host"), r.header("Authorization"),
                      r.header("X-Transmission-Session-Id")};
      if (status_of(policy.check(f)) < 200) std::abort();
      st = reader.feed("");
    }
    if (reader.buffered() > limits.header_bytes + 17) std::abort();
    if (st == http_reader::state::failed) {
      const int code = reader.error_status();
      if (code != 400 && code != 413 && code != 431) std::abort();
      break;
    }
  }
  return 0;
}
