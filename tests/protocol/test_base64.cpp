#include <boost/test/unit_test.hpp>

#include "protocol/base64.hpp"

using namespace actorrent;

BOOST_AUTO_TEST_SUITE(base64_suite)

// RFC 4648, section 10.
BOOST_AUTO_TEST_CASE(rfc_4648_vectors_both_ways) {
  const std::pair<const char*, const char*> vectors[] = {{"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},
                                                         {"foo", "Zm9v"},  {"foob", "Zm9vYg=="},  {"fooba", "Zm9vYmE="},
                                                         {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : vectors) {
    BOOST_TEST(base64_encode(plain) == encoded);
    BOOST_TEST(base64_decode(encoded).value_or("<refused>") == plain);
  }
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  BOOST_TEST(base64_decode(base64_encode(all)).value_or("") == all);
}

BOOST_AUTO_TEST_CASE(anything_not_canonical_is_refused) {
  for (const char* bad : {"Zg=", "Zg", "Z===", "====", "Zm9v!A==", "Zm 9v", "Zh==", "Zm9=", "=Zm9", "Zg==Zg==", "Zm8=\n"})
    BOOST_TEST(!base64_decode(bad).has_value(), bad);
}

BOOST_AUTO_TEST_SUITE_END()
