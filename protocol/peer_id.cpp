#include "protocol/peer_id.hpp"

#include <random>

namespace actorrent {

namespace {
template <class Engine>
peer_id generate(Engine& engine) {
  static constexpr char alphabet[] =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  std::uniform_int_distribution<std::size_t> pick(0, sizeof alphabet - 2);
  peer_id id{};
  std::size_t i = 0;
  for (char c : peer_id_prefix) id[i++] = static_cast<std::uint8_t>(c);
  for (; i < id.size(); ++i) id[i] = static_cast<std::uint8_t>(alphabet[pick(engine)]);
  return id;
}

struct client_name {
  std::string_view code;
  std::string_view name;
};
constexpr client_name known_clients[] = {
    {"AT", "actorrent"}, {"LT", "libtorrent"}, {"lt", "libTorrent (rakshasa)"},
    {"TR", "Transmission"}, {"qB", "qBittorrent"}, {"DE", "Deluge"},
    {"AZ", "Vuze"}, {"UT", "uTorrent"}, {"BC", "BitComet"},
};
} // namespace

peer_id make_peer_id() {
  std::random_device rd;
  std::mt19937_64 engine((static_cast<std::uint64_t>(rd()) << 32) ^ rd());
  return generate(engine);
}

peer_id make_peer_id(std::uint64_t seed) {
  std::mt19937_64 engine(seed);
  return generate(engine);
}

std::string describe_peer_id(const peer_id& id) {
  if (id[0] == '-' && id[7] == '-') {
    const std::string_view code(reinterpret_cast<const char*>(id.data()) + 1, 2);
    for (const auto& c : known_clients) {
      if (c.code != code) continue;
      std::string version;
      for (int i = 3; i < 7; ++i) {
        const char ch = static_cast<char>(id[i]);
        if (ch == '0' && i == 6) break; // trailing build digit 0 is conventional padding
        if (!version.empty()) version.push_back('.');
        version.push_back(ch);
      }
      return std::string(c.name) + " " + version;
    }
  }
  std::string out;
  for (auto b : id) out.push_back(b >= 0x20 && b < 0x7f ? static_cast<char>(b) : '.');
  return out;
}

keep_connection resolve_duplicate(bool existing_outgoing, bool newcomer_outgoing, const peer_id& ours,
                                  const peer_id& theirs) {
  if (existing_outgoing == newcomer_outgoing) return keep_connection::existing;
  const bool keep_ours = ours > theirs; // keep the connection we opened
  return existing_outgoing == keep_ours ? keep_connection::existing : keep_connection::newcomer;
}

} // namespace actorrent
