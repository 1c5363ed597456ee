#include "actors/piece_check.hpp"

#include <algorithm>
#include <chrono>
#include <optional>
#include <thread>
#include <vector>

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/worker_pool.hpp"
#include "messages/atoms.hpp"
#include "protocol/sha1.hpp"
#include "protocol/storage/storage.hpp"

namespace actorrent {

namespace {

using clock = std::chrono::steady_clock;

// What the files on disk say at start: their stamps and the resume file.
struct startup_files {
  std::vector<file_stamp> stamps;
  std::optional<std::string> resume; // nullopt: none
  std::string resume_error;          // set: unreadable
};

} // namespace
} // namespace actorrent
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::shared_ptr<actorrent::startup_files>)
namespace actorrent {
namespace {

std::string describe(const caf::error& e) {
  const auto& ctx = e.context();
  if (ctx.size() > 0 && ctx.match_element<std::string>(0)) return ctx.get_as<std::string>(0);
  return caf::to_string(e);
}

// The start-up reads, on the disk pool: stat() of every file (a torrent may
// have 100,000) and the resume file can take seconds on a slow disk, and the
// shared scheduler runs every peer's bookkeeping meanwhile.
blocking_job read_startup_files(context_ptr ctx) {
  return [ctx = std::move(ctx)] {
    auto out = std::make_shared<startup_files>();
    const auto& m = ctx->torrent;
    try {
      out->stamps = storage(ctx->options.download_dir, m).stamps();
      out->resume = load_file(resume_file(ctx->options, m.info_hash), 64 << 20);
    } catch (const std::exception& e) {
      out->resume_error = e.what();
    }
    out->stamps.resize(m.files.size()); // unreadable files look absent: their pieces are fetched
    return caf::make_message(std::move(out));
  };
}

// Which pieces need hashing before we trust them: all (with --recheck or no
// usable resume file) or those in files changed since the resume file was saved.
std::vector<std::uint32_t> pieces_to_check(const torrent_context& ctx, const check_outcome& o,
                                           const std::vector<file_stamp>& now, bool resume_ok) {
  const auto& m = ctx.torrent;
  const file_map fm = m.make_file_map();
  std::vector<bool> check(m.piece_count(), false);
  for (std::size_t i = 0; i < m.files.size(); ++i) {
    if (!m.files[i].holds_data() || now[i].size <= 0) continue; // nothing on disk to check
    const bool changed = !resume_ok || ctx.options.recheck || i >= o.resume.files.size() || !(now[i] == o.resume.files[i]);
    if (!changed) continue;
    const auto span = fm.pieces_of_file(i);
    if (!span.empty)
      for (std::uint32_t p = span.first; p <= span.last; ++p) check[p] = true;
  }
  std::vector<std::uint32_t> out;
  for (std::uint32_t p = 0; p < m.piece_count(); ++p)
    if (check[p] && !o.have.test(p)) out.push_back(p);
  return out;
}

struct check_job {
  context_ptr ctx;
  check_callbacks cb;
  std::shared_ptr<check_handle> handle;
  std::shared_ptr<check_outcome> outcome;
  bool save_found = false;
  std::vector<std::uint32_t> queue; // pieces not yet handed out
  std::uint32_t total = 0;
  std::uint32_t done = 0;
  std::size_t busy = 0; // lanes still working
  bool failed = false;
  clock::time_point started;
};

// Hashes `pieces` from disk on a pool thread; the reply is those that match.
// A lane's storage is used by one job at a time.
blocking_job hash_pieces(context_ptr ctx, std::shared_ptr<storage> lane, std::vector<std::uint32_t> pieces) {
  return [ctx = std::move(ctx), lane = std::move(lane), pieces = std::move(pieces)] {
    std::vector<std::uint32_t> good;
    std::string buf;
    for (auto p : pieces) {
      try {
        buf = lane->read_piece(p);
      } catch (const storage_error&) {
        continue; // missing or short file: the piece is simply not there
      }
      if (sha1(buf) == ctx->torrent.piece_hashes[p]) good.push_back(p);
    }
    return caf::make_message(std::move(good));
  };
}

// The found pieces, saved the way the resume keeper saves them: stamps taken
// after the reads, then the file written atomically.
blocking_job save_outcome(context_ptr ctx, resume_data data) {
  return [ctx = std::move(ctx), data = std::move(data)]() mutable {
    data.files = storage(ctx->options.download_dir, ctx->torrent).stamps();
    save_file_atomically(resume_file(ctx->options, ctx->torrent.info_hash), encode_resume(data));
    return caf::make_message(msg::save_atom::value);
  };
}

void finish(caf::event_based_actor* self, const std::shared_ptr<check_job>& job) {
  const double secs = std::chrono::duration<double>(clock::now() - job->started).count();
  const auto& m = job->ctx->torrent;
  if (job->total > 0)
    spdlog::info("{}: check done in {:.1f} s: {} of {} pieces are good", m.name, secs, job->outcome->have.count(), m.piece_count());
  if (!job->save_found || job->outcome->hashed == 0) return job->cb.done(job->outcome);
  auto data = job->outcome->resume;
  data.have = job->outcome->have;
  self->request(job->ctx->pools->disk, caf::infinite, msg::job_atom::value, save_outcome(job->ctx, std::move(data)))
      .then(
          [=](msg::save_atom) {
            if (!job->handle->cancelled()) job->cb.done(job->outcome);
          },
          [=](caf::error& e) { // what was found stands; the next start hashes it again
            spdlog::warn("{}: cannot save what the check found: {}", job->ctx->torrent.name, describe(e));
            if (!job->handle->cancelled()) job->cb.done(job->outcome);
          });
}

void next_batch(caf::event_based_actor* self, std::shared_ptr<storage> lane, std::shared_ptr<check_job> job) {
  constexpr std::size_t batch = 16;
  if (job->handle->cancelled() || job->failed) return;
  if (job->queue.empty()) {
    if (--job->busy == 0) finish(self, job);
    return;
  }
  const std::size_t n = std::min(batch, job->queue.size());
  std::vector<std::uint32_t> pieces(job->queue.end() - static_cast<std::ptrdiff_t>(n), job->queue.end());
  job->queue.resize(job->queue.size() - n);
  self->request(job->ctx->pools->disk, caf::infinite, msg::job_atom::value, hash_pieces(job->ctx, lane, std::move(pieces)))
      .then(
          [=](const std::vector<std::uint32_t>& good) {
            if (job->handle->cancelled()) return;
            for (auto p : good) job->outcome->have.set(p);
            job->done += static_cast<std::uint32_t>(n);
            if (job->cb.progress) job->cb.progress(job->done, job->total);
            next_batch(self, lane, job);
          },
          [=](caf::error& e) {
            if (job->handle->cancelled() || job->failed) return;
            job->failed = true;
            job->cb.failed("checking existing data failed: " + describe(e));
          });
}

void check_with(caf::event_based_actor* self, const std::shared_ptr<check_job>& job, const startup_files& files) {
  const auto& ctx = *job->ctx;
  const auto& m = ctx.torrent;
  auto& o = *job->outcome;
  o.have = bitfield(m.piece_count());
  o.resume = resume_data{m.info_hash, bitfield(m.piece_count()), {}, 0, 0};
  bool resume_ok = false;
  try {
    if (!files.resume_error.empty()) throw std::runtime_error(files.resume_error);
    if (files.resume) {
      o.resume = decode_resume(*files.resume, m);
      resume_ok = true;
      if (!ctx.options.recheck) o.have = trusted_pieces(o.resume, m, files.stamps);
    }
  } catch (const std::exception& e) {
    spdlog::warn("{}: resume file {} is unusable ({}): checking the data on disk instead", m.name,
                 resume_file(ctx.options, m.info_hash), e.what());
    o.resume = resume_data{m.info_hash, bitfield(m.piece_count()), {}, 0, 0};
  }
  job->queue = pieces_to_check(ctx, o, files.stamps, resume_ok);
  job->total = o.hashed = static_cast<std::uint32_t>(job->queue.size());
  if (job->queue.empty()) return finish(self, job);
  spdlog::info("{}: checking {} pieces of existing data", m.name, job->total);
  // A lane per core takes batches from the shared queue, so one slow file does
  // not hold the others up. The disk pool bounds how many run at once, engine-wide.
  const std::size_t lanes = std::min<std::size_t>(std::max(1u, std::thread::hardware_concurrency()), (job->total + 15) / 16);
  job->busy = lanes;
  for (std::size_t w = 0; w < lanes; ++w)
    next_batch(self, std::make_shared<storage>(ctx.options.download_dir, m, 16, unwanted_of(ctx)), job);
}

} // namespace

std::shared_ptr<check_handle> start_check(caf::event_based_actor* self, context_ptr ctx, check_callbacks cb, bool save_found) {
  auto job = std::make_shared<check_job>();
  job->handle = std::make_shared<check_handle>();
  job->outcome = std::make_shared<check_outcome>();
  job->ctx = std::move(ctx);
  job->cb = std::move(cb);
  job->save_found = save_found;
  job->started = clock::now();
  self->request(job->ctx->pools->disk, caf::infinite, msg::job_atom::value, read_startup_files(job->ctx))
      .then(
          [=](std::shared_ptr<startup_files> files) {
            if (!job->handle->cancelled()) check_with(self, job, *files);
          },
          [=](caf::error& e) {
            if (!job->handle->cancelled()) job->cb.failed("reading the download folder failed: " + describe(e));
          });
  return job->handle;
}

} // namespace actorrent
