#pragma once
// Magnet links (BEP 9): magnet:?xt=urn:btih:HASH&dn=NAME&tr=URL&x.pe=HOST:PORT
// with the info-hash in hex (40) or base32 (32 characters).
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/sha1.hpp"
#include "protocol/tracker/tracker_codec.hpp"

namespace actorrent {

class magnet_error : public std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct magnet_link {
  sha1_digest info_hash{};
  std::string display_name;          // dn, may be empty; never used as a path
  std::vector<std::string> trackers; // tr, in order, duplicates dropped
  std::vector<peer_endpoint> peers;  // x.pe
};

bool is_magnet(std::string_view text);

// Throws magnet_error with a one-line reason: not a magnet, no BitTorrent v1
// info-hash, a hash of the wrong length or alphabet, bad percent-encoding,
// an x.pe that is not HOST:PORT.
magnet_link parse_magnet(std::string_view uri);

// A .torrent file around fetched metadata: the info dictionary byte for byte
// (so the info-hash stays the same) and the magnet's trackers, one tier each.
std::string make_torrent_file(std::string_view info_bytes, const std::vector<std::string>& trackers);

} // namespace actorrent
