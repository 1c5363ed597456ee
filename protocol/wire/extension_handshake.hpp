#pragma once
// The BEP 10 extension handshake (extended message id 0): which extensions a
// peer speaks and under which message ids, plus its client name, listen port,
// request queue depth, our address as it sees it and, for BEP 9, the size of
// the torrent's info dictionary.
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace actorrent::ext {

class extension_error : public std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The extended message ids we ask peers to use for messages to us.
inline constexpr std::uint8_t handshake_id = 0;
inline constexpr std::uint8_t ut_pex_id = 1;
inline constexpr std::uint8_t ut_metadata_id = 2;
inline constexpr std::string_view ut_pex = "ut_pex";
inline constexpr std::string_view ut_metadata = "ut_metadata";

// An info dictionary bigger than this is refused (libtorrent's limit is 30 MiB).
inline constexpr std::int64_t max_metadata_size = 32LL << 20;

struct handshake {
  std::map<std::string, std::uint8_t> m; // extension name -> its id for messages to the sender; 0: off
  std::optional<std::int64_t> metadata_size;
  std::string client;                    // "v", printable only
  std::optional<std::uint16_t> listen_port; // "p"
  std::optional<std::uint32_t> reqq;     // requests it queues without dropping
  std::string yourip;                    // 4 or 16 raw bytes, or empty
  bool upload_only = false;

  // The id to use when sending `name` to this peer; 0 when it does not speak it.
  std::uint8_t id_of(std::string_view name) const;
};

std::string encode(const handshake& h);

// Throws extension_error on anything malformed: not a bencoded dictionary,
// an 'm' that is not a dictionary of ids from 0 to 255, a metadata size out
// of (0, max_metadata_size], a port or reqq out of range. Unknown keys and
// unknown extensions are ignored.
handshake parse(std::string_view payload);

} // namespace actorrent::ext
