#include "protocol/block_cache.hpp"

namespace actorrent {

std::shared_ptr<const std::string> block_cache::find(std::uint64_t key) {
  auto it = index_.find(key);
  if (it == index_.end()) {
    ++misses_;
    return nullptr;
  }
  ++hits_;
  order_.splice(order_.begin(), order_, it->second);
  return it->second->data;
}

void block_cache::erase(std::list<entry>::iterator it) {
  used_ -= it->data->size();
  index_.erase(it->key);
  order_.erase(it);
}

void block_cache::insert(std::uint64_t key, std::shared_ptr<const std::string> data) {
  if (!data) return;
  if (auto old = index_.find(key); old != index_.end()) erase(old->second);
  if (data->size() > budget_) return;
  while (used_ + data->size() > budget_ && !order_.empty()) erase(std::prev(order_.end()));
  used_ += data->size();
  order_.push_front({key, std::move(data)});
  index_[key] = order_.begin();
}

} // namespace actorrent
