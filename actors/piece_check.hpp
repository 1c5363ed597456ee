#pragma once
// The check of a torrent's data before anything trusts it: the resume file and
// the files' stamps (size, mtime) say which pieces need hashing; those are
// hashed on the disk pool in batches, a lane per core, each lane with its own
// files open. The session runs it before a download; the engine runs it before
// it lets a complete torrent rest without actors (and saves what it found, so
// the session that wakes later trusts it without hashing again).
//
// It runs inside the calling actor (its requests, its mailbox): no actor of
// its own, nothing to supervise.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <caf/fwd.hpp>

#include "actors/torrent_context.hpp"
#include "protocol/storage/resume_data.hpp"

namespace actorrent {

struct check_outcome {
  resume_data resume;         // as loaded, or fresh when there was none (its counters are the torrent's)
  bitfield have;              // the pieces verified now
  std::uint32_t hashed = 0;   // pieces hashed; 0: the resume file vouched for everything
};

struct check_callbacks {
  std::function<void(std::uint32_t done, std::uint32_t total)> progress; // may be empty
  std::function<void(std::shared_ptr<check_outcome>)> done;
  std::function<void(const std::string& error)> failed; // one line
};

// Cancelling drops the outcome: neither `done` nor `failed` is called after it.
class check_handle {
public:
  void cancel() { *cancelled_ = true; }
  bool cancelled() const { return *cancelled_; }

private:
  std::shared_ptr<bool> cancelled_ = std::make_shared<bool>(false);
};

// Starts the check from `self`; `save_found` writes a resume file when it
// hashed anything (the engine's check; the session's resume keeper saves its own).
std::shared_ptr<check_handle> start_check(caf::event_based_actor* self, context_ptr ctx, check_callbacks cb,
                                          bool save_found = false);

} // namespace actorrent
