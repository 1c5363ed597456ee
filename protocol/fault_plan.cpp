#include "protocol/fault_plan.hpp"

#include <cstdlib>

namespace actorrent {

namespace {
constexpr std::string_view names[fault_kind_count] = {"peer-crash",   "peer-drop",   "peer-stall",
                                                      "corrupt-block", "disk-error", "disk-delay",
                                                      "tracker-fail",  "scheduler-crash", "disk-crash"};

std::string supported() {
  std::string out;
  for (auto n : names) out += (out.empty() ? "" : ", ") + std::string(n);
  return out;
}
} // namespace

std::string_view fault_name(fault_kind k) { return names[static_cast<std::size_t>(k)]; }

std::optional<fault_kind> fault_from_name(std::string_view name) {
  for (std::size_t i = 0; i < fault_kind_count; ++i)
    if (names[i] == name) return static_cast<fault_kind>(i);
  return std::nullopt;
}

fault_plan fault_plan::parse(const std::vector<std::string>& specs, std::uint64_t seed) {
  fault_plan plan;
  plan.seed_ = seed;
  for (const auto& spec : specs) {
    const auto eq = spec.find('=');
    if (eq == std::string::npos) throw std::invalid_argument("fault '" + spec + "' needs the form KIND=RATE");
    const auto kind = fault_from_name(std::string_view(spec).substr(0, eq));
    if (!kind) throw std::invalid_argument("unknown fault '" + spec.substr(0, eq) + "' (supported: " + supported() + ")");
    const std::string rate_text = spec.substr(eq + 1);
    char* end = nullptr;
    const double rate = std::strtod(rate_text.c_str(), &end);
    const bool number = !rate_text.empty() && end == rate_text.c_str() + rate_text.size();
    if (*kind == fault_kind::disk_delay) {
      if (!number || !(rate >= 1.0 && rate <= 10000.0) || rate != static_cast<double>(static_cast<int>(rate)))
        throw std::invalid_argument("disk-delay '" + rate_text + "' is not a whole number of milliseconds from 1 to 10000");
    } else if (!number || !(rate >= 0.0 && rate <= 1.0)) {
      throw std::invalid_argument("fault rate '" + rate_text + "' is not a number from 0 to 1");
    }
    plan.rates_[static_cast<std::size_t>(*kind)] = rate;
  }
  return plan;
}

bool fault_plan::any() const {
  for (double r : rates_)
    if (r > 0) return true;
  return false;
}

fault_injector::fault_injector(const fault_plan& plan, std::uint64_t stream)
    : plan_(&plan), rng_(plan.seed() * 0x9E3779B97F4A7C15ULL ^ (stream + 1)) {}

bool fault_injector::fire(fault_kind k) {
  if (plan_ == nullptr) return false;
  const double r = plan_->rate(k);
  if (r <= 0) return false;
  if (k == fault_kind::disk_delay) return true; // a duration, not a probability: every write
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng_) < r;
}

} // namespace actorrent
