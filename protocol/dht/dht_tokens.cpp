#include "protocol/dht/dht_tokens.hpp"

#include "protocol/bytes.hpp"
#include "protocol/sha1.hpp"

namespace actorrent::dht {

token_keeper::token_keeper(std::uint64_t seed) : current_(seed), previous_(seed) {}

std::string token_keeper::token_for(std::uint64_t secret, const std::string& ip) const {
  std::string input(reinterpret_cast<const char*>(&secret), sizeof secret);
  input += ip;
  return std::string(as_bytes(sha1(input)).substr(0, 8));
}

std::string token_keeper::make(const std::string& ip) const { return token_for(current_, ip); }

bool token_keeper::valid(const std::string& token, const std::string& ip) const {
  return token == token_for(current_, ip) || token == token_for(previous_, ip);
}

void token_keeper::rotate(std::uint64_t fresh_random) {
  previous_ = current_;
  current_ = fresh_random;
}

} // namespace actorrent::dht
