// Every id the engine has seen: the events' (to refuse a repeated one, and to find the donation
// a refund or revocation names) and the donors' (dense numbers, a record each, and which
// projects each gave to, to count a project's distinct donors). The texts live in one arena.
// Donations are indexed lazily, when an id is looked up: a host that vouches for its ids being
// new (engine::process_unchecked_new_id) never pays the random access into a table of every id
// per donation, unless refunds or revocations need the table. Internal.
#ifndef MATCHFUND_SRC_ENGINE_ID_REGISTRY_HPP
#define MATCHFUND_SRC_ENGINE_ID_REGISTRY_HPP

#include <cstdint>
#include <cstring>
#include <optional>
#include <string_view>

#include "engine/donation_book.hpp"
#include "engine/records.hpp"
#include "matchfund/engine.hpp"
#include "support/id_index.hpp"
#include "support/key_set.hpp"
#include "support/prefetch.hpp"
#include "support/string_arena.hpp"

namespace matchfund::detail {
class binary_writer;
class binary_reader;
}  // namespace matchfund::detail

namespace matchfund::engine_detail {

class id_registry {
 public:
  // Reads the ids of `donations` (which must outlive the registry) when indexing them.
  id_registry(const rule_set& rules, const donation_book& donations) : rules_(rules), donations_(donations) {}
  id_registry(const id_registry&) = delete;
  id_registry& operator=(const id_registry&) = delete;

  // ---- events

  // The id of the donation at `position` (the next one in the donation book), kept as counted
  // text; it joins the index when an id is looked up next.
  const char* keep_donation_id(std::uint32_t position, std::string_view id) {
    if (position >= other_event) throw error("more than 2,147,483,648 donations in one run");
    return arena_.store_counted(id);
  }

  // Records the id of a processed event that is not a donation; returns the kept id.
  std::string_view remember_event(std::string_view id) {
    if (other_event_ids_.size() >= other_event) throw error("more than 2,147,483,648 refunds and revocations in one run");
    const std::string_view kept = arena_.store(id);
    event_ids_.insert(kept, other_event | static_cast<std::uint32_t>(other_event_ids_.size()));
    other_event_ids_.push_back(kept);
    return kept;
  }

  // Whether an event with this id was processed.
  [[nodiscard]] bool seen(std::string_view id) {
    index_donations();
    return event_ids_.contains(id);
  }

  // The donation an event id names, if it names one.
  [[nodiscard]] std::optional<std::uint32_t> donation_named(std::string_view id) {
    index_donations();
    const auto found = event_ids_.find(id);
    if (!found || (*found & other_event) != 0) return std::nullopt;
    return found;
  }

  void prefetch_event(std::string_view id) const noexcept { (void)event_ids_.prefetch(id); }

  // Room for `events` event ids and `donors` donors without growing.
  void reserve(std::size_t events, std::size_t donors) {
    event_ids_.reserve(events);
    donor_ids_.reserve(donors);
  }

  // ---- donors

  // The dense number of a donor, registered when new.
  std::uint32_t intern_donor(std::string_view id) {
    if (const auto found = donor_ids_.find(id)) return *found;
    const std::uint32_t donor = checked_u32(donors_.size(), "donors");
    donor_record& record = donors_.emplace_back();
    if (id.size() <= 15) {
      std::memcpy(record.id_bytes.data(), id.data(), id.size());
      record.id_bytes[15] = static_cast<char>(id.size());
    } else {
      const char* stored = arena_.store_counted(id);
      std::memcpy(record.id_bytes.data(), &stored, sizeof stored);
      record.id_bytes[15] = static_cast<char>(0xFF);
    }
    if (const auto listed = rules_.find_donor(id)) record.spec = static_cast<std::uint32_t>(position(*listed));
    donor_ids_.insert(id, donor);
    return donor;
  }

  [[nodiscard]] std::optional<std::uint32_t> find_donor(std::string_view id) const { return donor_ids_.find(id); }
  [[nodiscard]] std::uint32_t donor_count() const noexcept { return static_cast<std::uint32_t>(donors_.size()); }
  donor_record& donor(std::uint32_t d) noexcept { return donors_[d]; }

  [[nodiscard]] std::string_view donor_name(std::uint32_t d) const noexcept {
    const donor_record& record = donors_[d];
    const auto size = static_cast<unsigned char>(record.id_bytes[15]);
    if (size <= 15) return {record.id_bytes.data(), size};
    const char* stored = nullptr;
    std::memcpy(&stored, record.id_bytes.data(), sizeof stored);
    return detail::string_arena::counted(stored);
  }

