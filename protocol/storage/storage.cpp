#include "protocol/storage/storage.hpp"

#include <sys/uio.h>
#include <climits>
#include <limits>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace actorrent {

namespace {

[[noreturn]] void fail(const std::string& what, int code) {
  throw storage_error(what + ": " + std::strerror(code), code);
}

// Closes a descriptor when it goes out of scope.
struct fd_guard {
  int fd;
  ~fd_guard() {
    if (fd >= 0) ::close(fd);
  }
};

void make_dirs(const std::string& path) {
  std::string partial;
  for (std::size_t i = 0; i <= path.size(); ++i) {
    if (i == path.size() || (path[i] == '/' && i > 0)) {
      partial = path.substr(0, i);
      if (::mkdir(partial.c_str(), 0755) != 0 && errno != EEXIST) fail("cannot create '" + partial + "'", errno);
    }
  }
}

} // namespace

storage::storage(std::string root, const metainfo& m, std::size_t max_open_files, unwanted_files unwanted)
    : root_(root.empty() ? "." : std::move(root)), files_(m.files), map_(m.make_file_map()),
      fds_(m.files.size(), -1), lru_pos_(m.files.size()), dirty_(m.files.size(), false),
      absent_at_start_(m.files.size(), false), unwanted_(std::move(unwanted)),
      places_(m.files.size(), place::unknown), max_open_(std::max<std::size_t>(max_open_files, 1)) {}

storage::~storage() {
  for (std::size_t i = 0; i < fds_.size(); ++i) close_file(i);
  close_kept_dirs();
  if (root_fd_ >= 0) ::close(root_fd_);
  if (parts_fd_ >= 0) {
    if (parts_dirty_) ::fdatasync(parts_fd_);
    ::close(parts_fd_);
  }
}

std::string storage::slice_name(std::size_t file, bool parts) const {
  return parts ? "the parts file '" + unwanted_.parts_path + "'" : "'" + display_path(file) + "'";
}

bool storage::in_parts(std::size_t file) {
  if (unwanted_.wants(file)) return false;
  auto& p = places_[file];
  if (p == place::unknown) {
    p = place::own_file;
    if (fds_[file] < 0) {
      const int dir = open_parent(file, false);
      struct stat st{};
      if (dir < 0 || (::fstatat(dir, files_[file].path.back().c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 && errno == ENOENT))
        p = place::parts;
    }
  }
  return p == place::parts;
}

int storage::parts_fd(bool create) {
  if (parts_fd_ >= 0) return parts_fd_;
  const auto& path = unwanted_.parts_path;
  if (path.empty()) fail("no parts file for the bytes of unwanted files", EINVAL);
  if (create && path.find('/') != std::string::npos && path.rfind('/') > 0) make_dirs(path.substr(0, path.rfind('/')));
  parts_fd_ = ::open(path.c_str(), O_RDWR | O_NOFOLLOW | O_CLOEXEC | (create ? O_CREAT : 0), 0600);
  if (parts_fd_ < 0 && !create && errno == ENOENT) return -1;
  if (parts_fd_ < 0) fail("cannot open the parts file '" + path + "'", errno);
  return parts_fd_;
}

// The file was unwanted and is wanted now: the bytes kept for it move into
// it, which is then made durable before the parts file lets them go.
void storage::move_out_of_parts(std::size_t file) {
  const int parts = parts_fd(false);
  if (parts < 0) return;
  const std::int64_t begin = map_.file_offset(file), end = begin + files_[file].length;
  std::string buf;
  bool moved = false;
  for (std::int64_t at = begin; at < end;) {
    const off_t data = ::lseek(parts, at, SEEK_DATA);
    if (data < 0 || data >= end) break; // ENXIO: nothing more in the file
    off_t hole = ::lseek(parts, data, SEEK_HOLE);
    if (hole < 0 || hole > end) hole = end;
    for (std::int64_t pos = data; pos < hole;) {
      const auto n = static_cast<std::size_t>(std::min<std::int64_t>(hole - pos, 1 << 20));
      buf.resize(n);
      const ssize_t got = ::pread(parts, buf.data(), n, pos);
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) fail("cannot read the parts file '" + unwanted_.parts_path + "'", errno);
      if (got == 0) break;
      const int fd = fd_for(file, true, 0);
      for (std::size_t done = 0; done < static_cast<std::size_t>(got);) {
        const ssize_t w = ::pwrite(fd, buf.data() + done, static_cast<std::size_t>(got) - done,
                                   pos - begin + static_cast<off_t>(done));
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) fail("cannot write '" + display_path(file) + "'", w < 0 ? errno : ENOSPC);
        done += static_cast<std::size_t>(w);
      }
      moved = true;
      pos += got;
    }
    at = hole;
  }
  if (!moved) return;
  if (::fdatasync(fds_[file]) != 0) fail("cannot flush '" + display_path(file) + "'", errno);
  // Best effort: a hole left unpunched only costs space.
  ::fallocate(parts, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, begin, end - begin);
}

