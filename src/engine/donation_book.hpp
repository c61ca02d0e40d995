// The donations as the engine keeps them for refunds, revocations and the close (SPEC §6, §7):
// each donation, the payment of each donation some rule paid or charged, its match lines and
// cap charges, and what refunds took back of them. Internal.
#ifndef MATCHFUND_SRC_ENGINE_DONATION_BOOK_HPP
#define MATCHFUND_SRC_ENGINE_DONATION_BOOK_HPP

#include <boost/unordered/unordered_flat_map.hpp>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "engine/records.hpp"
#include "matchfund/assert.hpp"
#include "matchfund/engine.hpp"

namespace matchfund::detail {
class binary_writer;
class binary_reader;
}  // namespace matchfund::detail

namespace matchfund::engine_detail {

class id_registry;

class donation_book {
 public:
  // A donation's match lines and charges, as [first, first + count) ranges.
  struct index_range {
    std::uint32_t first = 0;
    std::uint32_t count = 0;
  };

  explicit donation_book(std::size_t project_count) : last_payment_of_project_(project_count, no_payment) {}

  // ---- donations
  [[nodiscard]] std::uint32_t size() const noexcept { return static_cast<std::uint32_t>(donations_.size()); }
  donation_record& operator[](std::uint32_t d) noexcept { return donations_[d]; }
  const donation_record& operator[](std::uint32_t d) const noexcept { return donations_[d]; }
  donation_record& add() { return donations_.emplace_back(); }

  // ---- refunds
  [[nodiscard]] money refunded_of(std::uint32_t donation) const {
    const auto found = refunded_.find(donation);
    return found == refunded_.end() ? money{} : found->second;
  }
  void refund(std::uint32_t donation, money amount) {
    money& refunded = refunded_[donation];
    refunded += amount;
    MATCHFUND_ASSERT(amount > money{} && refunded <= donations_[donation].amount, "a donation refunded beyond its amount");
  }

  // ---- match lines
  [[nodiscard]] std::uint32_t line_count() const { return checked_u32(lines_.size(), "match lines"); }
  [[nodiscard]] const match_record& line(std::uint32_t l) const noexcept { return lines_[l]; }
  // A line drawn from a fund, and the sub-budget entity it was charged to (funds with sub-budgets).
  void add_line(const match_record& line, const std::optional<std::uint64_t>& pot) {
    if (pot) pots_.emplace(line_count(), *pot);
    lines_.push_back(line);
  }
  [[nodiscard]] std::optional<std::uint64_t> pot_of_line(std::uint32_t l) const {
    const auto found = pots_.find(l);
    return found == pots_.end() ? std::nullopt : std::optional<std::uint64_t>(found->second);
  }
  // What refunds and revocations reversed of a match line so far.
  [[nodiscard]] money reversed_of(std::uint32_t l) const {
    if (reversed_.empty()) return {};
    const auto found = reversed_.find(l);
    return found == reversed_.end() ? money{} : found->second;
  }
  void reverse(std::uint32_t l, money amount) {
    money& reversed = reversed_[l];
    reversed += amount;
    MATCHFUND_ASSERT(amount > money{} && reversed <= lines_[l].amount, "a match line reversed beyond its amount");
  }

  // ---- cap charges, rule by rule
  [[nodiscard]] std::uint32_t charge_count() const { return checked_u32(charges_.size(), "cap charges"); }
  void add_charge(const rule_charge& charge) { charges_.push_back(charge); }
  rule_charge& charge(std::uint32_t c) noexcept { return charges_[c]; }
  const rule_charge& charge(std::uint32_t c) const noexcept { return charges_[c]; }
  charge_given_back& given_back(std::uint32_t c) { return given_back_[c]; }

  // ---- a quote's rollback (engine::quote): back to the sizes it found; no payment was recorded
  struct sizes {
    std::uint32_t donations, lines, charges;
  };
  [[nodiscard]] sizes current_sizes() const { return {size(), line_count(), charge_count()}; }
  void truncate(const sizes& kept) {
    for (std::uint32_t l = kept.lines; l < line_count(); ++l) pots_.erase(l);
    donations_.truncate(kept.donations);
    lines_.truncate(kept.lines);
    charges_.truncate(kept.charges);
  }

