#pragma once
// Per-actor load, for people tuning concurrency: messages handled and the
// longest the mailbox got (a backlog there means the actor is a bottleneck).
// Each actor calls meter() at the top of its handlers; --json shows the figures.
#include <algorithm>
#include <cstdint>

#include "messages/types.hpp"

namespace actorrent {

struct load_meter {
  std::uint64_t messages = 0;
  std::uint64_t mailbox_high_water = 0;

  template <class Self>
  void on_message(Self* self) {
    ++messages;
    // Messages already fetched into the actor's queue, plus the one being
    // handled. A lower bound (CAF moves its inbox into the queue in batches),
    // read without touching the mailbox: mailbox().size() fetches, and doing
    // that from inside a handler corrupts CAF 0.17's queue walk (peers hang).
    const auto queued = static_cast<std::uint64_t>(self->mailbox().queue().total_task_size());
    mailbox_high_water = std::max<std::uint64_t>(mailbox_high_water, queued + 1);
  }
  actor_load report(std::string name) const { return {std::move(name), messages, mailbox_high_water}; }
};

} // namespace actorrent
