#pragma once
// A small cache of blocks served to uploads, keyed by (piece, offset).
//
// Several leechers often want the same rare piece at about the same time;
// the second and later requests for a block are answered from memory. Bounded
// by bytes, least recently used block evicted first.
//
// Measured: caching whole pieces instead (one pread per piece) made seeding
// one leecher ~15% slower, as the first block of each piece waited for the
// whole piece; the kernel's read-ahead already batches sequential reads.
#include <cstdint>
#include <list>
#include <memory>
#include <string>
#include <unordered_map>

namespace actorrent {

class block_cache {
public:
  explicit block_cache(std::size_t budget_bytes) : budget_(budget_bytes) {}

  static std::uint64_t key_of(std::uint32_t piece, std::uint32_t begin) {
    return (std::uint64_t{piece} << 32) | begin;
  }
  // The cached bytes, or null. A hit makes the entry the most recently used.
  std::shared_ptr<const std::string> find(std::uint64_t key);
  // Caches bytes (replacing an older copy), evicting as needed. An entry
  // larger than the whole budget is not cached.
  void insert(std::uint64_t key, std::shared_ptr<const std::string> data);

  std::size_t size_bytes() const noexcept { return used_; }
  std::size_t entries() const noexcept { return index_.size(); }
  std::uint64_t hits() const noexcept { return hits_; }
  std::uint64_t misses() const noexcept { return misses_; }

private:
  struct entry {
    std::uint64_t key;
    std::shared_ptr<const std::string> data;
  };
  void erase(std::list<entry>::iterator it);

  std::size_t budget_;
  std::size_t used_ = 0;
  std::list<entry> order_; // front: most recently used
  std::unordered_map<std::uint64_t, std::list<entry>::iterator> index_;
  std::uint64_t hits_ = 0, misses_ = 0;
};

} // namespace actorrent
