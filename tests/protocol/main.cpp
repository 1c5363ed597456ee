#define BOOST_TEST_MODULE actorrent protocol
#include <boost/test/unit_test.hpp>
