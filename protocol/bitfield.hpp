#pragma once
// A set of piece indices, stored in wire order (BEP 3: the high bit of the
// first byte is piece 0). Spare bits past the last piece are always zero.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace actorrent {

class bitfield {
public:
  bitfield() = default;
  explicit bitfield(std::size_t bits, bool value = false);

  // Parses a peer's BITFIELD payload: the byte count must match the piece
  // count and spare bits must be clear. Returns nullopt otherwise.
  static std::optional<bitfield> from_wire(std::string_view bytes, std::size_t bits);

  std::size_t size() const noexcept { return bits_; }
  std::size_t count() const noexcept { return set_; }
  bool all() const noexcept { return set_ == bits_; }
  bool none() const noexcept { return set_ == 0; }

  bool test(std::size_t i) const;
  // Return whether the bit changed.
  bool set(std::size_t i);
  bool reset(std::size_t i);
  void set_all();
  // Whether this set holds a bit that `other` lacks (same size): "has a piece we need".
  bool has_any_missing_from(const bitfield& other) const;

  std::string_view wire_bytes() const noexcept {
    return {reinterpret_cast<const char*>(bytes_.data()), bytes_.size()};
  }
  static std::size_t wire_size(std::size_t bits) { return (bits + 7) / 8; }

  friend bool operator==(const bitfield& a, const bitfield& b) {
    return a.bits_ == b.bits_ && a.bytes_ == b.bytes_;
  }

private:
  std::vector<std::uint8_t> bytes_;
  std::size_t bits_ = 0;
  std::size_t set_ = 0;
};

} // namespace actorrent
