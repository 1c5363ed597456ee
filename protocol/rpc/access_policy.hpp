#pragma once
// Who may use the RPC, checked the way transmission-daemon checks it
// (libtransmission/rpc-server.cc), in the same order:
//   1. too many failed logins in a row   -> 403 (anti brute force)
//   2. client IP not in the whitelist    -> 403
//   3. CORS preflight (OPTIONS)          -> 200 with the allow headers
//   4. Basic auth, when a password is set -> 401 with WWW-Authenticate
//   5. a path outside /transmission/     -> 301 to the web page
//   6. the web page                      -> served
//   7. Host header not an IP, localhost or whitelisted (no password set) -> 421
//      (DNS rebinding: a page on evil.example resolving to 127.0.0.1)
//   8. not /transmission/rpc[/]          -> 404
//   9. missing or stale X-Transmission-Session-Id -> 409 carrying the id (CSRF)
//  10. otherwise                         -> the RPC call
// Plain class: the HTTP server asks it, then acts on the verdict.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace actorrent::rpc {

struct access_settings {
  bool ip_whitelist_enabled = true;
  std::vector<std::string> ip_whitelist{"127.0.0.1", "::1"}; // patterns: '*' and '?' wildcards
  bool host_whitelist_enabled = true;
  std::vector<std::string> host_whitelist;                   // names beside IPs and localhost
  std::optional<std::string> username, password;             // both set: Basic auth required
  std::size_t brute_force_limit = 0; // failed logins in a row, then every request refused (0: off, as Transmission)
};

struct request_facts {
  std::string remote_ip;
  std::string method; // "GET", "POST", "OPTIONS", ...
  std::string target; // the request target, e.g. "/transmission/rpc"
  std::optional<std::string> host, authorization, session_id;
};

enum class verdict {
  forbidden,        // 403
  preflight,        // 200, CORS allow headers
  unauthorized,     // 401, WWW-Authenticate: Basic realm="Transmission"
  redirect_to_web,  // 301, Location: /transmission/web/
  web,              // the web page's files
  misdirected,      // 421
  not_found,        // 404
  needs_session_id, // 409, X-Transmission-Session-Id: the id
  rpc,              // run the call
};

int status_of(verdict v);

// Shell-style match of `text` against `pattern` ('*': any run, '?': one character).
bool wildcard_match(std::string_view pattern, std::string_view text);

class access_policy {
public:
  access_policy(access_settings s, std::string session_id) : s_(std::move(s)), session_id_(std::move(session_id)) {}

  verdict check(const request_facts& r);
  const std::string& session_id() const noexcept { return session_id_; }
  bool password_enabled() const noexcept { return s_.username && s_.password; }

private:
  bool ip_allowed(std::string_view ip) const;
  bool authorized(const std::optional<std::string>& header) const;
  bool host_allowed(const std::optional<std::string>& host) const;

  access_settings s_;
  std::string session_id_;
  std::size_t failed_logins_ = 0;
};

} // namespace actorrent::rpc