std::string storage::display_path(std::size_t file) const {
  return root_ + "/" + files_[file].path_string();
}

int storage::open_root(bool create) const {
  if (create) make_dirs(root_);
  const int fd = ::open(root_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) fail("cannot open download directory '" + root_ + "'", errno);
  return fd;
}

// Walks down the tree to a file's folder: each directory opened with
// O_NOFOLLOW, so no component may be a symlink, even one planted after the
// torrent started. Folders opened on the way are kept (a few hundred at most):
// a torrent of 100,000 files otherwise pays a walk, and a mkdir of every level
// of the download folder, per file it opens. Like the open file descriptors,
// a kept one stays on the folder it was opened on: a symlink planted there
// later is never followed.
int storage::open_parent(std::size_t file, bool create) {
  constexpr std::size_t max_kept = 256;
  const auto& path = files_[file].path;
  if (root_fd_ < 0) {
    if (!create && ::access(root_.c_str(), F_OK) != 0 && errno == ENOENT) return -1;
    root_fd_ = open_root(create);
  }
  int dir = root_fd_;
  std::string key;
  for (std::size_t i = 0; i + 1 < path.size(); ++i) {
    key += path[i];
    key += '/';
    if (auto it = dir_fds_.find(key); it != dir_fds_.end()) {
      dir = it->second;
      continue;
    }
    if (create && ::mkdirat(dir, path[i].c_str(), 0755) != 0 && errno != EEXIST)
      fail("cannot create directory for '" + display_path(file) + "'", errno);
    const int next = ::openat(dir, path[i].c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (next < 0 && !create && errno == ENOENT) return -1;
    if (next < 0) fail("cannot open directory for '" + display_path(file) + "'", errno);
    if (dir_fds_.size() >= max_kept) close_kept_dirs(); // `dir` may be among them: its successor is open
    dir_fds_.emplace(key, next);
    dir = next;
  }
  return dir;
}

void storage::close_kept_dirs() {
  for (auto& [key, fd] : dir_fds_) ::close(fd);
  dir_fds_.clear();
}

// BEP 47 symlink: a relative link from the file's folder to its target below
// the torrent's root folder. Target components are checked like paths (no
// "..", no '/'), and the link climbs only as many folders as it sits below
// that root, so it can never point outside the download.
void storage::make_symlink(std::size_t file) {
  const auto& f = files_[file];
  if (f.symlink_target.empty()) return; // a link to nowhere: nothing to make
  std::string target;
  for (std::size_t i = 2; i < f.path.size(); ++i) target += "../"; // path[0] is the torrent's root folder
  for (std::size_t i = 0; i < f.symlink_target.size(); ++i) target += (i ? "/" : "") + f.symlink_target[i];
  const int dir = open_parent(file, true);
  if (::symlinkat(target.c_str(), dir, f.path.back().c_str()) == 0) return;
  const int code = errno;
  char existing[PATH_MAX];
  const auto n = ::readlinkat(dir, f.path.back().c_str(), existing, sizeof existing);
  if (code == EEXIST && n >= 0 && std::string_view(existing, static_cast<std::size_t>(n)) == target) return; // made by an earlier run
  fail("cannot make the symlink '" + display_path(file) + "'", code);
}

int storage::fd_for(std::size_t file, bool create, std::int64_t covered_to) {
  if (fds_[file] >= 0) {
    lru_.splice(lru_.begin(), lru_, lru_pos_[file]);
    return fds_[file];
  }
  if (open_count_ >= max_open_ && !lru_.empty()) evict(lru_.back());
  const int dir = open_parent(file, create);
  if (dir < 0) fail("cannot open '" + display_path(file) + "'", ENOENT);
  const auto& f = files_[file];
  const mode_t mode = f.executable ? 0755 : 0644;
  int fd = -1;
  if (create && absent_at_start_[file]) {
    // Known absent: made here, so it is ours and regular, and empty. A write
    // that fills it needs no ftruncate (three system calls per small file).
    absent_at_start_[file] = false;
    fd = ::openat(dir, f.path.back().c_str(), O_RDWR | O_NOFOLLOW | O_CLOEXEC | O_CREAT | O_EXCL, mode);
    if (fd >= 0) {
      if (covered_to < f.length && ::ftruncate(fd, f.length) != 0) {
        const int code = errno;
        ::close(fd);
        fail("cannot size '" + display_path(file) + "'", code);
      }
      return keep_open(file, fd);
    }
    if (errno != EEXIST) fail("cannot open '" + display_path(file) + "'", errno);
  }
  fd = ::openat(dir, f.path.back().c_str(), O_RDWR | O_NOFOLLOW | O_CLOEXEC | (create ? O_CREAT : 0), mode);
  if (fd < 0) fail("cannot open '" + display_path(file) + "'", errno);
  struct stat st{};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    const int code = errno ? errno : EISDIR;
    ::close(fd);
    fail("'" + display_path(file) + "' is not a regular file", code);
  }
  // Opened to write: the file takes its full size (sparse: ftruncate reserves no blocks).
  if (create && st.st_size != f.length && ::ftruncate(fd, f.length) != 0) {
    const int code = errno;
    ::close(fd);
    fail("cannot size '" + display_path(file) + "'", code);
  }
  return keep_open(file, fd);
}

