#pragma once
// Reads and writes a torrent's payload in its files below a download directory.
//
// Every path is resolved with openat() one component at a time and
// O_NOFOLLOW, so a symlink planted inside the download directory cannot send
// a write elsewhere. A file is created by its first write, sparse at its full size. BEP 47 pad
// files never touch the disk (they read as zeros); BEP 47 symlinks are made
// relative and only to targets inside the torrent's folder. File descriptors are
// opened on demand and capped, so torrents with many files work.
//
// An unwanted file that is not on disk is never created: the bytes it gets
// from pieces shared with wanted files go to the parts file, a sparse file in
// payload coordinates kept with the resume data (libtorrent keeps a .parts
// file for the same reason). When the file is wanted again, create_files()
// moves its bytes out. An unwanted file already on disk keeps being used.
#include <cstdint>
#include <list>
#include <unordered_map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/storage/file_map.hpp"
#include "protocol/metainfo/metainfo.hpp"

namespace actorrent {

class storage_error : public std::runtime_error {
public:
  storage_error(const std::string& what, int code) : std::runtime_error(what), code_(code) {}
  int code() const noexcept { return code_; } // errno value
private:
  int code_;
};

// The user's choice of files, as the storage needs it.
struct unwanted_files {
  std::vector<bool> wanted; // per file; shorter: the rest are wanted
  std::string parts_path;   // required once a file is unwanted
  bool wants(std::size_t file) const { return file >= wanted.size() || wanted[file]; }
};

struct file_stamp {
  std::int64_t size = -1; // -1: the file does not exist
  std::int64_t mtime_ns = 0;
  friend bool operator==(const file_stamp& a, const file_stamp& b) {
    return a.size == b.size && a.mtime_ns == b.mtime_ns;
  }
};

class storage {
public:
  // `m` must outlive the storage: its file list is not copied (a torrent of
  // 100,000 files would cost 20 MB per storage).
  storage(std::string root, const metainfo& m, std::size_t max_open_files = 128, unwanted_files unwanted = {});
  storage(std::string root, metainfo&& m, std::size_t max_open_files = 128, unwanted_files unwanted = {}) = delete;
  ~storage();
  storage(const storage&) = delete;
  storage& operator=(const storage&) = delete;

  // Creates the directory tree, the symlinks and the empty files of the wanted
  // files, and checks that nothing but a regular file sits where a file goes.
  // A wanted file that is absent gets the bytes the parts file holds for it.
  void create_files();

  void write(std::uint32_t piece, std::uint32_t begin, std::string_view data);
  // Writes consecutive buffers as one range from `begin` (pwritev per file,
  // no copy): one large write costs the page cache less than many blocks.
  void write(std::uint32_t piece, std::uint32_t begin, const std::vector<std::string_view>& parts);
  void read(std::uint32_t piece, std::uint32_t begin, char* out, std::uint32_t length);
  std::string read_piece(std::uint32_t piece);
  // Makes every write so far durable (fdatasync on files written since the
  // last flush; with `all`, on every open file, so flushes still running on
  // descriptors handed out below are covered too).
  void flush(bool all = false);
  // For a flush on another thread: a duplicate descriptor of every file
  // written since the last flush (the caller fdatasyncs and closes them);
  // those files count as clean from now on. When written files were closed
  // unsynced (descriptor cap) or are many, it holds a descriptor of the
  // download folder instead: the caller then syncfs()es that filesystem.
  std::vector<int> take_dirty_descriptors();

  // Size and modification time of each file as it is on disk now.
  std::vector<file_stamp> stamps();
  const file_map& map() const noexcept { return map_; }
  const std::string& root() const noexcept { return root_; }

private:
  // Reads or writes one range, file slice by file slice.
  void transfer(bool writing, std::uint32_t piece, std::uint32_t begin, char* buf, std::uint32_t length);
  // `covered_to`: the write about to be made ends there (a new file it fills
  // needs no sizing).
  int fd_for(std::size_t file, bool create, std::int64_t covered_to = 0);
  int keep_open(std::size_t file, int fd);
  // Whether file's bytes live in the parts file (unwanted and not on disk).
  bool in_parts(std::size_t file);
  int parts_fd(bool create); // -1: no parts file yet (only without create)
  void move_out_of_parts(std::size_t file);
  void close_file(std::size_t file);
  void evict(std::size_t file);
  void set_dirty(std::size_t file, bool dirty);
  int open_root(bool create) const;
  int open_parent(std::size_t file, bool create); // borrowed: kept open by us; -1: missing (only without create)
  void close_kept_dirs();
  void make_symlink(std::size_t file);
  std::string display_path(std::size_t file) const;
  std::string slice_name(std::size_t file, bool parts) const; // quoted, for errors

  std::string root_;
  const std::vector<torrent_file>& files_;
  file_map map_;
  std::vector<int> fds_;
  // Open files, most recently used first: eviction is O(1), not a scan of
  // every file (a torrent of 100,000 files evicts on nearly every write).
  std::list<std::size_t> lru_;
  std::vector<std::list<std::size_t>::iterator> lru_pos_;
  std::vector<bool> dirty_;
  std::vector<bool> absent_at_start_; // create_files() found nothing there
  unwanted_files unwanted_;
  enum class place : std::uint8_t { unknown, own_file, parts };
  std::vector<place> places_;        // of unwanted files, decided at first use
  int parts_fd_ = -1;
  bool parts_dirty_ = false;
  std::size_t dirty_count_ = 0;
  // Written files closed without a sync (evicted): the next flush syncs the
  // whole filesystem once instead of one fdatasync per evicted file.
  bool closed_unsynced_ = false;
  std::size_t open_count_ = 0;
  int root_fd_ = -1;                                // the download folder, once opened
  std::unordered_map<std::string, int> dir_fds_;    // folders below it, by "a/b/"
  std::size_t max_open_;
};

} // namespace actorrent