  // ---- payments
  // The payment of donation `d`, whose lines and charges start at `first_line` and
  // `first_charge`, chained to the donor's (`donor_last_payment`) and the project's previous one.
  void record_payment(std::uint32_t d, project_index project, std::uint32_t& donor_last_payment,
                      std::uint32_t first_line, std::uint32_t first_charge) {
    record_payment(d, project, donor_last_payment, {first_line, line_count() - first_line},
                   {first_charge, charge_count() - first_charge});
  }
  // The same with the lines and charges given: a confirmed hold's, made when it was evaluated.
  void record_payment(std::uint32_t d, project_index project, std::uint32_t& donor_last_payment, index_range lines,
                      index_range charges) {
    donation_record& donation = donations_[d];
    donation.payment = checked_u32(payments_.size(), "paid donations");
    payment_record& payment = payments_.emplace_back();
    payment.donation = d;
    payment.first_line = lines.first;
    payment.line_count = lines.count;
    payment.first_charge = charges.first;
    payment.charge_count = charges.count;
    payment.previous_of_donor = std::exchange(donor_last_payment, donation.payment);
    payment.previous_of_project = std::exchange(last_payment_of_project_[position(project)], donation.payment);
  }
  [[nodiscard]] const table_vector<payment_record>& payments() const noexcept { return payments_; }

  [[nodiscard]] index_range lines_of(const donation_record& donation) const noexcept {
    if (donation.payment == no_payment) return {};
    const payment_record& payment = payments_[donation.payment];
    return {payment.first_line, payment.line_count};
  }
  [[nodiscard]] index_range charges_of(const donation_record& donation) const noexcept {
    if (donation.payment == no_payment) return {};
    const payment_record& payment = payments_[donation.payment];
    return {payment.first_charge, payment.charge_count};
  }

  // The donations paid by a donor (from its last payment) or by a project, in processing order.
  [[nodiscard]] std::vector<std::uint32_t> paid_of_donor(std::uint32_t last_payment) const {
    return chain_from(last_payment, &payment_record::previous_of_donor);
  }
  [[nodiscard]] std::vector<std::uint32_t> paid_of_project(project_index project) const {
    return chain_from(last_payment_of_project_[position(project)], &payment_record::previous_of_project);
  }

  // Snapshots (snapshot_books.cpp): everything this part keeps, and back into a new one.
  void save(detail::binary_writer& out) const;
  void restore(detail::binary_reader& in, id_registry& ids, const rule_set& rules);  // texts kept in the ids' arena

 private:
  std::vector<std::uint32_t> chain_from(std::uint32_t last, std::uint32_t payment_record::*previous) const {
    std::vector<std::uint32_t> found;
    for (std::uint32_t k = last; k != no_payment; k = payments_[k].*previous) found.push_back(payments_[k].donation);
    std::reverse(found.begin(), found.end());
    return found;
  }

  table_vector<donation_record> donations_;
  table_vector<payment_record> payments_;
  table_vector<match_record> lines_;
  table_vector<rule_charge> charges_;
  // Kept apart from the records they concern: few donations are refunded, few lines reversed or
  // drawn from sub-budgets, few charges given back.
  boost::unordered_flat_map<std::uint32_t, money> refunded_;     // donation -> refunded so far
  boost::unordered_flat_map<std::uint32_t, money> reversed_;     // line -> reversed so far
  boost::unordered_flat_map<std::uint32_t, std::uint64_t> pots_;  // line -> sub-budget entity charged
  boost::unordered_flat_map<std::uint32_t, charge_given_back> given_back_;  // charge -> given back
  std::vector<std::uint32_t> last_payment_of_project_;  // per project, or no_payment
};

}  // namespace matchfund::engine_detail

#endif