int storage::keep_open(std::size_t file, int fd) {
  fds_[file] = fd;
  ++open_count_;
  lru_.push_front(file);
  lru_pos_[file] = lru_.begin();
  return fd;
}

void storage::set_dirty(std::size_t file, bool dirty) {
  if (dirty_[file] == dirty) return;
  dirty_[file] = dirty;
  dirty ? ++dirty_count_ : --dirty_count_;
}

// Closes the least recently used file for another; its unsynced writes are
// covered by the next flush's syncfs (a per-file fdatasync here, on the disk
// writer's thread, cost a disk round trip per evicted file).
void storage::evict(std::size_t file) {
  if (dirty_[file]) closed_unsynced_ = true;
  set_dirty(file, false);
  lru_.erase(lru_pos_[file]);
  ::close(fds_[file]);
  fds_[file] = -1;
  --open_count_;
}

void storage::close_file(std::size_t file) {
  if (fds_[file] < 0) return;
  if (dirty_[file]) ::fdatasync(fds_[file]);
  set_dirty(file, false);
  lru_.erase(lru_pos_[file]);
  ::close(fds_[file]);
  fds_[file] = -1;
  --open_count_;
}

// Makes the folders, the symlinks and the empty files; a file with data is
// created (and sized) by its first write, so a torrent of 100,000 small files
// opens each once, not twice. What is already in a file's place must be a
// regular file: a planted link, folder or device is refused now, not at the
// first write.
void storage::create_files() {
  for (std::size_t i = 0; i < files_.size(); ++i) {
    if (!unwanted_.wants(i)) {
      in_parts(i); // decided now, before a wanted neighbour's folder appears
      continue;
    }
    if (files_[i].symlink) make_symlink(i);
    if (!files_[i].holds_data()) continue;
    if (files_[i].length == 0) {
      fd_for(i, true);
      continue;
    }
    struct stat st{};
    if (::fstatat(open_parent(i, true), files_[i].path.back().c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
      if (errno != ENOENT) fail("cannot look at '" + display_path(i) + "'", errno);
      absent_at_start_[i] = true;
      if (!unwanted_.parts_path.empty()) move_out_of_parts(i);
    } else if (!S_ISREG(st.st_mode)) {
      fail("'" + display_path(i) + "' is not a regular file", S_ISLNK(st.st_mode) ? ELOOP : EISDIR);
    }
  }
}

void storage::transfer(bool writing, std::uint32_t piece, std::uint32_t begin, char* buf, std::uint32_t length) {
  for (const auto& s : map_.map_block(piece, begin, length)) {
    char* p = buf;
    buf += s.length;
    if (files_[s.file_index].pad) {
      if (!writing) std::memset(p, 0, static_cast<std::size_t>(s.length)); // pad files read as zeros
      continue;
    }
    const bool parts = in_parts(s.file_index);
    const int fd = parts ? parts_fd(writing) : fd_for(s.file_index, writing, writing ? s.file_offset + s.length : 0);
    const std::int64_t at = parts ? map_.file_offset(s.file_index) + s.file_offset : s.file_offset;
    std::int64_t done = 0;
    while (done < s.length) {
      const auto left = static_cast<std::size_t>(s.length - done);
      if (fd < 0) { // no parts file yet: nothing kept, which reads as zeros
        std::memset(p + done, 0, left);
        break;
      }
      const ssize_t n = writing ? ::pwrite(fd, p + done, left, at + done) : ::pread(fd, p + done, left, at + done);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) fail(std::string(writing ? "cannot write " : "cannot read ") + slice_name(s.file_index, parts), errno);
      if (n == 0) {
        if (writing) fail("cannot write " + slice_name(s.file_index, parts), ENOSPC);
        if (parts) { // the sparse file ends before this range: zeros
          std::memset(p + done, 0, left);
          break;
        }
        fail(slice_name(s.file_index, false) + " is shorter than expected", EIO);
      }
      done += n;
    }
    if (writing && parts) parts_dirty_ = true;
    if (writing && !parts) set_dirty(s.file_index, true);
  }
}

