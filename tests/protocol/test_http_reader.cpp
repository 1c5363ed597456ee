#include <boost/test/unit_test.hpp>

#include <ostream>

#include "protocol/rpc/http_reader.hpp"

using namespace actorrent::rpc;

namespace actorrent::rpc {
std::ostream& operator<<(std::ostream& os, http_reader::state s) { return os << "state " << static_cast<int>(s); }
} // namespace actorrent::rpc

namespace {

const std::string post =
    "POST /transmission/rpc HTTP/1.1\r\nHost: 127.0.0.1:9091\r\nX-Transmission-Session-Id: abc\r\n"
    "Content-Type: application/json\r\nContent-Length: 26\r\n\r\n{\"method\":\"session-stats\"}";

} // namespace

BOOST_AUTO_TEST_SUITE(http_reader_suite)

BOOST_AUTO_TEST_CASE(a_request_in_one_read) {
  http_reader r;
  BOOST_REQUIRE(r.feed(post) == http_reader::state::ready);
  const http_request q = r.take();
  BOOST_TEST(q.method == "POST");
  BOOST_TEST(q.target == "/transmission/rpc");
  BOOST_TEST(q.body == "{\"method\":\"session-stats\"}");
  BOOST_TEST(q.header("x-transmission-session-id").value_or("") == "abc"); // names compared without case
  BOOST_TEST(q.header("HOST").value_or("") == "127.0.0.1:9091");
  BOOST_TEST(!q.header("Authorization").has_value());
  BOOST_TEST(q.keep_alive);
  BOOST_TEST(r.buffered() == 0u);
}

BOOST_AUTO_TEST_CASE(a_request_dribbled_byte_by_byte) {
  http_reader r;
  for (std::size_t i = 0; i + 1 < post.size(); ++i)
    BOOST_REQUIRE(r.feed(post.substr(i, 1)) == http_reader::state::need_more);
  BOOST_REQUIRE(r.feed(post.substr(post.size() - 1)) == http_reader::state::ready);
  BOOST_TEST(r.take().body.size() == 26u);
}

BOOST_AUTO_TEST_CASE(pipelined_requests_come_out_one_by_one) {
  http_reader r;
  const std::string get = "GET /transmission/web/ HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
  BOOST_REQUIRE(r.feed(post + get) == http_reader::state::ready);
  BOOST_TEST(r.take().method == "POST");
  BOOST_REQUIRE(r.feed("") == http_reader::state::ready);
  const auto second = r.take();
  BOOST_TEST(second.method == "GET");
  BOOST_TEST(!second.keep_alive);
  BOOST_TEST(r.feed("") == http_reader::state::need_more);
}

BOOST_AUTO_TEST_CASE(chunked_bodies_are_joined) {
  http_reader r;
  BOOST_REQUIRE(r.feed("POST /transmission/rpc HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                       "4\r\n{\"me\r\n5\r\nthod\"\r\n1\r\n}\r\n0\r\n\r\n") == http_reader::state::ready);
  BOOST_TEST(r.take().body == "{\"method\"}");
}

BOOST_AUTO_TEST_CASE(a_huge_content_length_is_refused_from_the_header) {
  http_reader r;
  BOOST_TEST((r.feed("POST /transmission/rpc HTTP/1.1\r\nHost: x\r\nContent-Length: 1073741824\r\n\r\n") ==
              http_reader::state::failed));
  BOOST_TEST(r.error_status() == 413);
  BOOST_TEST(r.feed(std::string(1000, 'x')) == http_reader::state::failed); // for good
  BOOST_TEST(r.buffered() == 0u);
  // A chunked body that grows past the cap is refused too.
  http_reader c(http_limits{16 * 1024, 100});
  BOOST_TEST((c.feed("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n64\r\n" + std::string(100, 'a') +
                     "\r\n1\r\nb\r\n0\r\n\r\n") == http_reader::state::failed));
  BOOST_TEST(c.error_status() == 413);
}

BOOST_AUTO_TEST_CASE(endless_headers_are_refused_without_buffering_them) {
  http_reader r;
  r.feed("GET / HTTP/1.1\r\nHost: x\r\n");
  http_reader::state s = http_reader::state::need_more;
  std::size_t sent = 0;
  while (s == http_reader::state::need_more && sent < (1u << 20)) {
    s = r.feed("X-Filler: " + std::string(1000, 'f') + "\r\n");
    sent += 1012;
    BOOST_REQUIRE(r.buffered() <= 16 * 1024 + 1012);
  }
  BOOST_TEST((s == http_reader::state::failed));
  BOOST_TEST(r.error_status() == 431);
  BOOST_TEST(sent <= 20u * 1024);
}

BOOST_AUTO_TEST_CASE(garbage_is_a_bad_request) {
  for (const std::string bad : {std::string("\x16\x03\x01\x02\x00", 5), std::string("GET / HTTP/9.9\r\n\r\n"),
                                std::string("POST / HTTP/1.1\r\nContent-Length: -5\r\n\r\n"),
                                std::string("POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"),
                                std::string("G E T / HTTP/1.1\r\n\r\n")}) {
    http_reader r;
    BOOST_TEST((r.feed(bad) == http_reader::state::failed));
    BOOST_TEST(r.error_status() == 400);
  }
}

BOOST_AUTO_TEST_CASE(responses_are_well_formed) {
  const std::string out = http_response(409, {{"X-Transmission-Session-Id", "abc"}}, "<p>stale</p>", true);
  BOOST_TEST(out.rfind("HTTP/1.1 409 Conflict\r\n", 0) == 0u);
  BOOST_TEST(out.find("X-Transmission-Session-Id: abc\r\n") != std::string::npos);
  BOOST_TEST(out.find("Content-Length: 12\r\n") != std::string::npos);
  BOOST_TEST(out.substr(out.size() - 12) == "<p>stale</p>");
  const std::string closing = http_response(421, {}, "", false);
  BOOST_TEST(closing.rfind("HTTP/1.1 421 Misdirected Request\r\n", 0) == 0u);
  BOOST_TEST(closing.find("Connection: close\r\n") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
