#pragma once
// An exception that escapes an actor's handler becomes its exit reason,
// carrying the exception's text, instead of CAF's default (which prints to
// stderr and loses the text). The session reports the reason in one line.
#include <exception>
#include <string>

#include <caf/error.hpp>
#include <caf/sec.hpp>

namespace actorrent {

inline caf::error failure_reason(std::exception_ptr& e) {
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& x) {
    return caf::make_error(caf::sec::runtime_error, std::string(x.what()));
  } catch (...) {
    return caf::make_error(caf::sec::runtime_error, std::string("unknown exception"));
  }
}

} // namespace actorrent