void storage::write(std::uint32_t piece, std::uint32_t begin, std::string_view data) {
  // pwrite does not modify the buffer; transfer() takes char* for both directions.
  transfer(true, piece, begin, const_cast<char*>(data.data()), static_cast<std::uint32_t>(data.size()));
}

void storage::write(std::uint32_t piece, std::uint32_t begin, const std::vector<std::string_view>& parts) {
  std::uint64_t total = 0;
  for (auto p : parts) total += p.size();
  if (total > std::numeric_limits<std::uint32_t>::max()) throw std::out_of_range("write run too long");
  std::size_t part = 0, part_off = 0; // where the next slice starts in `parts`
  std::vector<iovec> iov;
  for (const auto& s : map_.map_block(piece, begin, static_cast<std::uint32_t>(total))) {
    // The buffers (or parts of them) that make up this file slice.
    iov.clear();
    for (std::int64_t want = s.length; want > 0;) {
      const std::size_t n = std::min<std::size_t>(parts[part].size() - part_off, static_cast<std::size_t>(want));
      iov.push_back({const_cast<char*>(parts[part].data() + part_off), n}); // pwritev does not modify it
      want -= static_cast<std::int64_t>(n);
      part_off += n;
      if (part_off == parts[part].size()) ++part, part_off = 0;
    }
    if (files_[s.file_index].pad) continue;
    const bool kept = in_parts(s.file_index);
    const int fd = kept ? parts_fd(true) : fd_for(s.file_index, true, s.file_offset + s.length);
    std::int64_t offset = kept ? map_.file_offset(s.file_index) + s.file_offset : s.file_offset;
    for (std::size_t first = 0; first < iov.size();) {
      const int count = static_cast<int>(std::min<std::size_t>(iov.size() - first, IOV_MAX));
      const ssize_t n = ::pwritev(fd, iov.data() + first, count, offset);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) fail("cannot write " + slice_name(s.file_index, kept), errno);
      if (n == 0) fail("cannot write " + slice_name(s.file_index, kept), ENOSPC);
      offset += n;
      // Skip what was written; a short write leaves the rest of one buffer.
      for (auto left = static_cast<std::size_t>(n); left > 0;) {
        if (left >= iov[first].iov_len) {
          left -= iov[first].iov_len;
          ++first;
        } else {
          iov[first].iov_base = static_cast<char*>(iov[first].iov_base) + left;
          iov[first].iov_len -= left;
          left = 0;
        }
      }
    }
    kept ? void(parts_dirty_ = true) : set_dirty(s.file_index, true);
  }
}

