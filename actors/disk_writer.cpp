// The disk writer: every block is written as it arrives (pwrite, no piece
// buffering); the piece's SHA-1 runs incrementally over blocks that arrive in
// order, and reads back from the page cache whatever came out of order.
#include "actors/disk_writer.hpp"

#include <cerrno>
#include <thread>
#include <unordered_map>

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/fault_injection.hpp"
#include "actors/flusher.hpp"
#include "actors/load_meter.hpp"
#include "actors/failure_reason.hpp"
#include "protocol/sha1.hpp"
#include "protocol/swarm/smart_ban.hpp"
#include "protocol/storage/storage.hpp"

namespace actorrent {

namespace {

constexpr auto flush_interval = std::chrono::seconds(2);
constexpr std::size_t verified_batch = 32;
constexpr auto verified_delay = std::chrono::milliseconds(50);
constexpr std::uint64_t max_read_bytes = 4 << 20; // one read request's blocks, at most
// Write errors in a row (EIO and the like) before we give up: a few are
// retried by fetching their piece again, a failing disk stops the download.
constexpr std::uint32_t max_write_errors_in_row = 16;

struct piece_assembly {
  sha1_hasher hasher;
  std::uint32_t hashed = 0;       // bytes [0, hashed) are in the hasher
  std::vector<bool> received;     // per block
  std::vector<peer_key> senders;  // per block, for smart ban
  std::uint32_t received_count = 0;
  bool tampered = false;          // --fault corrupt-block altered one of its blocks
};

// Contiguous blocks of one piece, accepted but not yet written: they go to
// disk in one pwritev (a 256 KiB write costs the page cache about half of
// sixteen 16 KiB ones). Views into the current batch's buffers.
struct pending_run {
  std::uint32_t piece = 0;
  std::uint32_t begin = 0;
  std::uint32_t end = 0;
  std::vector<std::string_view> parts;
};

struct disk_state {
  context_ptr ctx;
  std::unique_ptr<storage> store;
  bitfield have;
  std::unordered_map<std::uint32_t, piece_assembly> pieces;
  std::vector<std::uint32_t> unflushed; // verified, written, not yet fdatasync'ed
  std::vector<std::uint32_t> flushing;  // verified, being made durable by the flusher
  std::vector<std::uint32_t> verified_unsent; // verified, not yet announced
  bool announce_timer_armed = false;
  pending_run run;
  smart_ban culprits;
  scheduler_actor scheduler;
  caf::actor session;
  resume_actor resume;
  bool failed = false;
  bool flush_timer_armed = false; // only while something waits to be flushed
  fault_injector faults;
  std::uint32_t write_errors_in_row = 0;
  std::uint64_t write_errors_total = 0;
  std::uint64_t processed_unreported = 0; // bytes handled since the last report to the scheduler
  load_meter load;
  static inline const char* name = "disk_writer";
};

using self_ptr = disk_actor::stateful_pointer<disk_state>;

void report_fatal(self_ptr self, const std::string& what) {
  if (self->state.failed) return;
  self->state.failed = true;
  caf::anon_send(self->state.session, msg::fatal_atom::value, "disk: " + what);
}

void arm_flush(self_ptr self);

void finish_piece(self_ptr self, std::uint32_t piece, piece_assembly& a) {
  auto& st = self->state;
  const std::uint32_t size = st.store->map().geometry().piece_size(piece);
  std::string chunk;
  while (a.hashed < size) {
    chunk.resize(std::min<std::uint32_t>(size - a.hashed, 256 * 1024));
    st.store->read(piece, a.hashed, chunk.data(), static_cast<std::uint32_t>(chunk.size()));
    a.hasher.update(chunk);
    a.hashed += static_cast<std::uint32_t>(chunk.size());
  }
  const bool ok = a.hasher.finish() == st.ctx->torrent.piece_hashes[piece];
  // Smart ban: block hashes of a failed piece, checked against the good ones
  // later. A piece we altered ourselves (fault injection) accuses nobody.
  if ((!ok && !a.tampered) || (ok && st.culprits.suspected(piece))) {
    const auto hashes = smart_ban::block_hashes(st.store->read_piece(piece));
    if (!ok) {
      std::vector<block_record> blocks;
      for (std::size_t i = 0; i < hashes.size(); ++i) blocks.push_back({a.senders[i], hashes[i]});
      st.culprits.piece_failed(piece, std::move(blocks));
    } else {
      for (peer_key bad : st.culprits.piece_passed(piece, hashes)) caf::anon_send(st.session, msg::ban_atom::value, bad);
    }
  }
  const auto cause = a.tampered ? piece_failure::injected_corruption : piece_failure::hash_mismatch;
  st.pieces.erase(piece);
  if (ok) {
    st.have.set(piece);
    st.unflushed.push_back(piece);
    st.verified_unsent.push_back(piece);
    arm_flush(self);
  } else {
    spdlog::debug("piece {} failed its hash check", piece);
    self->send(st.scheduler, msg::failed_atom::value, piece, static_cast<std::uint8_t>(cause));
    caf::anon_send(st.session, msg::failed_atom::value, piece);
  }
}

// Faults injected at a block write (--fault disk-delay, disk-crash,
// disk-error, corrupt-block), before the block reaches the disk or the hash.
void inject_write_faults(self_ptr self, block_data& b, piece_assembly& a) {
  auto& st = self->state;
  if (inject(st.faults, fault_kind::disk_delay, st.session))
    std::this_thread::sleep_for(std::chrono::milliseconds(st.ctx->options.faults.disk_delay_ms()));
  if (inject(st.faults, fault_kind::disk_crash, st.session)) throw std::runtime_error("injected fault: disk-crash");
  if (inject(st.faults, fault_kind::disk_error, st.session)) throw storage_error("write failed: Input/output error (injected fault: disk-error)", EIO);
  if (inject(st.faults, fault_kind::corrupt_block, st.session)) {
    b.bytes[b.bytes.size() / 2] ^= 0x5A;
    a.tampered = true;
  }
}

void on_write_error(self_ptr self, std::uint32_t piece, const storage_error& e);

// Writes the pending run; a failure costs its piece (see on_write_error).
void write_run(self_ptr self) {
  auto& st = self->state;
  if (st.run.parts.empty()) return;
  const auto parts = std::move(st.run.parts);
  st.run.parts.clear();
  try {
    st.store->write(st.run.piece, st.run.begin, parts);
    st.write_errors_in_row = 0;
  } catch (const storage_error& e) {
    on_write_error(self, st.run.piece, e);
  }
}

void write_block(self_ptr self, block_data& b) {
  auto& st = self->state;
  const auto& geo = st.store->map().geometry();
  const auto len = static_cast<std::uint32_t>(b.bytes.size());
  // Peers validated the block; a verified piece is never written again, so a
  // late duplicate cannot damage data we already vouch for.
  if (st.failed || b.piece >= geo.piece_count() || st.have.test(b.piece) || b.begin % block_size != 0 ||
      !geo.valid_block(b.piece, b.begin, len) || len != geo.block_length(b.piece, b.begin / block_size))
    return;
  // A block that does not extend the run writes the run first (and that may
  // cost its piece, so look the piece up only afterwards).
  if (!st.run.parts.empty() && (st.run.piece != b.piece || st.run.end != b.begin)) write_run(self);
  auto& a = st.pieces[b.piece];
  if (a.received.empty()) {
    a.received.resize(geo.blocks_in_piece(b.piece));
    a.senders.resize(a.received.size());
  }
  const std::size_t index = b.begin / block_size;
  if (a.received[index]) return;
  inject_write_faults(self, b, a);
  if (st.run.parts.empty()) {
    st.run.piece = b.piece;
    st.run.begin = b.begin;
  }
  st.run.parts.emplace_back(b.bytes.data(), len);
  st.run.end = b.begin + len;
  a.received[index] = true;
  a.senders[index] = b.from;
  ++a.received_count;
  if (b.begin == a.hashed) {
    a.hasher.update(b.bytes.data(), len);
    a.hashed += len;
  }
  if (a.received_count < a.received.size()) return;
  write_run(self); // the piece's hash check may read it back
  auto it = st.pieces.find(b.piece);
  if (it != st.pieces.end()) finish_piece(self, b.piece, it->second);
}

// Serves blocks of verified pieces into `out`, one read per run of blocks
// that follow each other in a piece. No cache of our own: the page cache
// holds what was served a moment ago, and a read from it costs the one copy
// a cache hit would.
void read_blocks(disk_state& st, const std::vector<block_ref>& blocks, char* out) {
  std::size_t i = 0;
  while (i < blocks.size()) {
    const auto piece = blocks[i].piece;
    const auto begin = blocks[i].begin;
    std::uint64_t length = blocks[i].length;
    std::size_t j = i + 1;
    while (j < blocks.size() && blocks[j].piece == piece && blocks[j].begin == begin + length) length += blocks[j++].length;
    st.store->read(piece, begin, out, static_cast<std::uint32_t>(length));
    out += length;
    i = j;
  }
}

// A block could not be written. A transient error (EIO) costs its piece,
// fetched again; a full disk, or errors that keep coming, stop the download
// with the state saved (the session flushes and saves on the way out).
void on_write_error(self_ptr self, std::uint32_t piece, const storage_error& e) {
  auto& st = self->state;
  const bool transient = e.code() == EIO || e.code() == EINTR || e.code() == EAGAIN;
  if (!transient || ++st.write_errors_in_row > max_write_errors_in_row) {
    const bool full = e.code() == ENOSPC || e.code() == EDQUOT;
    return report_fatal(self, full ? std::string(e.what()) + " (disk full: free some space and run again to resume)"
                                   : std::string(e.what()));
  }
  if (++st.write_errors_total <= 3)
    spdlog::warn("disk: {}: piece {} will be downloaded again", e.what(), piece);
  else
    spdlog::debug("disk: {}: piece {} will be downloaded again", e.what(), piece);
  st.pieces.erase(piece);
  self->send(st.scheduler, msg::failed_atom::value, piece, static_cast<std::uint8_t>(piece_failure::write_error));
}

// Verified pieces go to the scheduler and the session (and from there as
// 'have' to every peer) in batches: 32 pieces, the last piece, or 50 ms after
// the first, so a piece costs no thread wake-ups of its own.
void announce_verified(self_ptr self, bool now = false) {
  auto& st = self->state;
  if (st.verified_unsent.empty()) return;
  if (!now && st.verified_unsent.size() < verified_batch && !st.ctx->pieces.done(st.have)) {
    if (!st.announce_timer_armed) {
      st.announce_timer_armed = true;
      self->delayed_send(self, verified_delay, msg::verified_atom::value);
    }
    return;
  }
  self->send(st.scheduler, msg::verified_atom::value, st.verified_unsent);
  caf::anon_send(st.session, msg::verified_atom::value, std::move(st.verified_unsent));
  st.verified_unsent = {};
}

// The final flush (the session is stopping): everything, including what the
// flusher may still be working on, durable before the resume file is saved.
void flush_now(self_ptr self) {
  auto& st = self->state;
  if (st.failed || (st.unflushed.empty() && st.flushing.empty())) return;
  st.store->flush(true);
  std::vector<std::uint32_t> durable = st.flushing;
  durable.insert(durable.end(), st.unflushed.begin(), st.unflushed.end());
  self->send(st.resume, msg::durable_atom::value, std::move(durable));
  st.unflushed.clear();
}

// Every 2 s: the flusher makes what is written so far durable while this
// thread goes on writing; then the resume keeper may record those pieces.
// The flush timer runs while pieces wait for their fdatasync: an idle
// torrent (a seed without peers) then costs no timer at all.
void arm_flush(self_ptr self) {
  if (self->state.flush_timer_armed) return;
  self->state.flush_timer_armed = true;
  arm_flush(self);
}

void flush_in_background(self_ptr self) {
  auto& st = self->state;
  if (st.failed || st.unflushed.empty() || !st.flushing.empty()) return;
  std::vector<int> fds;
  try {
    fds = st.store->take_dirty_descriptors();
  } catch (const storage_error& e) {
    return report_fatal(self, e.what());
  }
  st.flushing = std::move(st.unflushed);
  st.unflushed.clear();
  self->request(st.ctx->pools->disk, caf::infinite, msg::job_atom::value, flush_job(std::move(fds), st.ctx->options.download_dir))
      .then(
          [=](msg::flush_atom) {
            auto& s = self->state;
            if (!s.flushing.empty()) self->send(s.resume, msg::durable_atom::value, std::move(s.flushing));
            s.flushing.clear();
          },
          [=](caf::error& e) {
            // The flusher's message names the folder and the cause.
            const auto* text = e.context().match_elements<std::string>() ? &e.context().get_as<std::string>(0) : nullptr;
            report_fatal(self, text ? *text : "cannot flush: " + caf::to_string(e));
          });
}

disk_actor::behavior_type disk_behavior(self_ptr self, context_ptr ctx, bitfield have, scheduler_actor scheduler,
                                        caf::actor session, resume_actor resume) {
  auto& st = self->state;
  st.ctx = ctx;
  st.have = std::move(have);
  st.scheduler = std::move(scheduler);
  st.session = std::move(session);
  st.resume = std::move(resume);
  st.store = std::make_unique<storage>(ctx->options.download_dir, ctx->torrent, 128, unwanted_of(*ctx));
  st.faults = fault_injector(ctx->options.faults, fault_stream::disk_writer);
  self->set_exception_handler([](std::exception_ptr& e) { return failure_reason(e); });
  try {
    st.store->create_files();
  } catch (const storage_error& e) {
    report_fatal(self, e.what());
  }
  self->delayed_send(self, flush_interval, msg::tick_atom::value);
  return {
      [=](std::vector<block_data>& blocks) {
        self->state.load.on_message(self);
        auto& s = self->state;
        for (auto& b : blocks) {
          try {
            write_block(self, b);
          } catch (const storage_error& e) {
            on_write_error(self, b.piece, e);
          }
          s.processed_unreported += b.bytes.size();
        }
        write_run(self); // before the buffers go with the message
        announce_verified(self);
        // Tell the scheduler what is off our queue (it throttles requests on it).
        if (s.processed_unreported >= (1u << 20) || self->mailbox().empty()) {
          self->send(s.scheduler, msg::written_atom::value, s.processed_unreported);
          s.processed_unreported = 0;
        }
      },
      [=](msg::read_atom, const std::vector<block_ref>& blocks) -> caf::result<std::vector<char>> {
        self->state.load.on_message(self);
        auto& s = self->state;
        const auto& geo = s.store->map().geometry();
        // Only verified pieces are ever served; peers checked the requests already.
        std::uint64_t total = 0;
        for (const auto& b : blocks) {
          if (s.failed || b.piece >= geo.piece_count() || !s.have.test(b.piece) || !geo.valid_block(b.piece, b.begin, b.length))
            return caf::make_error(caf::sec::invalid_argument, std::string("not a block we can serve"));
          total += b.length;
        }
        if (total > max_read_bytes) return caf::make_error(caf::sec::invalid_argument, std::string("read too large"));
        std::vector<char> out(total);
        try {
          read_blocks(s, blocks, out.data());
        } catch (const storage_error& e) {
          report_fatal(self, e.what());
          return caf::make_error(caf::sec::runtime_error, std::string(e.what()));
        }
        return out;
      },
      [=](msg::verified_atom) {
        self->state.load.on_message(self);
        self->state.announce_timer_armed = false;
        announce_verified(self, true);
      },
      [=](msg::flush_atom) {
        self->state.load.on_message(self);
        announce_verified(self, true);
        try {
          flush_now(self);
        } catch (const storage_error& e) {
          report_fatal(self, e.what());
        }
        caf::anon_send(self->state.session, msg::load_atom::value, self->state.load.report("disk_writer"));
        return msg::flush_atom::value;
      },
      [=](msg::tick_atom) {
        self->state.load.on_message(self);
        auto& s = self->state;
        s.flush_timer_armed = false;
        flush_in_background(self);
        caf::anon_send(s.session, msg::load_atom::value, s.load.report("disk_writer"));
        if (!s.unflushed.empty() || !s.flushing.empty()) arm_flush(self);
      },
  };
}

} // namespace

disk_actor spawn_disk_writer(caf::actor_system& sys, context_ptr ctx, bitfield have, scheduler_actor scheduler,
                             caf::actor session, resume_actor resume) {
  // On the shared scheduler: writes go to the page cache and hashing is CPU
  // work; what blocks (fdatasync) runs on the disk pool.
  return sys.spawn(disk_behavior, std::move(ctx), std::move(have), std::move(scheduler), std::move(session),
                   std::move(resume));
}

} // namespace actorrent
