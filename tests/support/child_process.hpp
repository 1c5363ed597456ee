#pragma once
// A running child process whose stdout is read line by line while it runs,
// for tests that watch progress and interrupt at a chosen moment. stderr goes
// to a file. The destructor kills a child that is still running.
#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace actorrent::test {

class child_process {
public:
  explicit child_process(const std::vector<std::string>& argv);
  ~child_process();
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  // The next stdout line, or nullopt at end of output or after the timeout.
  std::optional<std::string> read_line(std::chrono::milliseconds timeout);
  // Everything left on stdout until the child closes it (byte for byte).
  std::string read_all();
  void signal(int sig);
  // Exit code (-1 if killed by a signal), or nullopt if still running after the timeout.
  std::optional<int> wait(std::chrono::milliseconds timeout);
  std::string stderr_text() const;
  // Waits until stderr holds every one of `needles`; false after the timeout.
  bool wait_for_stderr(const std::vector<std::string>& needles, std::chrono::milliseconds timeout) const;
  pid_t pid() const { return pid_; }
  // Peak resident memory in KiB, from the kernel once the child was reaped by wait(); 0 before.
  long peak_rss_kib() const { return peak_rss_kib_; }

private:
  pid_t pid_ = -1;
  int out_fd_ = -1;
  std::string err_path_;
  std::string pending_;
  std::optional<int> exit_code_;
  long peak_rss_kib_ = 0;
};

} // namespace actorrent::test
