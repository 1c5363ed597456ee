#include "protocol/piece_cache.hpp"

namespace actorrent {

std::shared_ptr<const std::string> piece_cache::find(std::uint32_t piece) {
  auto it = index_.find(piece);
  if (it == index_.end()) {
    ++misses_;
    return nullptr;
  }
  ++hits_;
  order_.splice(order_.begin(), order_, it->second);
  return it->second->data;
}

void piece_cache::erase(std::list<entry>::iterator it) {
  used_ -= it->data->size();
  index_.erase(it->piece);
  order_.erase(it);
}

void piece_cache::insert(std::uint32_t piece, std::shared_ptr<const std::string> data) {
  if (!data) return;
  if (auto old = index_.find(piece); old != index_.end()) erase(old->second);
  if (data->size() > budget_) return;
  while (used_ + data->size() > budget_ && !order_.empty()) erase(std::prev(order_.end()));
  used_ += data->size();
  order_.push_front({piece, std::move(data)});
  index_[piece] = order_.begin();
}

} // namespace actorrent
