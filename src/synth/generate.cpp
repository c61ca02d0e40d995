#include "matchfund/generate.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include "matchfund/detail/int128.hpp"
#include "matchfund/error.hpp"
#include "matchfund/random_draw.hpp"
#include "synth/sampling.hpp"

namespace matchfund {

namespace {

using detail::splitmix64;
using detail::weighted_choice;


// Zipf-like weights 10^9 / (rank + 16): a few projects and donors take a large share of the gifts.
std::vector<std::uint64_t> zipf_weights(std::size_t count) {
  std::vector<std::uint64_t> weights(count);
  for (std::size_t i = 0; i < count; ++i) weights[i] = 1'000'000'000ULL / (i + 16);
  return weights;
}

}  // namespace

void generate_donations(const rule_set& rules, const generate_options& options, std::FILE* out) {
  if (rules.projects().empty()) throw error("the campaign has no project");
  splitmix64 random(options.seed);
  const campaign_spec& campaign = rules.campaign();
  const std::int64_t span_ms = campaign.end.epoch_ms() - campaign.start.epoch_ms();

  // Times: donations cluster in the morning after the release (09:00-12:00) and the evening
  // (20:00-23:00) local time; a quarter fall anywhere.
  std::vector<std::int64_t> times(options.donations);
  const std::int64_t offset_ms = campaign.timezone.milliseconds();
  for (auto& t : times) {
    std::int64_t candidate = 0;
    for (int attempt = 0; attempt < 16; ++attempt) {
      candidate = campaign.start.epoch_ms() + static_cast<std::int64_t>(random.below(static_cast<std::uint64_t>(span_ms)));
      const std::int64_t local_hour = ((candidate + offset_ms) % 86'400'000 + 86'400'000) % 86'400'000 / 3'600'000;
      const bool peak = (local_hour >= 9 && local_hour < 12) || (local_hour >= 20 && local_hour < 23);
      if (peak || random.below(4) == 0) break;
    }
    t = candidate;
  }
  std::sort(times.begin(), times.end());

  const std::size_t donor_count = options.donors != 0 ? options.donors : std::max<std::uint64_t>(1, options.donations / 3);
  const weighted_choice donor_choice(zipf_weights(donor_count));
  const weighted_choice project_choice(zipf_weights(rules.projects().size()));
  // Amounts in whole units, heavy-tailed: most gifts small, a few large.
  constexpr std::array<std::int64_t, 12> amounts{1, 2, 5, 9, 10, 20, 50, 99, 100, 200, 500, 1000};
  const weighted_choice amount_choice(std::array<std::uint64_t, 12>{300, 80, 160, 60, 140, 90, 70, 30, 40, 15, 10, 5});
  const auto units = [&](std::int64_t whole) {
    std::int64_t minor = whole;
    for (int i = 0; i < rules.minor_digits(); ++i) minor *= 10;
    return money::from_minor(minor);
  };

  // Donation attributes the rules read, filled plausibly by type.
  const auto attributes = rules.attributes(attribute_owner::donation);
  std::string header = "id,time,donor,project,amount";
  for (const auto& attribute : attributes) header += ",attr." + attribute.name;
  header += '\n';
  std::string buffer = header;
  const auto flush = [&] {
    if (std::fwrite(buffer.data(), 1, buffer.size(), out) != buffer.size()) throw error("cannot write the events");
    buffer.clear();
  };
  for (std::uint64_t i = 0; i < options.donations; ++i) {
    const money amount = units(amounts[amount_choice.pick(random)]);
    const project_spec& project = rules.projects()[project_choice.pick(random)];
    fmt::format_to(std::back_inserter(buffer), "g-{},{},donor-{},{},{}", i + 1,
                   format_rfc3339(timestamp::from_epoch_ms(times[i]), campaign.timezone), donor_choice.pick(random), project.id,
                   format_money(amount, rules.minor_digits()));
    for (const auto& attribute : attributes) {
      buffer += ',';
      switch (attribute.type) {
        case value_type::boolean: buffer += random.below(10) == 0 ? "true" : "false"; break;
        case value_type::integer: buffer += std::to_string(random.below(4) == 0 ? random.below(300) : random.below(40)); break;
        case value_type::money: buffer += format_money(units(static_cast<std::int64_t>(random.below(100))), rules.minor_digits()); break;
        case value_type::ratio: buffer += format_ratio(ratio::from_millionths(static_cast<std::int64_t>(random.below(21)) * 50'000)); break;
        default: buffer += random.below(2) == 0 ? "a" : "b"; break;
      }
    }
    buffer += '\n';
    if (buffer.size() > (1 << 20)) flush();
  }
  flush();
}

}  // namespace matchfund
