#include "protocol/bitfield.hpp"

#include <bitset>
#include <stdexcept>

namespace actorrent {

namespace {
std::uint8_t mask(std::size_t i) { return static_cast<std::uint8_t>(0x80u >> (i % 8)); }
std::uint8_t spare_mask(std::size_t bits) {
  // Bits of the last byte that lie past the last piece.
  return bits % 8 == 0 ? 0 : static_cast<std::uint8_t>(0xffu >> (bits % 8));
}
} // namespace

bitfield::bitfield(std::size_t bits, bool value) : bytes_(wire_size(bits), 0), bits_(bits) {
  if (value) set_all();
}

std::optional<bitfield> bitfield::from_wire(std::string_view bytes, std::size_t bits) {
  if (bytes.size() != wire_size(bits)) return std::nullopt;
  bitfield out(bits);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    out.bytes_[i] = static_cast<std::uint8_t>(bytes[i]);
    out.set_ += std::bitset<8>(out.bytes_[i]).count();
  }
  if (!out.bytes_.empty() && (out.bytes_.back() & spare_mask(bits)) != 0) return std::nullopt;
  return out;
}

bool bitfield::test(std::size_t i) const {
  if (i >= bits_) throw std::out_of_range("bit index out of range");
  return (bytes_[i / 8] & mask(i)) != 0;
}

bool bitfield::set(std::size_t i) {
  if (test(i)) return false;
  bytes_[i / 8] = static_cast<std::uint8_t>(bytes_[i / 8] | mask(i));
  ++set_;
  return true;
}

bool bitfield::reset(std::size_t i) {
  if (!test(i)) return false;
  bytes_[i / 8] = static_cast<std::uint8_t>(bytes_[i / 8] & ~mask(i));
  --set_;
  return true;
}

bool bitfield::has_any_missing_from(const bitfield& other) const {
  if (other.bits_ != bits_) throw std::invalid_argument("bitfields of different sizes");
  for (std::size_t i = 0; i < bytes_.size(); ++i)
    if ((bytes_[i] & ~other.bytes_[i]) != 0) return true;
  return false;
}

void bitfield::set_all() {
  for (auto& b : bytes_) b = 0xff;
  if (!bytes_.empty()) bytes_.back() = static_cast<std::uint8_t>(bytes_.back() & ~spare_mask(bits_));
  set_ = bits_;
}

} // namespace actorrent