  // The donor's entry in the rules' donor list, or nullptr when it is not listed.
  [[nodiscard]] const donor_spec* donor_spec_of(std::uint32_t d) const {
    const std::uint32_t spec = donors_[d].spec;
    return spec == UINT32_MAX ? nullptr : &rules_.donors()[spec];
  }

  // Whether this is the donor's first gift to the project (it is remembered as given).
  bool first_gift_to(std::uint32_t d, project_index project) {
    const auto p = static_cast<std::uint32_t>(position(project));
    std::uint32_t* inline_projects = donors_[d].first_projects;
    for (int k = 0; k < 2; ++k) {
      if (inline_projects[k] == p) return false;
      if (inline_projects[k] == no_project) {
        inline_projects[k] = p;
        return true;
      }
    }
    return project_donors_.insert(std::uint64_t{p} << 32 | d);
  }

  // ---- prefetching a donation's donor a few donations ahead (engine::prefetch)

  // Starts loading the donor's index slot; returns the bits for prefetch_donor_state().
  [[nodiscard]] std::uint32_t prefetch_donor(std::string_view id) const noexcept { return donor_ids_.prefetch(id); }
  // Starts loading the record and the (project, donor) pair of the donor the loaded slot names
  // (perhaps another donor with the same hash bits); returns that donor, or no_donor when the
  // slot names none. A plain number, not an optional: this runs once a donation.
  static constexpr std::uint32_t no_donor = UINT32_MAX;
  [[nodiscard]] std::uint32_t prefetch_donor_state(std::uint32_t bits, std::uint32_t project) const noexcept {
    const auto candidate = donor_ids_.candidate(bits);
    const std::uint32_t d = candidate.value_or(no_donor);
    if (d >= donors_.size()) return no_donor;
    detail::prefetch_line(&donors_[d]);
    project_donors_.prefetch(std::uint64_t{project} << 32 | d);
    return d;
  }

  // A text kept as long as the engine, unindexed (a restored ledger line's or hold's).
  std::string_view keep_text(std::string_view text) { return arena_.store(text); }

  // Snapshots (snapshot_books.cpp). The donations' ids are saved with the donation book;
  // restore() reads the donors and the other events' ids, after the donation book is restored.
  void save(detail::binary_writer& out) const;
  void restore(detail::binary_reader& in);
  // Once the donation book is back: the donations the saved index held, indexed again, so that a
  // host whose engine looked ids up meets no pause at its first look-up after a restore.
  void index_restored_donations() { index_donations_up_to(restored_indexed_); }
  [[nodiscard]] std::uint32_t restored_indexed() const noexcept { return restored_indexed_; }

 private:
  // An event id's position: a donation's, or other_event | its position in other_event_ids_
  // (refunds, revocations, the close).
  static constexpr std::uint32_t other_event = 0x8000'0000;

  static std::string_view event_id_at(const void* owner, std::uint32_t at) {
    const auto& self = *static_cast<const id_registry*>(owner);
    return (at & other_event) != 0 ? self.other_event_ids_[at & ~other_event]
                                   : detail::string_arena::counted(self.donations_[at].id);
  }
  static std::string_view donor_id_at(const void* owner, std::uint32_t at) {
    return static_cast<const id_registry*>(owner)->donor_name(at);
  }

  // Adds the ids of the donations processed since the last call to the index.
  void index_donations() { index_donations_up_to(donations_.size()); }
  void index_donations_up_to(std::uint32_t end) {
    if (end <= donations_indexed_) return;
    event_ids_.reserve(event_ids_.size() + (end - donations_indexed_));
    constexpr std::uint32_t ahead = 8;
    for (std::uint32_t d = donations_indexed_; d < end; ++d) {
      if (d + ahead < end) (void)event_ids_.prefetch(detail::string_arena::counted(donations_[d + ahead].id));
      event_ids_.insert(detail::string_arena::counted(donations_[d].id), d);
    }
    donations_indexed_ = end;
  }

  const rule_set& rules_;
  const donation_book& donations_;
  detail::string_arena arena_;  // every id the engine keeps
  table_vector<std::string_view> other_event_ids_;
  detail::id_index event_ids_{&event_id_at, this};
  std::uint32_t donations_indexed_ = 0;  // donations [0, donations_indexed_) are in event_ids_
  std::uint32_t restored_indexed_ = 0;   // a restored snapshot's donations_indexed_
  detail::id_index donor_ids_{&donor_id_at, this};
  table_vector<donor_record> donors_;  // by dense donor
  detail::key_set project_donors_;     // project << 32 | donor, beyond each donor's first two projects
};

}  // namespace matchfund::engine_detail

#endif
