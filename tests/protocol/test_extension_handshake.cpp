#include <boost/test/unit_test.hpp>

#include "protocol/wire/extension_handshake.hpp"

using namespace actorrent;

BOOST_AUTO_TEST_SUITE(extension_handshake)

BOOST_AUTO_TEST_CASE(round_trip_of_every_field) {
  ext::handshake h;
  h.m = {{"ut_metadata", 2}, {"ut_pex", 1}};
  h.metadata_size = 31235;
  h.client = "actorrent 0.8";
  h.listen_port = 6881;
  h.reqq = 500;
  h.yourip = std::string("\x7f\x00\x00\x01", 4);
  const std::string wire = ext::encode(h);
  BOOST_TEST(wire == "d1:md11:ut_metadatai2e6:ut_pexi1ee13:metadata_sizei31235e1:pi6881e4:reqqi500e1:v13:actorrent "
                     "0.86:yourip4:" + std::string("\x7f\x00\x00\x01", 4) + "e");
  const auto back = ext::parse(wire);
  BOOST_TEST(back.id_of("ut_metadata") == 2);
  BOOST_TEST(back.id_of("ut_pex") == 1);
  BOOST_TEST(back.id_of("lt_donthave") == 0);
  BOOST_TEST(*back.metadata_size == 31235);
  BOOST_TEST(back.client == "actorrent 0.8");
  BOOST_TEST(*back.listen_port == 6881);
  BOOST_TEST(*back.reqq == 500u);
  BOOST_TEST(back.yourip == h.yourip);
}

BOOST_AUTO_TEST_CASE(libtorrent_style_handshake_with_unknown_keys) {
  // Unsorted keys, extensions we do not speak, a zero id (disabled), a client name with control bytes.
  const auto h = ext::parse("d1:md6:ut_pexi0e11:lt_donthavei7e11:ut_metadatai3ee1:v5:lt\x01" "2.4:reqqi250e"
                            "12:complete_agoi-1e13:metadata_sizei100ee");
  BOOST_TEST(h.id_of("ut_metadata") == 3);
  BOOST_TEST(h.id_of("ut_pex") == 0);
  BOOST_TEST(h.client == "lt?2.");
  BOOST_TEST(*h.metadata_size == 100);
}

BOOST_AUTO_TEST_CASE(malformed_handshakes_are_refused) {
  for (const std::string bad : {
           std::string(""), std::string("i1e"), std::string("le"), std::string("d1:m"),    // not a dict / truncated
           std::string("d1:mi1ee"),                                                        // m not a dict
           std::string("d1:md6:ut_pexi256eee"), std::string("d1:md6:ut_pexi-1eee"),        // ids out of range
           std::string("d1:md6:ut_pex1:xee"),                                              // id not an integer
           std::string("d13:metadata_sizei0ee"), std::string("d13:metadata_sizei-5ee"),    // sizes
           std::string("d13:metadata_sizei99999999999ee"), std::string("d13:metadata_size1:xe"),
           std::string("d1:pi70000ee"), std::string("d4:reqqi-1ee"),
       })
    BOOST_CHECK_THROW(ext::parse(bad), ext::extension_error);
  // Deep nesting is refused by the decoder's depth cap.
  BOOST_CHECK_THROW(ext::parse("d1:xllllllllllllllleeeeeeeeeeeeeeee"), ext::extension_error);
}

BOOST_AUTO_TEST_SUITE_END()
