#pragma once
// announce_peer tokens (BEP 5): a get_peers answer carries a token bound to
// the asker's IP; announce_peer must bring it back. Tokens are a hash of a
// secret and the IP; the secret rotates every 5 minutes and the previous one
// is still accepted, so a token is valid for 5 to 10 minutes.
#include <array>
#include <cstdint>
#include <string>

namespace actorrent::dht {

class token_keeper {
public:
  explicit token_keeper(std::uint64_t seed);
  std::string make(const std::string& ip) const;
  bool valid(const std::string& token, const std::string& ip) const;
  void rotate(std::uint64_t fresh_random);

private:
  std::string token_for(std::uint64_t secret, const std::string& ip) const;
  std::uint64_t current_ = 0;
  std::uint64_t previous_ = 0;
};

} // namespace actorrent::dht
