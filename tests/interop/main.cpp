#define BOOST_TEST_MODULE actorrent interop
#include <boost/test/unit_test.hpp>
