#pragma once
// SHA-1 through OpenSSL's EVP interface, plus the 20-byte digest type used for
// piece hashes, info-hashes and peer ids.
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "protocol/bytes.hpp"

namespace actorrent {

using sha1_digest = std::array<std::uint8_t, 20>;

sha1_digest sha1(std::string_view data);

// Incremental hashing: pieces are hashed block by block as they arrive.
class sha1_hasher {
public:
  sha1_hasher();
  ~sha1_hasher();
  sha1_hasher(sha1_hasher&&) noexcept;
  sha1_hasher& operator=(sha1_hasher&&) noexcept;
  sha1_hasher(const sha1_hasher&) = delete;
  sha1_hasher& operator=(const sha1_hasher&) = delete;

  void update(const void* data, std::size_t size);
  void update(std::string_view data) { update(data.data(), data.size()); }
  // Returns the digest and resets the hasher for reuse.
  sha1_digest finish();

private:
  struct context;
  std::unique_ptr<context> ctx_;
};

std::string to_hex(const sha1_digest& digest);
// Accepts exactly 40 hex digits, either case.
std::optional<sha1_digest> sha1_from_hex(std::string_view hex);
sha1_digest sha1_from_bytes(std::string_view twenty_bytes);

} // namespace actorrent
