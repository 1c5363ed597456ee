#pragma once
// Incremental parser for a peer connection's byte stream: first the 68-byte
// handshake, then 4-byte length-prefixed frames. Input may be cut at any byte;
// a frame longer than the configured maximum is an error and the parser stops.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

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

  // Parses `bytes` and calls on_item(const item&) for each complete item, in
  // order, until it returns false. Items lie in `bytes` itself when they are
  // whole there (no copy: this is the download's hot path), else in the
  // buffer that holds a frame cut by the previous read; either way they are
  // valid during the call only. Bytes after the last whole item are kept.
  template <class F>
  void consume(std::string_view bytes, F&& on_item);

  bool failed() const noexcept { return !error_.empty(); }
  const std::string& error() const noexcept { return error_; }
  // Bytes received but not yet returned as items.
  std::size_t buffered() const noexcept { return buf_.size() - pos_; }

private:
  void fail(std::string reason);
  void compact();
  // The item at the start of [p, p+avail) and its size on the wire, or
  // nullopt when it is incomplete (or on error).
  std::optional<std::pair<item, std::size_t>> parse_at(const char* p, std::size_t avail);
  // Bytes still missing for the item at the front of the buffer.
  std::size_t missing() const;

  std::string buf_;
  std::size_t pos_ = 0;
  bool handshake_pending_;
  std::uint32_t max_frame_;
  std::string error_;
};

template <class F>
void frame_parser::consume(std::string_view bytes, F&& on_item) {
  // 1. Complete the item cut by the last read, copying only its own bytes.
  while (!failed() && buffered() > 0 && !bytes.empty()) {
    compact();
    const std::size_t take = std::min(missing(), bytes.size());
    buf_.append(bytes.data(), take);
    bytes.remove_prefix(take);
    bool got = false;
    while (auto it = next()) {
      got = true;
      if (!on_item(*it)) return;
    }
    if (take == 0 && !got) break; // cannot happen; never spin
  }
  // 2. Whole items straight from the read buffer.
  while (!failed()) {
    auto r = parse_at(bytes.data(), bytes.size());
    if (!r) break;
    bytes.remove_prefix(r->second);
    if (!on_item(r->first)) return;
  }
  // 3. Keep the tail for the next read.
  if (!failed() && !bytes.empty()) {
    compact();
    buf_.append(bytes.data(), bytes.size());
  }
}

} // namespace actorrent::wire
