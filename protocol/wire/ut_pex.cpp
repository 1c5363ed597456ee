#include "protocol/wire/ut_pex.hpp"

#include <algorithm>

#include "protocol/metainfo/bencode.hpp"

namespace actorrent::ut_pex {

namespace bc = bencode;
using ext::extension_error;

namespace {

void encode_list(bc::value::dict& d, const std::vector<peer_endpoint>& peers, const char* key4, const char* key6,
                 bool flags) {
  std::string v4, v6;
  std::size_t n = 0;
  for (const auto& p : peers) {
    if (n == max_per_message) break;
    const std::string compact = compact_peer(p.ip, p.port); // empty for a host name
    (compact.size() == 6 ? v4 : v6) += compact;
    n += compact.empty() ? 0 : 1;
  }
  d[key4] = v4;
  d[key6] = v6;
  if (flags) { // one flag byte per peer; we know nothing worth flagging
    d[std::string(key4) + ".f"] = std::string(v4.size() / 6, '\0');
    d[std::string(key6) + ".f"] = std::string(v6.size() / 18, '\0');
  }
}

std::vector<peer_endpoint> compact_field(const bc::value& root, std::string_view key, bool ipv6) {
  const bc::value* v = root.find(key);
  if (v == nullptr) return {};
  if (!v->is_string()) throw extension_error("ut_pex: '" + std::string(key) + "' is not a string");
  const std::size_t entry = ipv6 ? 18 : 6;
  if (v->as_string().size() > refuse_over * entry)
    throw extension_error("ut_pex: '" + std::string(key) + "' lists more than " + std::to_string(refuse_over) + " peers");
  try {
    return parse_compact_peers(v->as_string(), ipv6);
  } catch (const tracker_error& e) {
    throw extension_error(std::string("ut_pex: ") + e.what());
  }
}

} // namespace

std::string encode(const message& m) {
  bc::value::dict d;
  encode_list(d, m.added, "added", "added6", true);
  encode_list(d, m.dropped, "dropped", "dropped6", false);
  return bc::encode(bc::value(std::move(d)));
}

message parse(std::string_view payload) {
  bc::value root;
  bc::decode_options opt;
  opt.mode = bc::mode::lenient;
  opt.max_depth = 2;
  opt.max_values = 64;
  if (auto why = bc::decode_dict(payload, opt, root); !why.empty()) throw extension_error("ut_pex message " + why);
  message m;
  m.added = compact_field(root, "added", false);
  auto added6 = compact_field(root, "added6", true);
  m.added.insert(m.added.end(), added6.begin(), added6.end());
  m.dropped = compact_field(root, "dropped", false);
  auto dropped6 = compact_field(root, "dropped6", true);
  m.dropped.insert(m.dropped.end(), dropped6.begin(), dropped6.end());
  if (m.added.size() > refuse_over || m.dropped.size() > refuse_over)
    throw extension_error("ut_pex message lists more than " + std::to_string(refuse_over) + " peers");
  return m;
}

} // namespace actorrent::ut_pex
