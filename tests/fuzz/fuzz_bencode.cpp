// Fuzz target: the bencode decoder never crashes, and whatever strict mode
// accepts is canonical (encode gives back the input byte for byte).
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "protocol/metainfo/bencode.hpp"

using namespace actorrent::bencode;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  try {
    const value v = decode(in);
    if (encode(v) != in) std::abort();
    if (v.raw() != in) std::abort();
  } catch (const decode_error& e) {
    if (e.offset() > size) std::abort();
  }
  try {
    decode_options lenient;
    lenient.mode = mode::lenient;
    const value v = decode(in, lenient);
    // Re-encoding a lenient value is canonical, so strict mode must accept it.
    const std::string canonical = encode(v);
    if (decode(canonical) != v) std::abort();
  } catch (const decode_error&) {
  }
  return 0;
}
