#pragma once
// The end of a command that ran an actor system: the state is saved by now.
// CAF 0.17 can wait forever in ~actor_system for a detached actor that a
// lingering broker still references (seen after several peers were dropped
// for hostile input), so the teardown gets a deadline; then curl's cleanup.
#include <caf/actor_system.hpp>
#include <curl/curl.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <thread>

namespace actorrent::cli {

inline int tear_down(std::unique_ptr<caf::actor_system> system, int exit_code) {
  std::thread([exit_code] {
    std::this_thread::sleep_for(std::chrono::seconds(3));
    spdlog::debug("actor system teardown stuck: exiting anyway");
    std::fflush(nullptr);
    std::_Exit(exit_code);
  }).detach();
  system.reset();
  curl_global_cleanup();
  return exit_code;
}

} // namespace actorrent::cli
