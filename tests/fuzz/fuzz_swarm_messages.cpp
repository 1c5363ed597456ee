// Fuzz target: every parser of issue 8's swarm messages (extension handshake,
// ut_metadata, ut_pex, magnet links, UDP tracker replies) refuses or accepts
// without crashing, and what it accepts stays within the documented limits.
// The first input byte picks the parser; the rest is the message.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "protocol/wire/extension_handshake.hpp"
#include "protocol/metainfo/magnet.hpp"
#include "protocol/tracker/udp_tracker_codec.hpp"
#include "protocol/wire/ut_metadata.hpp"
#include "protocol/wire/ut_pex.hpp"

using namespace actorrent;

namespace {

void extension_handshake(std::string_view in) {
  try {
    const auto h = ext::parse(in);
    if (h.metadata_size && (*h.metadata_size <= 0 || *h.metadata_size > ext::max_metadata_size)) std::abort();
    if (!h.yourip.empty() && h.yourip.size() != 4 && h.yourip.size() != 16) std::abort();
    ext::parse(ext::encode(h)); // what we accept, we can say again
  } catch (const ext::extension_error&) {
  }
}

void metadata_message(std::string_view in) {
  try {
    const auto m = ut_metadata::parse(in);
    if (m.piece > 0x7fffffffu) std::abort();
    // Feed it to an assembler of a small dictionary: refused or taken, never a crash.
    ut_metadata::assembler a(sha1_digest{}, 20000);
    a.add(m.piece, m.total_size, m.data);
  } catch (const ext::extension_error&) {
  }
}

void pex_message(std::string_view in) {
  try {
    const auto m = ut_pex::parse(in);
    if (m.added.size() > ut_pex::refuse_over || m.dropped.size() > ut_pex::refuse_over) std::abort();
    for (const auto& p : m.added)
      if (p.port == 0) std::abort();
  } catch (const ext::extension_error&) {
  }
}

void magnet(std::string_view in) {
  try {
    const auto m = parse_magnet(in);
    for (const auto& p : m.peers)
      if (p.port == 0 || p.ip.empty()) std::abort();
  } catch (const magnet_error&) {
  }
}

void udp_reply(std::string_view in) {
  namespace udp = udp_tracker;
  std::uint32_t tx = 0;
  if (!udp::peek_transaction(in, tx)) return;
  for (auto action : {udp::action::connect, udp::action::announce, udp::action::scrape}) {
    try {
      const auto r = udp::check_reply(in, tx, action);
      if (r.is_error) continue;
      if (action == udp::action::connect) udp::parse_connect(r.payload);
      if (action == udp::action::announce) {
        udp::parse_announce(r.payload, false);
        udp::parse_announce(r.payload, true);
      }
      if (action == udp::action::scrape) udp::parse_scrape(r.payload, 1);
    } catch (const tracker_error&) {
    }
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 5) {
    case 0: extension_handshake(in); break;
    case 1: metadata_message(in); break;
    case 2: pex_message(in); break;
    case 3: magnet(in); break;
    case 4: udp_reply(in); break;
  }
  return 0;
}
