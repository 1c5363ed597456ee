#include "actors/http_get.hpp"

#include <algorithm>

#include <curl/curl.h>

namespace actorrent {

namespace {

constexpr std::size_t max_reply_size = 1 << 20;

size_t collect(char* data, size_t size, size_t n, void* user) {
  auto* body = static_cast<std::string*>(user);
  if (body->size() + size * n > max_reply_size) return 0; // aborts the transfer
  body->append(data, size * n);
  return size * n;
}

// One handle per pool thread, reset between requests: libcurl keeps its
// connection and DNS caches in it, and setting a handle up for every announce
// cost more CPU than the announce (ten thousand resting torrents announce).
struct thread_handle {
  CURL* curl = curl_easy_init();
  ~thread_handle() {
    if (curl != nullptr) curl_easy_cleanup(curl);
  }
};

CURL* handle_of_this_thread() {
  thread_local thread_handle h;
  if (h.curl != nullptr) curl_easy_reset(h.curl);
  return h.curl;
}

} // namespace

http_result http_get(const std::string& url, const engine_options& opt, long timeout_s) {
  http_result r;
  CURL* curl = handle_of_this_thread();
  if (curl == nullptr) return {{}, "cannot initialise libcurl"};
  char errbuf[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  // A tracker URL comes from the torrent: never let it read files or reach other schemes.
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 3L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, std::min(timeout_s, 10L));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, timeout_s);
  curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt(curl, CURLOPT_USERAGENT, "actorrent/" ACTORRENT_VERSION);
  curl_easy_setopt(curl, CURLOPT_NOPROXY, "localhost,127.0.0.1,::1");
  if (!opt.ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, opt.ca_file.c_str());
  if (opt.insecure_tls) {
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &r.body);
  const CURLcode rc = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  if (rc == CURLE_WRITE_ERROR) r.error = "reply larger than 1 MiB";
  else if (rc != CURLE_OK) r.error = errbuf[0] ? errbuf : curl_easy_strerror(rc);
  else if (status != 200) r.error = "HTTP status " + std::to_string(status);
  return r;
}

} // namespace actorrent
