#include "protocol/rpc/access_policy.hpp"

#include <arpa/inet.h>

#include <algorithm>

#include "protocol/base64.hpp"

namespace actorrent::rpc {

namespace {

constexpr std::string_view web_path = "/transmission/web/";
constexpr std::string_view rpc_path = "/transmission/rpc";

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

bool is_ip(std::string_view s) {
  const std::string z(s);
  unsigned char buf[16];
  return ::inet_pton(AF_INET, z.c_str(), buf) == 1 || ::inet_pton(AF_INET6, z.c_str(), buf) == 1;
}

// An IP literal with an optional port: "1.2.3.4", "1.2.3.4:9091", "[::1]", "[::1]:9091".
bool is_ip_with_optional_port(std::string_view host) {
  if (!host.empty() && host.front() == '[') {
    const auto close = host.find(']');
    if (close == std::string_view::npos) return false;
    const auto rest = host.substr(close + 1);
    return is_ip(host.substr(1, close - 1)) && (rest.empty() || rest.front() == ':');
  }
  if (is_ip(host)) return true; // a bare IPv6 literal has colons of its own
  const auto colon = host.rfind(':');
  return colon != std::string_view::npos && is_ip(host.substr(0, colon));
}

// The same length either way, so a guess learns nothing from the time it took.
bool equal_in_constant_time(std::string_view a, std::string_view b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  const std::size_t n = std::max(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i)
    diff |= static_cast<unsigned char>((i < a.size() ? a[i] : 0) ^ (i < b.size() ? b[i] : 0));
  return diff == 0;
}

} // namespace

int status_of(verdict v) {
  switch (v) {
  case verdict::forbidden: return 403;
  case verdict::preflight: return 200;
  case verdict::unauthorized: return 401;
  case verdict::redirect_to_web: return 301;
  case verdict::web: return 200;
  case verdict::misdirected: return 421;
  case verdict::not_found: return 404;
  case verdict::needs_session_id: return 409;
  case verdict::rpc: return 200;
  }
  return 500;
}

bool wildcard_match(std::string_view pattern, std::string_view text) {
  // Iterative, with one backtrack point: linear in practice, never exponential.
  std::size_t p = 0, t = 0, star = std::string_view::npos, resume = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p, ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

bool access_policy::ip_allowed(std::string_view ip) const {
  if (!s_.ip_whitelist_enabled) return true;
  // An IPv4-mapped IPv6 address matches the IPv4 entries.
  if (starts_with(ip, "::ffff:") && is_ip(ip.substr(7)) && ip.substr(7).find(':') == std::string_view::npos)
    ip = ip.substr(7);
  return std::any_of(s_.ip_whitelist.begin(), s_.ip_whitelist.end(), [&](const std::string& p) { return wildcard_match(p, ip); });
}

bool access_policy::authorized(const std::optional<std::string>& header) const {
  if (!password_enabled()) return true;
  constexpr std::string_view prefix = "Basic ";
  if (!header || !starts_with(*header, prefix)) return false;
  const auto decoded = base64_decode(std::string_view(*header).substr(prefix.size()));
  if (!decoded) return false;
  const auto colon = decoded->find(':');
  if (colon == std::string::npos) return false;
  // Both compared, always: the time taken does not tell which one was wrong.
  const bool user_ok = equal_in_constant_time(std::string_view(*decoded).substr(0, colon), *s_.username);
  const bool password_ok = equal_in_constant_time(std::string_view(*decoded).substr(colon + 1), *s_.password);
  return user_ok && password_ok;
}

bool access_policy::host_allowed(const std::optional<std::string>& host) const {
  if (password_enabled() || !s_.host_whitelist_enabled) return true;
  if (!host) return false;
  if (is_ip_with_optional_port(*host)) return true;
  const std::string_view name = std::string_view(*host).substr(0, host->find(':'));
  if (name == "localhost" || name == "localhost.") return true;
  return std::any_of(s_.host_whitelist.begin(), s_.host_whitelist.end(),
                     [&](const std::string& p) { return wildcard_match(p, name); });
}

verdict access_policy::check(const request_facts& r) {
  if (s_.brute_force_limit != 0 && failed_logins_ >= s_.brute_force_limit) return verdict::forbidden;
  if (!ip_allowed(r.remote_ip)) return verdict::forbidden;
  if (r.method == "OPTIONS") return verdict::preflight;
  if (!authorized(r.authorization)) {
    ++failed_logins_;
    return verdict::unauthorized;
  }
  failed_logins_ = 0;
  const std::string_view target = r.target;
  if (!starts_with(target, "/transmission/") || target == "/transmission/web") return verdict::redirect_to_web;
  if (starts_with(target, web_path)) return verdict::web;
  if (!host_allowed(r.host)) return verdict::misdirected;
  if (!starts_with(target, rpc_path)) return verdict::not_found;
  const std::string_view rest = target.substr(rpc_path.size());
  if (!rest.empty() && rest != "/" && rest.front() != '?') return verdict::not_found;
  if (!r.session_id || *r.session_id != session_id_) return verdict::needs_session_id;
  return verdict::rpc;
}

} // namespace actorrent::rpc
