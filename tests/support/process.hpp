#pragma once
// Runs a program and captures its exit code, stdout and stderr: for tests that
// check what a user of the command line sees.
#include <string>
#include <vector>

namespace actorrent::test {

// Ends the test program as a CTest skip (SKIP_RETURN_CODE 77) with the reason
// on stdout: a test whose precondition is missing must not count as passed.
// Call it before anything that needs cleaning up (fixtures, children).
[[noreturn]] void skip_test(const std::string& why);

struct process_result {
  int exit_code = -1; // -1 when killed by a signal
  std::string out;
  std::string err;
};

process_result run_process(const std::vector<std::string>& argv);

} // namespace actorrent::test
