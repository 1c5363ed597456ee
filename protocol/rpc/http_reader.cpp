#include "protocol/rpc/http_reader.hpp"

#include <algorithm>
#include <cctype>
#include <sstream>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

namespace actorrent::rpc {

namespace http = boost::beast::http;

struct http_reader::parser_holder {
  http::request_parser<http::string_body> p;
};

namespace {

bool iequal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

} // namespace

std::optional<std::string> http_request::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (iequal(k, name)) return v;
  return std::nullopt;
}

http_reader::http_reader(http_limits limits) : limits_(limits) { restart(); }
http_reader::~http_reader() = default;
http_reader::http_reader(http_reader&&) noexcept = default;
http_reader& http_reader::operator=(http_reader&&) noexcept = default;

void http_reader::restart() {
  parser_ = std::make_unique<parser_holder>();
  parser_->p.header_limit(static_cast<std::uint32_t>(limits_.header_bytes));
  parser_->p.body_limit(limits_.body_bytes);
  parser_->p.eager(true);
}

http_reader::state http_reader::feed(std::string_view bytes) {
  if (failed_) return state::failed;
  pending_.append(bytes);
  if (ready_) return state::ready;
  while (!pending_.empty()) {
    boost::beast::error_code ec;
    const std::size_t used = parser_->p.put(boost::asio::buffer(pending_.data(), pending_.size()), ec);
    pending_.erase(0, used);
    if (ec == http::error::need_more) {
      // Beast wants a whole header in one buffer: what is held is at most the cap.
      if (!parser_->p.is_header_done() && pending_.size() > limits_.header_bytes) {
        ec = http::error::header_limit;
      } else {
        break;
      }
    }
    if (ec) {
      failed_ = true;
      pending_.clear();
      pending_.shrink_to_fit();
      if (ec == http::error::header_limit) {
        error_status_ = 431;
        error_text_ = "request headers too large";
      } else if (ec == http::error::body_limit) {
        error_status_ = 413;
        error_text_ = "request body too large";
      } else {
        error_status_ = 400;
        error_text_ = "bad request: " + ec.message();
      }
      return state::failed;
    }
    if (parser_->p.is_done()) break;
    if (used == 0) break;
  }
  if (!parser_->p.is_done()) return state::need_more;
  auto msg = parser_->p.release();
  http_request r;
  r.method = std::string(msg.method_string());
  r.target = std::string(msg.target());
  for (const auto& f : msg) r.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
  r.body = std::move(msg.body());
  r.keep_alive = msg.keep_alive();
  ready_ = std::move(r);
  restart();
  return state::ready;
}

http_request http_reader::take() {
  http_request out = std::move(*ready_);
  ready_.reset();
  return out;
}

std::string http_response(int status, const std::vector<std::pair<std::string, std::string>>& headers,
                          std::string body, bool keep_alive) {
  http::response<http::string_body> res{static_cast<http::status>(status), 11};
  for (const auto& [k, v] : headers) res.set(k, v);
  res.keep_alive(keep_alive);
  res.body() = std::move(body);
  res.prepare_payload();
  std::ostringstream out;
  out << res;
  return out.str();
}

} // namespace actorrent::rpc
