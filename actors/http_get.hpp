#pragma once
// A blocking HTTP(S) GET for tracker requests (libcurl), used by actors that
// run on their own thread. Not an actor: a helper of the tracker actor and
// of the scrape.
#include <string>

#include "actors/torrent_context.hpp"

namespace actorrent {

struct http_result {
  std::string body;
  std::string error; // empty on success
};

// Only http and https, at most 3 redirects, replies up to 1 MiB, no proxy for loopback.
http_result http_get(const std::string& url, const engine_options& opt, long timeout_s);

} // namespace actorrent
