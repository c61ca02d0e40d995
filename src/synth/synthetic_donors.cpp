// Synthetic donors with drawn attributes (synthetic_donors.hpp).
#include "synth/synthetic_donors.hpp"

#include <charconv>

#include "synth/demand_stream.hpp"
#include "synth/laws.hpp"

namespace matchfund::detail {

std::string synthetic_donor_id(std::uint64_t rank) {
  char text[24] = {'u'};
  return std::string(text, std::to_chars(text + 1, text + sizeof text, rank + 1).ptr);
}

rule_set with_synthetic_donors(const rule_set& rules, const demand_model& model, std::uint64_t seed,
                               std::uint64_t donors) {
  rule_set_parts parts = rules.parts();
  std::vector<alias_table> tables;
  for (const auto& table : model.donor_attributes) tables.emplace_back(table.weights);
  const std::size_t slots = rules.attributes(attribute_owner::donor).size();
  auto random = part_random(seed, 0, 'W');
  parts.donors.reserve(parts.donors.size() + donors);
  for (std::uint64_t rank = 0; rank < donors; ++rank) {
    donor_spec donor{synthetic_donor_id(rank), attribute_values(slots), {}};
    for (std::size_t t = 0; t < tables.size(); ++t) {
      const auto& table = model.donor_attributes[t];
      donor.attributes[table.slot] = table.values[tables[t].pick(random)];
    }
    if (!rules.find_donor(donor.id)) parts.donors.push_back(std::move(donor));
  }
  return rule_set(std::move(parts));
}

}  // namespace matchfund::detail
