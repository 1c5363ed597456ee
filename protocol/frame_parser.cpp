#include "protocol/frame_parser.hpp"

#include "protocol/wire.hpp"

namespace actorrent::wire {

frame_parser::frame_parser(start s, std::uint32_t max_frame)
    : handshake_pending_(s == start::with_handshake), max_frame_(max_frame) {}

void frame_parser::fail(std::string reason) {
  // A failed stream is never read again: release its bytes at once.
  error_ = std::move(reason);
  buf_.clear();
  buf_.shrink_to_fit();
  pos_ = 0;
}

void frame_parser::feed(std::string_view bytes) {
  if (failed()) return;
  // Drop what was consumed before growing, so the buffer holds at most one
  // partial frame plus the new bytes.
  if (pos_ > 0) {
    buf_.erase(0, pos_);
    pos_ = 0;
  }
  buf_.append(bytes);
}

std::optional<frame_parser::item> frame_parser::next() {
  if (failed()) return std::nullopt;
  const std::size_t avail = buf_.size() - pos_;
  const char* p = buf_.data() + pos_;
  if (handshake_pending_) {
    // Reject a wrong protocol string as soon as its first byte arrives,
    // rather than waiting for 68 bytes that may never come.
    if (avail >= 1 && static_cast<unsigned char>(p[0]) != protocol_string.size()) {
      fail("not a BitTorrent handshake");
      return std::nullopt;
    }
    if (avail < handshake_size) return std::nullopt;
    handshake_pending_ = false;
    pos_ += handshake_size;
    return item{true, std::string_view(p, handshake_size)};
  }
  if (avail < 4) return std::nullopt;
  const std::uint32_t len = read_u32(p);
  if (len > max_frame_) {
    fail("frame of " + std::to_string(len) + " bytes exceeds the limit of " + std::to_string(max_frame_));
    return std::nullopt;
  }
  if (avail - 4 < len) return std::nullopt;
  pos_ += 4 + static_cast<std::size_t>(len);
  return item{false, std::string_view(p + 4, len)};
}

} // namespace actorrent::wire
