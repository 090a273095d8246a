#include "app/persona_count.h"

#include <fmt/format.h>

#include <charconv>

namespace growthlens::app {

Status ApplyPersonaCount(std::string_view name, std::string_view text, Naming naming,
                         ml::SegmentationOptions& options) {
  if (text.empty() || text == "tiers") {
    options.k_choice = ml::KChoice::kFourTiers;
    return Status::Ok();
  }
  if (text == "auto") {
    options.k_choice = ml::KChoice::kBestSilhouette;
    return Status::Ok();
  }
  uint64_t k = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), k);
  if (error != std::errc() || end != text.data() + text.size() || k < 2 || k > kMaxPersonas)
    return BadValue(name, naming, text,
                    fmt::format("expected auto (the best silhouette) or a whole number of "
                                "personas in 2..{} (default: the four tiers, k = 4)",
                                kMaxPersonas));
  options.k_choice = ml::KChoice::kGiven;
  options.k = static_cast<size_t>(k);
  return Status::Ok();
}

}  // namespace growthlens::app
