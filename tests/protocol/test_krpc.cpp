#include <boost/test/unit_test.hpp>

#include <ostream>

#include "protocol/dht/krpc.hpp"

using namespace actorrent;
using namespace actorrent::dht;

namespace {
node_id id_of(char c) {
  node_id id;
  id.fill(static_cast<std::uint8_t>(c));
  return id;
}
} // namespace

namespace actorrent::dht {
inline std::ostream& operator<<(std::ostream& os, const node_info& n) { return os << n.ip << ":" << n.port; }
} // namespace actorrent::dht

BOOST_AUTO_TEST_SUITE(krpc_suite)

// The examples of BEP 5, byte for byte.
BOOST_AUTO_TEST_CASE(bep5_examples) {
  query ping;
  ping.tid = "aa";
  ping.sender = *sha1_from_hex("6162636465666768696a30313233343536373839"); // "abcdefghij0123456789"
  BOOST_TEST(encode(ping) == "d1:ad2:id20:abcdefghij0123456789e1:q4:ping1:t2:aa1:y1:qe");
  const auto q = std::get<query>(decode("d1:ad2:id20:abcdefghij0123456789e1:q4:ping1:t2:aa1:y1:qe"));
  BOOST_TEST(q.tid == "aa");
  BOOST_TEST(static_cast<int>(q.kind) == static_cast<int>(method::ping));

  const auto a = std::get<query>(decode("d1:ad2:id20:abcdefghij01234567899:info_hash20:mnopqrstuvwxyz123456"
                                        "4:porti6881e5:token8:aoeusnthe1:q13:announce_peer1:t2:aa1:y1:qe"));
  BOOST_TEST(static_cast<int>(a.kind) == static_cast<int>(method::announce_peer));
  BOOST_TEST(a.port == 6881);
  BOOST_TEST(a.token == "aoeusnth");
  BOOST_TEST(encode(a) == "d1:ad2:id20:abcdefghij01234567899:info_hash20:mnopqrstuvwxyz1234564:porti6881e5:token8:"
                          "aoeusnthe1:q13:announce_peer1:t2:aa1:y1:qe");

  const auto e = std::get<error>(decode("d1:eli201e23:A Generic Error Ocurrede1:t2:aa1:y1:ee"));
  BOOST_TEST(e.code == 201);
  BOOST_TEST(e.message == "A Generic Error Ocurred");
  BOOST_TEST(encode(e) == "d1:eli201e23:A Generic Error Ocurrede1:t2:aa1:y1:ee");
}

BOOST_AUTO_TEST_CASE(responses_round_trip) {
  response r;
  r.tid = "xy";
  r.sender = id_of('s');
  r.nodes = {{id_of('a'), "127.0.0.2", 6881}, {id_of('b'), "10.1.2.3", 1}};
  r.values = {{"127.0.0.3", 51413, std::nullopt}, {"::1", 7, std::nullopt}};
  r.token = "tok";
  const auto back = std::get<response>(decode(encode(r)));
  BOOST_TEST(back.tid == "xy");
  BOOST_TEST(back.sender == r.sender);
  BOOST_TEST(back.nodes == r.nodes);
  BOOST_REQUIRE(back.values.size() == 2u);
  BOOST_TEST(back.values[0].ip == "127.0.0.3");
  BOOST_TEST(back.values[1].ip == "::1");
  BOOST_TEST(back.token == "tok");
  for (method m : {method::find_node, method::get_peers}) {
    query q;
    q.tid = "q1";
    q.kind = m;
    q.sender = id_of('s');
    q.target = id_of('t');
    const auto d = std::get<query>(decode(encode(q)));
    BOOST_TEST(d.target == q.target);
    BOOST_TEST(static_cast<int>(d.kind) == static_cast<int>(m));
  }
  query implied;
  implied.tid = "i";
  implied.kind = method::announce_peer;
  implied.implied_port = true;
  implied.token = "t";
  BOOST_TEST(std::get<query>(decode(encode(implied))).implied_port);
}

BOOST_AUTO_TEST_CASE(malformed_messages_are_refused_with_a_code) {
  const std::string id = "2:id20:abcdefghij0123456789";
  const std::pair<std::string, int> bad[] = {
      {"garbage", 203},
      {"le", 203},
      {"d1:t2:aa1:y1:qe", 203},                                          // no method
      {"d1:ad" + id + "e1:q4:ping1:y1:qe", 203},                          // no transaction id
      {"d1:ad" + id + "e1:q4:ping1:t0:1:y1:qe", 203},                     // empty transaction id
      {"d1:ad" + id + "e1:q4:ping1:t17:aaaaaaaaaaaaaaaaa1:y1:qe", 203},   // 17-byte transaction id
      {"d1:ad2:id3:abce1:q4:ping1:t2:aa1:y1:qe", 203},                    // short node id
      {"d1:ad" + id + "e1:q9:find_node1:t2:aa1:y1:qe", 203},              // find_node without a target
      {"d1:ad" + id + "e1:q13:announce_peer1:t2:aa1:y1:qe", 203},         // announce without hash/token
      {"d1:ad" + id + "e1:q5:vote!1:t2:aa1:y1:qe", 204},                  // unknown method
      {"d1:q4:ping1:ad" + id + "e1:t2:aa1:y1:qe", 203},                   // keys out of order: not canonical
      {"d1:rd" + id + "5:nodes5:abcdee1:t2:aa1:y1:re", 203},              // nodes not a multiple of 26
      {"d1:rd" + id + "6:valuesl3:abcee1:t2:aa1:y1:re", 203},             // malformed value
      {"d1:eli201ee1:t2:aa1:y1:ee", 203},                                 // error without message
      {"d1:t2:aa1:y1:xe", 203},                                           // unknown type
      {std::string(1600, 'd'), 203},                                      // too big
  };
  for (const auto& [packet, code] : bad) {
    try {
      decode(packet);
      BOOST_ERROR("accepted: " << packet);
    } catch (const krpc_error& e) {
      BOOST_TEST(e.code() == code, packet << ": " << e.what());
      if (code == 204) BOOST_TEST(e.tid() == "aa"); // an error reply can name the query
    }
  }
}

BOOST_AUTO_TEST_CASE(xor_distance) {
  const node_id target = id_of('\0');
  node_id near = target, far = target;
  near[19] = 1;
  far[0] = 1;
  BOOST_TEST(closer(target, near, far));
  BOOST_TEST(!closer(target, far, near));
  BOOST_TEST(!closer(target, near, near));
  BOOST_TEST(common_prefix_bits(target, target) == 160);
  BOOST_TEST(common_prefix_bits(target, far) == 7);
  BOOST_TEST(common_prefix_bits(target, near) == 159);
  node_id top = target;
  top[0] = 0x80;
  BOOST_TEST(common_prefix_bits(target, top) == 0);
}

BOOST_AUTO_TEST_SUITE_END()
