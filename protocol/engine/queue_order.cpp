#include "protocol/engine/queue_order.hpp"

#include <algorithm>

namespace actorrent {

namespace {

bool contains(const std::vector<int>& ids, int id) { return std::find(ids.begin(), ids.end(), id) != ids.end(); }

} // namespace

std::vector<int> queue_order(std::vector<queue_slot> slots) {
  std::stable_sort(slots.begin(), slots.end(), [](const queue_slot& a, const queue_slot& b) { return a.position < b.position; });
  std::vector<int> ids;
  ids.reserve(slots.size());
  for (const auto& s : slots) ids.push_back(s.id);
  return ids;
}

std::vector<int> place_moved(const std::vector<queue_slot>& slots, const std::vector<int>& moved) {
  std::vector<queue_slot> rest, placed;
  for (const auto& s : slots) (contains(moved, s.id) ? placed : rest).push_back(s);
  const auto by_position = [](const queue_slot& a, const queue_slot& b) { return a.position < b.position; };
  std::stable_sort(rest.begin(), rest.end(), by_position);
  std::stable_sort(placed.begin(), placed.end(), by_position);
  std::vector<int> order;
  order.reserve(slots.size());
  std::size_t r = 0, p = 0;
  while (r < rest.size() || p < placed.size()) {
    // A moved torrent goes in as soon as the order reaches the place it asked for.
    const bool take_moved = p < placed.size() && (r == rest.size() || placed[p].position <= static_cast<int>(order.size()));
    order.push_back(take_moved ? placed[p++].id : rest[r++].id);
  }
  return order;
}

std::vector<int> move_in_queue(std::vector<int> order, const std::vector<int>& chosen, queue_move how) {
  const auto is_chosen = [&](int id) { return contains(chosen, id); };
  switch (how) {
  case queue_move::top:
    std::stable_partition(order.begin(), order.end(), is_chosen);
    break;
  case queue_move::bottom:
    std::stable_partition(order.begin(), order.end(), [&](int id) { return !is_chosen(id); });
    break;
  case queue_move::up:
    for (std::size_t i = 1; i < order.size(); ++i)
      if (is_chosen(order[i]) && !is_chosen(order[i - 1])) std::swap(order[i], order[i - 1]);
    break;
  case queue_move::down:
    for (std::size_t i = order.size(); i-- > 1;)
      if (is_chosen(order[i - 1]) && !is_chosen(order[i])) std::swap(order[i], order[i - 1]);
    break;
  }
  return order;
}

} // namespace actorrent
