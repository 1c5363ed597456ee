#pragma once
// Base64 (RFC 4648, standard alphabet, padded), as HTTP Basic auth and
// Transmission's torrent-add `metainfo` use it. Decoding refuses anything
// that is not canonical base64 (bad characters, bad length or padding).
#include <optional>
#include <string>
#include <string_view>

namespace actorrent {

std::string base64_encode(std::string_view bytes);
std::optional<std::string> base64_decode(std::string_view text);

} // namespace actorrent
