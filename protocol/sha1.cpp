#include "protocol/sha1.hpp"

#include "protocol/bytes.hpp"

#include <openssl/evp.h>

#include <cstring>
#include <stdexcept>

namespace actorrent {

struct sha1_hasher::context {
  EVP_MD_CTX* md = nullptr;
  context() : md(EVP_MD_CTX_new()) {
    if (md == nullptr || EVP_DigestInit_ex(md, EVP_sha1(), nullptr) != 1)
      throw std::runtime_error("OpenSSL: cannot initialise SHA-1");
  }
  ~context() { EVP_MD_CTX_free(md); }
};

sha1_hasher::sha1_hasher() : ctx_(std::make_unique<context>()) {}
sha1_hasher::~sha1_hasher() = default;
sha1_hasher::sha1_hasher(sha1_hasher&&) noexcept = default;
sha1_hasher& sha1_hasher::operator=(sha1_hasher&&) noexcept = default;

void sha1_hasher::update(const void* data, std::size_t size) {
  if (EVP_DigestUpdate(ctx_->md, data, size) != 1)
    throw std::runtime_error("OpenSSL: SHA-1 update failed");
}

sha1_digest sha1_hasher::finish() {
  sha1_digest out{};
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(ctx_->md, out.data(), &len) != 1 || len != out.size()
      || EVP_DigestInit_ex(ctx_->md, EVP_sha1(), nullptr) != 1)
    throw std::runtime_error("OpenSSL: SHA-1 final failed");
  return out;
}

sha1_digest sha1(std::string_view data) {
  sha1_hasher h;
  h.update(data);
  return h.finish();
}

std::string to_hex(const sha1_digest& digest) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(40);
  for (auto b : digest) {
    out.push_back(digits[b >> 4]);
    out.push_back(digits[b & 0x0f]);
  }
  return out;
}


std::optional<sha1_digest> sha1_from_hex(std::string_view hex) {
  if (hex.size() != 40) return std::nullopt;
  sha1_digest out{};
  for (std::size_t i = 0; i < out.size(); ++i) {
    int hi = hex_digit_value(hex[2 * i]), lo = hex_digit_value(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[i] = static_cast<std::uint8_t>(hi << 4 | lo);
  }
  return out;
}

sha1_digest sha1_from_bytes(std::string_view twenty_bytes) {
  if (twenty_bytes.size() != 20) throw std::invalid_argument("a SHA-1 digest is 20 bytes");
  sha1_digest out{};
  std::memcpy(out.data(), twenty_bytes.data(), out.size());
  return out;
}

} // namespace actorrent
