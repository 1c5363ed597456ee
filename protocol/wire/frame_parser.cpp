#include "protocol/wire/frame_parser.hpp"

#include "protocol/wire/wire.hpp"

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

void frame_parser::compact() {
  if (pos_ == 0) return;
  buf_.erase(0, pos_);
  pos_ = 0;
}

void frame_parser::feed(std::string_view bytes) {
  if (failed()) return;
  // Drop what was consumed before growing, so the buffer holds at most one
  // partial frame plus the new bytes.
  compact();
  buf_.append(bytes);
}

std::size_t frame_parser::missing() const {
  const std::size_t avail = buf_.size() - pos_;
  if (handshake_pending_) return avail < handshake_size ? handshake_size - avail : 0;
  if (avail < 4) return 4 - avail;
  const std::uint32_t len = read_u32(buf_.data() + pos_);
  if (len > max_frame_) return 0; // next() reports it
  const std::size_t whole = 4 + static_cast<std::size_t>(len);
  return avail < whole ? whole - avail : 0;
}

std::optional<std::pair<frame_parser::item, std::size_t>> frame_parser::parse_at(const char* p, std::size_t avail) {
  if (handshake_pending_) {
    // Reject a wrong protocol string as soon as its first byte arrives,
    // rather than waiting for 68 bytes that may never come.
    if (avail >= 1 && static_cast<unsigned char>(p[0]) != protocol_string.size()) {
      fail("not a BitTorrent handshake");
      return std::nullopt;
    }
    if (avail < handshake_size) return std::nullopt;
    handshake_pending_ = false;
    return std::make_pair(item{true, std::string_view(p, handshake_size)}, handshake_size);
  }
  if (avail < 4) return std::nullopt;
  const std::uint32_t len = read_u32(p);
  if (len > max_frame_) {
    fail("frame of " + std::to_string(len) + " bytes exceeds the limit of " + std::to_string(max_frame_));
    return std::nullopt;
  }
  if (avail - 4 < len) return std::nullopt;
  return std::make_pair(item{false, std::string_view(p + 4, len)}, 4 + static_cast<std::size_t>(len));
}

std::optional<frame_parser::item> frame_parser::next() {
  if (failed()) return std::nullopt;
  auto r = parse_at(buf_.data() + pos_, buf_.size() - pos_);
  if (!r) return std::nullopt;
  pos_ += r->second;
  return r->first;
}

} // namespace actorrent::wire
