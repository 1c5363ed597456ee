#pragma once
// Malformed .torrent inputs, each paired with a fragment of the error we
// expect. Shared by the protocol tests and the CLI tests (`actorrent show`).
#include <string>
#include <vector>

namespace actorrent::test {

struct malformed_case {
  std::string name;
  std::string bytes;
  std::string expected; // substring of the error message
};

std::vector<malformed_case> malformed_corpus();

} // namespace actorrent::test
