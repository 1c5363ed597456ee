#include <boost/test/unit_test.hpp>

#include "protocol/rpc/rpc_options.hpp"

using namespace actorrent::rpc;

BOOST_AUTO_TEST_SUITE(rpc_options_suite)

BOOST_AUTO_TEST_CASE(bind_addresses) {
  std::string error;
  auto a = parse_bind_address("127.0.0.1:9091", error);
  BOOST_REQUIRE(a.has_value());
  BOOST_TEST(a->host == "127.0.0.1");
  BOOST_TEST(a->port == 9091);
  a = parse_bind_address("[::1]:0", error);
  BOOST_REQUIRE(a.has_value());
  BOOST_TEST(a->host == "::1");
  BOOST_TEST(a->port == 0);
  for (const char* bad : {"localhost:9091", "127.0.0.1", "127.0.0.1:", ":9091", "127.0.0.1:65536", "127.0.0.1:-1",
                          "::1:9091", "[::1:9091", "[127.0.0.1]:9091", "127.0.0.1:9091x", "1.2.3:80", ""}) {
    BOOST_TEST(!parse_bind_address(bad, error).has_value(), bad);
    BOOST_TEST(!error.empty());
  }
  BOOST_TEST(is_loopback_address("127.0.0.1"));
  BOOST_TEST(is_loopback_address("127.8.9.10"));
  BOOST_TEST(is_loopback_address("::1"));
  BOOST_TEST(!is_loopback_address("0.0.0.0"));
  BOOST_TEST(!is_loopback_address("::"));
  BOOST_TEST(!is_loopback_address("192.168.1.2"));
}

BOOST_AUTO_TEST_CASE(credentials_from_the_first_line) {
  std::string error;
  auto c = parse_credentials("alice:pa:ss word\nignored\n", error);
  BOOST_REQUIRE(c.has_value());
  BOOST_TEST(c->username == "alice");
  BOOST_TEST(c->password == "pa:ss word");
  BOOST_TEST(parse_credentials("bob:x\r\n", error)->password == "x");
  for (const char* bad : {"", "\n", "alice", ":pw", "alice:", "alice:\npw"}) BOOST_TEST(!parse_credentials(bad, error).has_value(), bad);
}

BOOST_AUTO_TEST_SUITE_END()
