// The pieces every workload's stream is made of. Speed matters (tens of millions of rows): times
// are laid out second by second in order, so nothing is sorted but the milliseconds inside one
// second; heavy-tailed choices are O(1); rows are formatted by hand into a large buffer.
// Integer-only, so the same seed gives the same bytes everywhere.
#ifndef MATCHFUND_SRC_WORKLOADS_STREAM_PARTS_HPP
#define MATCHFUND_SRC_WORKLOADS_STREAM_PARTS_HPP

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "synth/sampling.hpp"
#include "write/output_files.hpp"

namespace matchfund::calibrated {

using detail::splitmix64;
using detail::weighted_choice;

// A Zipf-like law over ranks 0..n-1 with weight 10^9 / (rank + offset), drawn in two steps: a
// tier of ranks [2^k - 1, 2^(k+1) - 1) by the tier's total weight, then a rank uniformly inside
// it. Within a tier weights differ by at most 2:1, so this keeps the heavy tail at O(1) per draw.
class tiered_zipf {
 public:
  explicit tiered_zipf(std::uint64_t n, std::uint64_t offset = 16);
  std::uint64_t pick(splitmix64& random) const;

 private:
  std::optional<weighted_choice> tiers_;
  std::vector<std::uint64_t> firsts_, sizes_;
};

// Amounts (minor units) drawn by integer weights.
class amount_law {
 public:
  amount_law(std::span<const std::uint64_t> minor_amounts, std::span<const std::uint64_t> weights);
  [[nodiscard]] std::size_t pick(splitmix64& random) const { return choice_.pick(random); }
  [[nodiscard]] std::uint64_t amount(std::size_t index) const { return amounts_[index]; }
  [[nodiscard]] const std::string& text(std::size_t index) const { return texts_[index]; }

 private:
  std::vector<std::uint64_t> amounts_;
  std::vector<std::string> texts_;
  weighted_choice choice_;
};

// "123.45" for 12345 minor units (two fraction digits).
std::string minor_text(std::uint64_t minor);

// `full` (a full-size amount, any unit) times donations / full_donations, rounded down, at least
// `floor`: budgets shrink with the stream so that pools run out at the same moments.
std::uint64_t scaled(std::uint64_t full, std::uint64_t donations, std::uint64_t full_donations, std::uint64_t floor = 1);

// One of several streams laid out together (spread_streams): how many donations it has and how
// busy each second of it is (relative weights).
struct stream_share {
  std::uint64_t donations = 0;
  std::function<std::uint64_t(std::uint64_t)> weight_of_second;
};

// A donation's place inside its second: its millisecond and which stream it belongs to.
struct timed_slot {
  std::uint16_t millisecond = 0;
  std::uint16_t stream = 0;
};

// Spreads each stream's donations over `seconds` consecutive seconds by its weights (exact
// cumulative shares, so exactly its donations in all) and calls `emit(second, slots)` for each
// second that gets some, in order, with the slots of every stream drawn and sorted by
// (millisecond, stream).
void spread_streams(std::span<const stream_share> streams, std::uint64_t seconds, splitmix64& random,
                    const std::function<void(std::uint64_t, std::span<const timed_slot>)>& emit);

// Spreads `donations` over `seconds` consecutive seconds by `weight_of_second` (exact cumulative
// shares, so exactly `donations` in all) and calls `emit(second, milliseconds)` for each second
// that gets some, in order, with its milliseconds drawn and sorted.
void spread_over_seconds(std::uint64_t donations, std::uint64_t seconds,
                         const std::function<std::uint64_t(std::uint64_t)>& weight_of_second, splitmix64& random,
                         const std::function<void(std::uint64_t, std::span<const std::uint16_t>)>& emit);

// The rows of events.csv, buffered and written to `out` in large pieces.
class row_writer {
 public:
  // `start` is the campaign's first instant as RFC 3339 ("2017-09-07T00:00:00+08:00"); times
  // are given as seconds from it plus milliseconds, and written in its offset.
  row_writer(detail::output_file& out, std::string_view header, std::string_view start);
  row_writer(const row_writer&) = delete;
  row_writer& operator=(const row_writer&) = delete;
  ~row_writer();

  row_writer& text(std::string_view value);
  row_writer& number(std::uint64_t value);
  row_writer& time(std::uint64_t second, std::uint16_t millisecond);  // a whole field
  row_writer& comma() { return text(","); }
  void end_row();
  void finish();  // writes what is buffered; nothing may follow

 private:
  detail::output_file& out_;
  std::string buffer_;
  std::int64_t start_ms_ = 0;
  int offset_minutes_ = 0;
  std::string offset_text_;  // "+08:00"
  std::uint64_t cached_second_ = ~std::uint64_t{0};
  std::string second_text_;  // "2017-09-07T09:00:00." of cached_second_
};

}  // namespace matchfund::calibrated

#endif
