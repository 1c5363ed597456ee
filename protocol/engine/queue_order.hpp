#pragma once
// The order of the queue and the moves Transmission's RPC makes on it.
//
// Positions are stored per torrent and may have gaps or ties (a torrent
// added, one removed, a torrent-set of queuePosition); each move turns them
// into an order (ties kept in the given order) and the engine stores 0..n-1.
#include <vector>

namespace actorrent {

struct queue_slot {
  int id = 0;
  int position = 0;
};

// Ids, lowest position first.
std::vector<int> queue_order(std::vector<queue_slot> slots);

// torrent-set queuePosition: the moved torrents take the positions asked
// for (their `position` in `slots`), the others close up around them.
std::vector<int> place_moved(const std::vector<queue_slot>& slots, const std::vector<int>& moved);

enum class queue_move { top, up, down, bottom };

// queue-move-top/up/down/bottom of the chosen ids; the chosen keep their order among themselves.
std::vector<int> move_in_queue(std::vector<int> order, const std::vector<int>& chosen, queue_move how);

} // namespace actorrent
