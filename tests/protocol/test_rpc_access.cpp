#include <boost/test/unit_test.hpp>

#include <ostream>

#include "protocol/base64.hpp"
#include "protocol/rpc/access_policy.hpp"

using namespace actorrent;
using namespace actorrent::rpc;

namespace actorrent::rpc {
std::ostream& operator<<(std::ostream& os, verdict v) { return os << "verdict " << static_cast<int>(v) << " (" << status_of(v) << ")"; }
} // namespace actorrent::rpc

namespace {

request_facts call(std::string ip = "127.0.0.1", std::string target = "/transmission/rpc") {
  request_facts r;
  r.remote_ip = std::move(ip);
  r.method = "POST";
  r.target = std::move(target);
  r.host = "127.0.0.1:9091";
  r.session_id = "sid";
  return r;
}

std::string basic(const std::string& user_colon_password) { return "Basic " + base64_encode(user_colon_password); }

} // namespace

BOOST_AUTO_TEST_SUITE(rpc_access_suite)

BOOST_AUTO_TEST_CASE(wildcards_match_like_a_shell) {
  BOOST_TEST(wildcard_match("192.168.*.*", "192.168.1.20"));
  BOOST_TEST(wildcard_match("*", ""));
  BOOST_TEST(wildcard_match("10.0.0.?", "10.0.0.7"));
  BOOST_TEST(!wildcard_match("10.0.0.?", "10.0.0.17"));
  BOOST_TEST(!wildcard_match("127.0.0.1", "127.0.0.10"));
  BOOST_TEST(wildcard_match("*.example.org", "a.b.example.org"));
  BOOST_TEST(!wildcard_match("*.example.org", "example.org"));
  // No exponential backtracking on a hostile pattern.
  BOOST_TEST(!wildcard_match("*a*a*a*a*a*a*a*a*a*a*b", std::string(5000, 'a')));
}

BOOST_AUTO_TEST_CASE(session_id_exchange) {
  access_policy p({}, "sid");
  auto r = call();
  BOOST_TEST(p.check(r) == verdict::rpc);
  r.session_id.reset();
  BOOST_TEST(p.check(r) == verdict::needs_session_id);
  BOOST_TEST(status_of(verdict::needs_session_id) == 409);
  r.session_id = "stale";
  BOOST_TEST(p.check(r) == verdict::needs_session_id);
  BOOST_TEST(p.session_id() == "sid");
  // transmission-remote posts to /transmission/rpc/.
  BOOST_TEST(p.check(call("127.0.0.1", "/transmission/rpc/")) == verdict::rpc);
  BOOST_TEST(p.check(call("127.0.0.1", "/transmission/rpcx")) == verdict::not_found);
}

BOOST_AUTO_TEST_CASE(the_ip_whitelist_comes_first) {
  access_policy p({}, "sid");
  BOOST_TEST(p.check(call("10.1.2.3")) == verdict::forbidden);
  BOOST_TEST(p.check(call("::1")) == verdict::rpc);
  BOOST_TEST(p.check(call("::ffff:127.0.0.1")) == verdict::rpc); // IPv4-mapped matches the IPv4 entry
  access_settings lan;
  lan.ip_whitelist = {"127.0.0.1", "192.168.*.*"};
  access_policy q(lan, "sid");
  BOOST_TEST(q.check(call("192.168.4.5")) == verdict::rpc);
  lan.ip_whitelist_enabled = false;
  access_policy open(lan, "sid");
  BOOST_TEST(open.check(call("203.0.113.9")) == verdict::rpc);
}

BOOST_AUTO_TEST_CASE(basic_auth_when_a_password_is_set) {
  access_settings s;
  s.username = "alice";
  s.password = "s3cret:with:colons";
  access_policy p(s, "sid");
  auto r = call();
  BOOST_TEST(p.check(r) == verdict::unauthorized); // none given
  for (const std::string bad : {basic("alice:wrong"), basic("bob:s3cret:with:colons"), basic("alice"),
                                std::string("Basic !!!"), std::string("Bearer x"), basic("alice:s3cret:with:colon")}) {
    r.authorization = bad;
    BOOST_TEST((p.check(r) == verdict::unauthorized), bad);
  }
  r.authorization = basic("alice:s3cret:with:colons");
  BOOST_TEST(p.check(r) == verdict::rpc);
  // Auth comes before the session id: a 409 tells nothing to a stranger.
  r.authorization.reset();
  r.session_id.reset();
  BOOST_TEST(p.check(r) == verdict::unauthorized);
}

BOOST_AUTO_TEST_CASE(host_header_checked_against_dns_rebinding) {
  access_policy p({}, "sid");
  auto r = call();
  for (const char* ok : {"127.0.0.1", "127.0.0.1:9091", "[::1]:9091", "[::1]", "::1", "localhost", "localhost:9091", "localhost."}) {
    r.host = ok;
    BOOST_TEST((p.check(r) == verdict::rpc), ok);
  }
  for (const char* bad : {"evil.example", "evil.example:9091", "localhost.evil.example", "[::1", ""}) {
    r.host = bad;
    BOOST_TEST((p.check(r) == verdict::misdirected), bad);
  }
  r.host.reset();
  BOOST_TEST(p.check(r) == verdict::misdirected);
  BOOST_TEST(status_of(verdict::misdirected) == 421);
  // A whitelisted name passes; with a password set, any name does (as in Transmission).
  access_settings named;
  named.host_whitelist = {"*.lan"};
  access_policy q(named, "sid");
  r.host = "nas.lan:9091";
  BOOST_TEST(q.check(r) == verdict::rpc);
  named.host_whitelist.clear();
  named.username = "u";
  named.password = "p";
  access_policy with_password(named, "sid");
  r.host = "evil.example";
  r.authorization = basic("u:p");
  BOOST_TEST(with_password.check(r) == verdict::rpc);
}

BOOST_AUTO_TEST_CASE(paths_and_preflight) {
  access_policy p({}, "sid");
  BOOST_TEST(p.check(call("127.0.0.1", "/")) == verdict::redirect_to_web);
  BOOST_TEST(p.check(call("127.0.0.1", "/transmission/web")) == verdict::redirect_to_web);
  BOOST_TEST(p.check(call("127.0.0.1", "/transmission/web/index.html")) == verdict::web);
  BOOST_TEST(p.check(call("127.0.0.1", "/transmission/other")) == verdict::not_found);
  auto r = call();
  r.method = "OPTIONS";
  r.session_id.reset();
  BOOST_TEST(p.check(r) == verdict::preflight);
  BOOST_TEST(p.check(call("10.9.9.9", "/")) == verdict::forbidden); // the whitelist guards the page too
}

BOOST_AUTO_TEST_CASE(brute_force_lockout_when_enabled) {
  access_settings s;
  s.username = "u";
  s.password = "p";
  s.brute_force_limit = 3;
  access_policy p(s, "sid");
  auto r = call();
  r.authorization = basic("u:wrong");
  for (int i = 0; i < 3; ++i) BOOST_TEST(p.check(r) == verdict::unauthorized);
  r.authorization = basic("u:p");
  BOOST_TEST(p.check(r) == verdict::forbidden); // locked, even with the right password
  // Without a limit, failures never lock anyone out; a success resets the count.
  s.brute_force_limit = 0;
  access_policy q(s, "sid");
  r.authorization = basic("u:wrong");
  for (int i = 0; i < 500; ++i) q.check(r);
  r.authorization = basic("u:p");
  BOOST_TEST(q.check(r) == verdict::rpc);
}

BOOST_AUTO_TEST_SUITE_END()
