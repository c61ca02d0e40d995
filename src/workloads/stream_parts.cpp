#include "workloads/stream_parts.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>

#include "matchfund/detail/int128.hpp"
#include "matchfund/error.hpp"
#include "matchfund/timestamp.hpp"

namespace matchfund::calibrated {

namespace {
constexpr std::size_t flush_size = std::size_t{8} << 20;
}

tiered_zipf::tiered_zipf(std::uint64_t n, std::uint64_t offset) {
  std::vector<std::uint64_t> weights;
  for (std::uint64_t first = 0; first < n; first = 2 * first + 1) {
    const std::uint64_t last = std::min(n, 2 * first + 1);
    std::uint64_t weight = 0;
    for (std::uint64_t rank = first; rank < last; ++rank) weight += 1'000'000'000ULL / (rank + offset);
    firsts_.push_back(first);
    sizes_.push_back(last - first);
    weights.push_back(weight);
  }
  tiers_.emplace(weights);
}

std::uint64_t tiered_zipf::pick(splitmix64& random) const {
  const std::size_t tier = tiers_->pick(random);
  return firsts_[tier] + random.below(sizes_[tier]);
}

amount_law::amount_law(std::span<const std::uint64_t> minor_amounts, std::span<const std::uint64_t> weights)
    : amounts_(minor_amounts.begin(), minor_amounts.end()), choice_(weights) {
  if (minor_amounts.size() != weights.size()) throw error("an amount law needs one weight per amount");
  for (auto amount : amounts_) texts_.push_back(minor_text(amount));
}

std::string minor_text(std::uint64_t minor) { return fmt::format("{}.{:02}", minor / 100, minor % 100); }

std::uint64_t scaled(std::uint64_t full, std::uint64_t donations, std::uint64_t full_donations, std::uint64_t floor) {
  const auto value = static_cast<std::uint64_t>(detail::uint128{full} * donations / full_donations);
  return std::max(value, floor);
}

void spread_streams(std::span<const stream_share> streams, std::uint64_t seconds, splitmix64& random,
                    const std::function<void(std::uint64_t, std::span<const timed_slot>)>& emit) {
  std::vector<detail::uint128> totals(streams.size(), 0), cumulative(streams.size(), 0);
  std::vector<std::uint64_t> written(streams.size(), 0);
  for (std::size_t k = 0; k < streams.size(); ++k) {
    for (std::uint64_t s = 0; s < seconds; ++s) totals[k] += streams[k].weight_of_second(s);
    if (totals[k] == 0 && streams[k].donations != 0) throw error("a workload's time profile has no weight");
  }
  std::vector<timed_slot> slots;
  for (std::uint64_t s = 0; s < seconds; ++s) {
    slots.clear();
    for (std::size_t k = 0; k < streams.size(); ++k) {
      if (written[k] == streams[k].donations) continue;
      cumulative[k] += streams[k].weight_of_second(s);
      const auto due = static_cast<std::uint64_t>(detail::uint128{streams[k].donations} * cumulative[k] / totals[k]);
      for (; written[k] < due; ++written[k]) {
        slots.push_back({static_cast<std::uint16_t>(random.below(1000)), static_cast<std::uint16_t>(k)});
      }
    }
    if (slots.empty()) continue;
    std::sort(slots.begin(), slots.end(), [](const timed_slot& a, const timed_slot& b) {
      return a.millisecond != b.millisecond ? a.millisecond < b.millisecond : a.stream < b.stream;
    });
    emit(s, slots);
  }
}

void spread_over_seconds(std::uint64_t donations, std::uint64_t seconds,
                         const std::function<std::uint64_t(std::uint64_t)>& weight_of_second, splitmix64& random,
                         const std::function<void(std::uint64_t, std::span<const std::uint16_t>)>& emit) {
  const std::array<stream_share, 1> one{stream_share{donations, weight_of_second}};
  std::vector<std::uint16_t> milliseconds;
  spread_streams(one, seconds, random, [&](std::uint64_t second, std::span<const timed_slot> slots) {
    milliseconds.clear();
    for (const auto& slot : slots) milliseconds.push_back(slot.millisecond);
    emit(second, milliseconds);
  });
}

row_writer::row_writer(detail::output_file& out, std::string_view header, std::string_view start) : out_(out) {
  const timestamp first = *parse_rfc3339(start);
  start_ms_ = first.epoch_ms();
  offset_text_ = std::string(start.substr(start.size() - 6));
  offset_minutes_ = parse_utc_offset(offset_text_)->minutes();
  buffer_.reserve(flush_size);
  buffer_ += header;
  buffer_ += '\n';
}

row_writer::~row_writer() = default;

row_writer& row_writer::text(std::string_view value) {
  buffer_ += value;
  return *this;
}

row_writer& row_writer::number(std::uint64_t value) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  buffer_.append(digits, end);
  return *this;
}

row_writer& row_writer::time(std::uint64_t second, std::uint16_t millisecond) {
  if (second != cached_second_) {
    const auto at = timestamp::from_epoch_ms(start_ms_ + static_cast<std::int64_t>(second) * 1000);
    second_text_ = format_rfc3339(at, utc_offset::from_minutes(offset_minutes_)).substr(0, 20);
    cached_second_ = second;
  }
  buffer_ += second_text_;
  buffer_ += static_cast<char>('0' + millisecond / 100);
  buffer_ += static_cast<char>('0' + millisecond / 10 % 10);
  buffer_ += static_cast<char>('0' + millisecond % 10);
  buffer_ += offset_text_;
  return *this;
}

void row_writer::end_row() {
  buffer_ += '\n';
  if (buffer_.size() >= flush_size - 4096) {
    out_.write(buffer_);
    buffer_.clear();
  }
}

void row_writer::finish() {
  out_.write(buffer_);
  buffer_.clear();
}

}  // namespace matchfund::calibrated
