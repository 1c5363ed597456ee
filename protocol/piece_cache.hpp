#pragma once
// A small cache of whole verified pieces for serving uploads.
//
// Leechers ask for a piece block by block, usually all of it, and several
// leechers often want the same rare piece; reading the piece once (one pread
// instead of one per 16 KiB block) and answering the rest from memory saves
// system calls. Bounded by bytes, least recently used piece evicted first.
#include <cstdint>
#include <list>
#include <memory>
#include <string>
#include <unordered_map>

namespace actorrent {

class piece_cache {
public:
  explicit piece_cache(std::size_t budget_bytes) : budget_(budget_bytes) {}

  // The cached piece, or null. A hit makes the piece the most recently used.
  std::shared_ptr<const std::string> find(std::uint32_t piece);
  // Caches a piece (replacing an older copy), evicting as needed. A piece
  // larger than the whole budget is not cached.
  void insert(std::uint32_t piece, std::shared_ptr<const std::string> data);

  std::size_t size_bytes() const noexcept { return used_; }
  std::size_t pieces() const noexcept { return index_.size(); }
  std::uint64_t hits() const noexcept { return hits_; }
  std::uint64_t misses() const noexcept { return misses_; }

private:
  struct entry {
    std::uint32_t piece;
    std::shared_ptr<const std::string> data;
  };
  void erase(std::list<entry>::iterator it);

  std::size_t budget_;
  std::size_t used_ = 0;
  std::list<entry> order_; // front: most recently used
  std::unordered_map<std::uint32_t, std::list<entry>::iterator> index_;
  std::uint64_t hits_ = 0, misses_ = 0;
};

} // namespace actorrent
