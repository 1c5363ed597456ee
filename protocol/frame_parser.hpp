#pragma once
// Incremental parser for a peer connection's byte stream: first the 68-byte
// handshake, then 4-byte length-prefixed frames. Input may be cut at any byte;
// a frame longer than the configured maximum is an error and the parser stops.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace actorrent::wire {

// Large enough for a bitfield of 8 million pieces and any 16 KiB block.
inline constexpr std::uint32_t default_max_frame = 1u << 20;

class frame_parser {
public:
  enum class start { with_handshake, with_frames };

  explicit frame_parser(start s = start::with_handshake,
                        std::uint32_t max_frame = default_max_frame);

  // Appends received bytes. Views returned earlier become invalid.
  void feed(std::string_view bytes);

  struct item {
    bool is_handshake;
    // The 68 handshake bytes, or a frame's payload without its length prefix
    // (empty for keep-alive). Valid until the next feed().
    std::string_view bytes;
  };
  // The next complete item, or nullopt when more bytes are needed or on error.
  std::optional<item> next();

  bool failed() const noexcept { return !error_.empty(); }
  const std::string& error() const noexcept { return error_; }
  // Bytes received but not yet returned as items.
  std::size_t buffered() const noexcept { return buf_.size() - pos_; }

private:
  void fail(std::string reason);

  std::string buf_;
  std::size_t pos_ = 0;
  bool handshake_pending_;
  std::uint32_t max_frame_;
  std::string error_;
};

} // namespace actorrent::wire
