#include "protocol/storage/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "protocol/storage/storage.hpp"

namespace actorrent {

void save_file_atomically(const std::string& path, std::string_view bytes) {
  const auto slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : path.substr(0, slash);
  if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST)
    throw storage_error("cannot create '" + dir + "': " + std::strerror(errno), errno);
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0) throw storage_error("cannot write '" + tmp + "': " + std::strerror(errno), errno);
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int code = n < 0 ? errno : ENOSPC;
      ::close(fd);
      ::unlink(tmp.c_str());
      throw storage_error("cannot write '" + tmp + "': " + std::strerror(code), code);
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    const int code = errno;
    ::unlink(tmp.c_str());
    throw storage_error("cannot flush '" + tmp + "': " + std::strerror(code), code);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0)
    throw storage_error("cannot rename '" + tmp + "': " + std::strerror(errno), errno);
  // The rename itself must survive a crash too.
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

} // namespace actorrent
