#include "tests/support/process.hpp"

#include <cstdio>
#include <cstdlib>

#include "tests/support/child_process.hpp"

namespace actorrent::test {

void skip_test(const std::string& why) {
  std::printf("SKIPPED: %s\n", why.c_str());
  std::fflush(stdout);
  std::_Exit(77);
}

process_result run_process(const std::vector<std::string>& argv) {
  child_process child(argv);
  process_result r;
  r.out = child.read_all();
  r.exit_code = child.wait(std::chrono::minutes(5)).value_or(-1);
  r.err = child.stderr_text();
  return r;
}

} // namespace actorrent::test