void storage::read(std::uint32_t piece, std::uint32_t begin, char* out, std::uint32_t length) {
  transfer(false, piece, begin, out, length);
}

std::string storage::read_piece(std::uint32_t piece) {
  std::string out(map_.geometry().piece_size(piece), '\0');
  read(piece, 0, out.data(), static_cast<std::uint32_t>(out.size()));
  return out;
}

void storage::flush(bool all) {
  // The parts file lives with the state, maybe on another filesystem.
  if (parts_dirty_) {
    if (::fdatasync(parts_fd_) != 0) fail("cannot flush the parts file '" + unwanted_.parts_path + "'", errno);
    parts_dirty_ = false;
  }
  if (closed_unsynced_ || all) {
    // Files closed unsynced, or flushes still running elsewhere: one syncfs
    // covers every file of the download folder's filesystem.
    fd_guard root{open_root(false)};
    if (::syncfs(root.fd) != 0) fail("cannot flush '" + root_ + "'", errno);
    closed_unsynced_ = false;
    for (std::size_t i : lru_) set_dirty(i, false);
    return;
  }
  for (std::size_t i : lru_) {
    if (!dirty_[i]) continue;
    if (::fdatasync(fds_[i]) != 0) fail("cannot flush '" + display_path(i) + "'", errno);
    set_dirty(i, false);
  }
}

std::vector<int> storage::take_dirty_descriptors() {
  constexpr std::size_t many = 64; // past this, one syncfs beats a syscall per file
  std::vector<int> out;
  if (parts_dirty_) {
    const int fd = ::fcntl(parts_fd_, F_DUPFD_CLOEXEC, 0);
    if (fd < 0) fail("cannot flush the parts file '" + unwanted_.parts_path + "'", errno);
    out.push_back(fd);
    parts_dirty_ = false;
  }
  if (closed_unsynced_ || dirty_count_ > many) {
    out.push_back(open_root(false));
    closed_unsynced_ = false;
    for (std::size_t i : lru_) set_dirty(i, false);
    return out;
  }
  for (std::size_t i : lru_) {
    if (!dirty_[i]) continue;
    const int fd = ::fcntl(fds_[i], F_DUPFD_CLOEXEC, 0);
    if (fd < 0) {
      for (int d : out) ::close(d);
      fail("cannot flush '" + display_path(i) + "'", errno);
    }
    out.push_back(fd);
    set_dirty(i, false);
  }
  return out;
}

// Each file looked up from its kept folder descriptor (fstatat), not by its
// whole path: the kernel walks one name per file, not the download path again.
std::vector<file_stamp> storage::stamps() {
  std::vector<file_stamp> out(files_.size());
  for (std::size_t i = 0; i < files_.size(); ++i) {
    if (!files_[i].holds_data()) continue;
    const int dir = open_parent(i, false);
    struct stat st{};
    if (dir < 0 || ::fstatat(dir, files_[i].path.back().c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode))
      continue;
    out[i].size = st.st_size;
    out[i].mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
  }
  return out;
}

} // namespace actorrent
