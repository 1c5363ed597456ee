#include "protocol/wire/extension_handshake.hpp"

#include "protocol/metainfo/bencode.hpp"

namespace actorrent::ext {

namespace bc = bencode;

std::uint8_t handshake::id_of(std::string_view name) const {
  const auto it = m.find(std::string(name));
  return it == m.end() ? 0 : it->second;
}

std::string encode(const handshake& h) {
  bc::value::dict d;
  bc::value::dict m;
  for (const auto& [name, id] : h.m) m[name] = bc::value::integer{id};
  d["m"] = std::move(m);
  if (h.metadata_size) d["metadata_size"] = *h.metadata_size;
  if (!h.client.empty()) d["v"] = h.client;
  if (h.listen_port) d["p"] = bc::value::integer{*h.listen_port};
  if (h.reqq) d["reqq"] = bc::value::integer{*h.reqq};
  if (!h.yourip.empty()) d["yourip"] = h.yourip;
  if (h.upload_only) d["upload_only"] = 1;
  return bc::encode(bc::value(std::move(d)));
}

namespace {

std::optional<std::int64_t> integer_field(const bc::value& d, std::string_view key) {
  const bc::value* v = d.find(key);
  if (v == nullptr) return std::nullopt;
  if (!v->is_integer()) throw extension_error("extension handshake: '" + std::string(key) + "' is not an integer");
  return v->as_integer();
}

} // namespace

handshake parse(std::string_view payload) {
  bc::value root;
  bc::decode_options opt;
  opt.mode = bc::mode::lenient; // clients do not all sort their keys
  opt.max_depth = 4;
  opt.max_values = 2000;
  if (auto why = bc::decode_dict(payload, opt, root); !why.empty()) throw extension_error("extension handshake " + why);
  handshake h;
  if (const bc::value* m = root.find("m")) {
    if (!m->is_dict()) throw extension_error("extension handshake: 'm' is not a dictionary");
    for (const auto& [name, id] : m->as_dict()) {
      if (!id.is_integer() || id.as_integer() < 0 || id.as_integer() > 255)
        throw extension_error("extension handshake: id of '" + name.substr(0, 40) + "' is not in 0..255");
      if (name.size() <= 64) h.m[name] = static_cast<std::uint8_t>(id.as_integer());
    }
  }
  if (auto size = integer_field(root, "metadata_size")) {
    if (*size <= 0 || *size > max_metadata_size)
      throw extension_error("extension handshake: metadata_size " + std::to_string(*size) + " out of range");
    h.metadata_size = size;
  }
  if (const bc::value* v = root.find("v"); v != nullptr && v->is_string())
    for (char c : v->as_string().substr(0, 64)) h.client.push_back(c >= 0x20 && c < 0x7f ? c : '?');
  if (auto p = integer_field(root, "p")) {
    if (*p < 0 || *p > 65535) throw extension_error("extension handshake: port " + std::to_string(*p) + " out of range");
    if (*p != 0) h.listen_port = static_cast<std::uint16_t>(*p);
  }
  if (auto q = integer_field(root, "reqq")) {
    if (*q < 0 || *q > 1000000) throw extension_error("extension handshake: reqq out of range");
    h.reqq = static_cast<std::uint32_t>(*q);
  }
  if (const bc::value* ip = root.find("yourip"); ip != nullptr && ip->is_string() &&
                                                 (ip->as_string().size() == 4 || ip->as_string().size() == 16))
    h.yourip = ip->as_string();
  if (auto u = integer_field(root, "upload_only")) h.upload_only = *u != 0;
  return h;
}

} // namespace actorrent::ext
