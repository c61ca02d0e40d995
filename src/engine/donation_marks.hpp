// Which donations a rule took up to its formula, or found outside its windows: the donations
// the close-out weights rule.ID.qualifying and rule.ID.outside_windows add up (docs/semantics.md,
// "Close-out"). One bit per donation for each rule a weight names; none for
// rules no weight names. Internal.
#ifndef MATCHFUND_SRC_ENGINE_DONATION_MARKS_HPP
#define MATCHFUND_SRC_ENGINE_DONATION_MARKS_HPP

#include <cstdint>
#include <vector>

#include "support/binary_stream.hpp"

namespace matchfund::engine_detail {

class donation_marks {
 public:
  explicit donation_marks(std::size_t kinds = 0) : bits_(kinds) {}

  [[nodiscard]] bool empty() const noexcept { return bits_.empty(); }
  void mark(std::size_t kind, std::uint32_t donation) {
    std::vector<std::uint64_t>& words = bits_[kind];
    if (words.size() <= donation / 64) words.resize(donation / 64 + 1);
    words[donation / 64] |= std::uint64_t{1} << (donation % 64);
  }
  [[nodiscard]] bool marked(std::size_t kind, std::uint32_t donation) const noexcept {
    const std::vector<std::uint64_t>& words = bits_[kind];
    return donation / 64 < words.size() && ((words[donation / 64] >> (donation % 64)) & 1) != 0;
  }
  // The donations from `first` on are gone (a quote takes its donation back).
  void forget_from(std::uint32_t first) {
    for (std::vector<std::uint64_t>& words : bits_) {
      if (words.size() > first / 64 + 1) words.resize(first / 64 + 1);
      if (words.size() == first / 64 + 1) words.back() &= (std::uint64_t{1} << (first % 64)) - 1;
    }
  }
  [[nodiscard]] std::uint32_t end_of(std::size_t kind) const noexcept {
    return static_cast<std::uint32_t>(bits_[kind].size() * 64);
  }

  void save(detail::binary_writer& out) const {
    for (const std::vector<std::uint64_t>& words : bits_) {
      out.u64(words.size());
      for (const std::uint64_t w : words) out.u64(w);
    }
  }
  void restore(detail::binary_reader& in) {
    for (std::vector<std::uint64_t>& words : bits_) {
      words.resize(in.count(8));
      for (std::uint64_t& w : words) w = in.u64();
    }
  }

 private:
  std::vector<std::vector<std::uint64_t>> bits_;  // by kind: one bit per donation position
};

}  // namespace matchfund::engine_detail

#endif
