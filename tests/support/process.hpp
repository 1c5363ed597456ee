#pragma once
// Runs a program and captures its exit code, stdout and stderr: for tests that
// check what a user of the command line sees.
#include <string>
#include <vector>

namespace actorrent::test {

struct process_result {
  int exit_code = -1; // -1 when killed by a signal
  std::string out;
  std::string err;
};

process_result run_process(const std::vector<std::string>& argv);

} // namespace actorrent::test
