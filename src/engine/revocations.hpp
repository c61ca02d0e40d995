// What revocations took out of matching (SPEC §6): donations and donors by id, projects by
// position. What is revoked stays revoked: later donations in scope are not matched either.
// Internal.
#ifndef MATCHFUND_SRC_ENGINE_REVOCATIONS_HPP
#define MATCHFUND_SRC_ENGINE_REVOCATIONS_HPP

#include <boost/unordered/unordered_flat_set.hpp>

#include <cstdint>
#include <string_view>

#include "matchfund/engine.hpp"
#include "support/string_maps.hpp"

namespace matchfund::detail {
class binary_writer;
class binary_reader;
}  // namespace matchfund::detail

namespace matchfund::engine_detail {

// Every donation asks, and almost never is anything revoked: the questions answer `false` at
// once then, inline, and look in the sets out of line.
class revocations {
 public:
  void revoke_donation(std::string_view id) {
    donations_.insert(std::string(id));
    any_ = true;
  }
  void revoke_donor(std::string_view id) {
    donors_.insert(std::string(id));
    any_ = true;
  }
  void revoke_project(project_index project) {
    projects_.insert(static_cast<std::uint32_t>(position(project)));
    any_ = true;
  }

  // Whether a donation with this id, by this donor, is revoked by its id or its donor's.
  [[nodiscard]] bool cover_donation_or_donor(std::string_view donation_id, std::string_view donor_id) const {
    return any_ && look_up(donation_id, donor_id);
  }
  [[nodiscard]] bool cover_project(project_index project) const {
    return any_ && projects_.contains(static_cast<std::uint32_t>(position(project)));
  }
  // ... or by its project.
  [[nodiscard]] bool cover(std::string_view donation_id, std::string_view donor_id, project_index project) const {
    return any_ && (look_up(donation_id, donor_id) || cover_project(project));
  }

  // Snapshots (snapshot_books.cpp): everything this part keeps, and back into a new one.
  void save(detail::binary_writer& out) const;
  void restore(detail::binary_reader& in);

 private:
  [[gnu::noinline]] bool look_up(std::string_view donation_id, std::string_view donor_id) const {
    return donations_.contains(donation_id) || donors_.contains(donor_id);
  }

  bool any_ = false;
  detail::string_set donations_, donors_;
  boost::unordered_flat_set<std::uint32_t> projects_;
};

}  // namespace matchfund::engine_detail

#endif
