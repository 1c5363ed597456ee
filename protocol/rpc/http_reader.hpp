#pragma once
// HTTP/1.1 requests from a byte stream, for the RPC server: bytes as they
// come off a socket go in, whole requests come out (keep-alive and pipelined
// requests included). Parsing is Boost.Beast's request_parser: HTTP framing
// (chunked bodies, header folding, bad lengths) is where hand-written
// parsers go wrong, and Beast is a maintained Debian library.
//
// Caps, refused as soon as they are known to be broken, before anything is
// buffered past them: 16 KiB of request line and headers (431), 32 MiB of
// body (413: a Content-Length of 1 GiB is refused from the header alone).
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace actorrent::rpc {

struct http_request {
  std::string method;
  std::string target;
  std::vector<std::pair<std::string, std::string>> headers; // as sent
  std::string body;
  bool keep_alive = true;
  // The first header of that name, compared without case.
  std::optional<std::string> header(std::string_view name) const;
};

struct http_limits {
  std::size_t header_bytes = 16 * 1024;
  std::size_t body_bytes = 32 * 1024 * 1024;
};

class http_reader {
public:
  enum class state { need_more, ready, failed };

  explicit http_reader(http_limits limits = {});
  ~http_reader();
  http_reader(http_reader&&) noexcept;
  http_reader& operator=(http_reader&&) noexcept;

  // Takes more bytes; `ready` once a whole request is in (take() it, then
  // call feed("") to parse whatever followed it), `failed` for good.
  state feed(std::string_view bytes);
  http_request take();
  // After `failed`: the status to answer with (400, 413, 431) and why.
  int error_status() const noexcept { return error_status_; }
  const std::string& error_text() const noexcept { return error_text_; }
  // Bytes held that no finished request accounts for.
  std::size_t buffered() const noexcept { return pending_.size(); }

private:
  struct parser_holder;
  void restart();

  http_limits limits_;
  std::unique_ptr<parser_holder> parser_;
  std::string pending_;
  std::optional<http_request> ready_;
  bool failed_ = false;
  int error_status_ = 0;
  std::string error_text_;
};

// A whole HTTP/1.1 response, serialized by Beast.
std::string http_response(int status, const std::vector<std::pair<std::string, std::string>>& headers,
                          std::string body, bool keep_alive);

} // namespace actorrent::rpc
