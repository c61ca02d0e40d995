// A demand file's laws, timing, project popularity and attribute tables (demand_loader.hpp).
#include <algorithm>
#include <string>

#include "load/demand_loader.hpp"
#include "load/rules_loader.hpp"

namespace matchfund::detail::loading {

namespace {

constexpr std::int64_t one = 1'000'000;  // 1 in millionths

std::string dates_of(const rule_set& rules) {
  const auto& campaign = rules.campaign();
  return format_local_date(local_day_of(campaign.start, campaign.timezone)) + " to " +
         format_local_date(local_day_of(campaign.end - duration{1}, campaign.timezone));
}

}  // namespace

// A number (a constant), {normal: {mean, sd}} or {uniform: {min, max}}; values are ratios.
std::optional<demand_law> demand_loader::read_law(const located_node& node, bool at_most_one) {
  if (node.is_scalar()) {
    auto value = read_law_value(node, at_most_one);
    if (!value) return std::nullopt;
    return demand_law::constant_of(*value);
  }
  map_reader reader(node);
  if (!reader.valid()) return std::nullopt;
  auto normal = reader.optional("normal");
  auto uniform = reader.optional("uniform");
  reader.finish();
  if (normal && uniform) {
    uniform->report("give only one of normal or uniform", diagnostic_code::conflicting_keys);
    return std::nullopt;
  }
  if (!normal && !uniform) {
    node.report("a law is a number, {normal: {mean, sd}} or {uniform: {min, max}}", diagnostic_code::missing_key);
    return std::nullopt;
  }
  map_reader parameters(normal ? *normal : *uniform);
  if (!parameters.valid()) return std::nullopt;
  auto first_node = parameters.required(normal ? "mean" : "min");
  auto second_node = parameters.required(normal ? "sd" : "max");
  parameters.finish();
  if (!first_node || !second_node) return std::nullopt;
  auto first = read_law_value(*first_node, at_most_one);
  auto second = normal ? read_law_value(*second_node, false) : read_law_value(*second_node, at_most_one);
  if (!first || !second) return std::nullopt;
  if (uniform && *second < *first) {
    second_node->report("max is below min", diagnostic_code::bad_law);
    return std::nullopt;
  }
  return demand_law{normal ? law_kind::normal : law_kind::uniform, *first, *second};
}

std::optional<std::int64_t> demand_loader::read_law_value(const located_node& node, bool at_most_one) {
  auto value = read_ratio(node);
  if (!value) return std::nullopt;
  if (value->millionths() < 0 || (at_most_one && value->millionths() > one)) {
    node.report(std::string(at_most_one ? "a share is between 0 and 1" : "a value of a law is not negative") +
                    ", got " + format_ratio(*value),
                diagnostic_code::bad_law);
    return std::nullopt;
  }
  return value->millionths();
}

void demand_loader::read_timing(const located_node& node) {
  map_reader reader(node);
  if (!reader.valid()) return;
  std::array<std::uint64_t, 24> hours{};
  hours.fill(1);
  if (auto hours_node = reader.optional("hours")) {
    if (auto profile = read_hours(*hours_node)) hours = *profile;
  }
  if (auto days = reader.optional("days")) {
    read_days(*days, hours);
  } else {
    default_days(hours);
  }
  if (auto rush = reader.optional("rush")) read_rush(*rush);
  reader.finish();
}

std::optional<std::array<std::uint64_t, 24>> demand_loader::read_hours(const located_node& node) {
  auto list = read_list(node);
  if (!list) return std::nullopt;
  if (list->size() != 24) {
    node.report("an hourly profile has 24 weights, one per hour from 00:00, got " + std::to_string(list->size()),
                diagnostic_code::bad_profile);
    return std::nullopt;
  }
  std::array<std::uint64_t, 24> hours{};
  std::uint64_t total = 0;
  for (std::size_t h = 0; h < 24; ++h) {
    auto weight = read_weight((*list)[h]);
    if (!weight) return std::nullopt;
    hours[h] = *weight;
    total += *weight;
  }
  if (total == 0) {
    node.report("every hour of the profile has weight 0", diagnostic_code::bad_profile);
    return std::nullopt;
  }
  return hours;
}

void demand_loader::default_days(const std::array<std::uint64_t, 24>& hours) {
  const auto& campaign = rules_.campaign();
  const local_date first = local_day_of(campaign.start, campaign.timezone);
  const local_date last = local_day_of(campaign.end - duration{1}, campaign.timezone);
  model_.days.clear();
  for (auto d = first.days_since_epoch(); d <= last.days_since_epoch(); ++d) {
    model_.days.push_back({local_date::from_days(d), 1, hours});
  }
}

void demand_loader::read_days(const located_node& node, const std::array<std::uint64_t, 24>& hours) {
  auto list = read_list(node);
  if (!list) return;
  if (list->empty()) node.report("the list of days is empty", diagnostic_code::empty_list);
  const auto& campaign = rules_.campaign();
  const local_date first = local_day_of(campaign.start, campaign.timezone);
  const local_date last = local_day_of(campaign.end - duration{1}, campaign.timezone);
  std::uint64_t total = 0;
  for (const auto& element : *list) {
    map_reader reader(element);
    if (!reader.valid()) continue;
    auto date_node = reader.required("date");
    auto share_node = reader.required("share");
    auto hours_node = reader.optional("hours");
    reader.finish();
    if (!date_node || !share_node) continue;
    auto date = read_date(*date_node);
    auto share = read_weight(*share_node);
    auto profile = hours_node ? read_hours(*hours_node) : std::optional(hours);
    if (!date || !share || !profile) continue;
    if (*date < first || last < *date) {
      date_node->report(format_local_date(*date) + " is not a day of the campaign (" + dates_of(rules_) + ")",
                        diagnostic_code::bad_profile);
    } else if (!model_.days.empty() && !(model_.days.back().date < *date)) {
      date_node->report("days are listed in date order, each once", diagnostic_code::bad_profile);
    } else {
      model_.days.push_back({*date, *share, *profile});
      total += *share;
    }
  }
  if (!model_.days.empty() && total == 0) node.report("every day has share 0", diagnostic_code::bad_profile);
}

void demand_loader::read_rush(const located_node& node) {
  map_reader reader(node);
  if (!reader.valid()) return;
  demand_rush rush;
  if (auto funds = reader.required("funds")) {
    if (auto list = read_list(*funds)) {
      if (list->empty()) funds->report("a rush follows the releases of at least one fund", diagnostic_code::empty_list);
      for (const auto& element : *list) {
        auto id = read_id(element);
        if (!id) continue;
        if (auto fund = rules_.find_fund(*id)) {
          rush.funds.push_back(*fund);
        } else {
          element.report("no fund \"" + *id + "\" in the rules", diagnostic_code::unknown_fund);
        }
      }
    }
  }
  if (auto share = reader.required("share")) {
    if (auto value = read_law_value(*share, true)) rush.share = ratio::from_millionths(*value);
  }
  if (auto minutes = reader.optional("minutes")) {
    if (auto value = read_integer(*minutes, 1, 1440)) rush.minutes = *value;
  }
  if (auto size = reader.optional("size")) {
    if (auto law = read_law(*size, false)) rush.size = *law;
  }
  reader.finish();
  model_.rush = std::move(rush);
}

void demand_loader::read_projects(const located_node& node) {
  map_reader reader(node);
  if (!reader.valid()) return;
  if (auto popularity = reader.optional("popularity")) read_popularity(*popularity);
  if (auto spread = reader.optional("spread")) {
    if (auto law = read_law(*spread, false)) model_.popularity.spread = *law;
  }
  reader.finish();
}

void demand_loader::read_popularity(const located_node& node) {
  if (node.is_scalar()) {
    auto word = read_choice<popularity_kind>(node, {{"equal", popularity_kind::equal}});
    if (word) model_.popularity.kind = *word;
    return;
  }
  map_reader reader(node);
  if (!reader.valid()) return;
  auto zipf = reader.optional("zipf");
  auto column = reader.optional("column");
  reader.finish();
  if (zipf && column) {
    column->report("give only one of zipf or column", diagnostic_code::conflicting_keys);
  } else if (zipf) {
    auto exponent = read_ratio(*zipf);
    if (exponent && (exponent->millionths() < 0 || exponent->millionths() > 4 * one)) {
      zipf->report("a Zipf exponent is between 0 and 4, got " + format_ratio(*exponent), diagnostic_code::bad_law);
    } else if (exponent) {
      model_.popularity.kind = popularity_kind::zipf;
      model_.popularity.exponent = *exponent;
    }
  } else if (column) {
    resolve_popularity_column(*column);
  } else {
    node.report("popularity is equal, {zipf: EXPONENT} or {column: attr.NAME}", diagnostic_code::missing_key);
  }
}

// Weights from a column of the projects: each project's attribute, a non-negative decimal.
void demand_loader::resolve_popularity_column(const located_node& at) {
  auto text = read_string(at);
  if (!text) return;
  if (!text->starts_with("attr.") || text->size() == 5) {
    at.report("a popularity column is a project attribute, attr.NAME; got \"" + *text + "\"", diagnostic_code::bad_field);
    return;
  }
  const std::string name = text->substr(5);
  std::vector<std::uint64_t> weights;
  std::uint64_t total = 0;
  for (const auto& project : rules_.projects()) {
    const auto found = std::find_if(project.attribute_texts.begin(), project.attribute_texts.end(),
                                    [&](const auto& entry) { return entry.first == name; });
    if (found == project.attribute_texts.end()) {
      at.report("project \"" + project.id + "\" has no " + *text, diagnostic_code::missing_attribute);
      return;
    }
    auto weight = parse_ratio(found->second);
    if (!weight || weight->millionths() < 0) {
      at.report("project \"" + project.id + "\": " + *text + " \"" + found->second +
                    "\" is not a non-negative number with at most 6 decimals",
                diagnostic_code::bad_attribute_value);
      return;
    }
    weights.push_back(static_cast<std::uint64_t>(weight->millionths()));
    total += weights.back();
  }
  if (total == 0) {
    at.report("every project's " + *text + " is 0", diagnostic_code::bad_law);
    return;
  }
  model_.popularity.kind = popularity_kind::column;
  model_.popularity.column = *text;
  model_.popularity.weights = std::move(weights);
}

void demand_loader::read_attribute_tables(const located_node& node, attribute_owner owner,
                                          std::vector<attribute_choice_table>& tables) {
  map_reader reader(node);
  if (!reader.valid()) return;
  const auto attributes = rules_.attributes(owner);
  const std::string owner_word = owner == attribute_owner::donor ? "donor" : "donation";
  for (auto& [name_node, list] : reader.entries()) {
    const std::string name = name_node.node.Scalar();
    const auto found = std::find_if(attributes.begin(), attributes.end(),
                                    [&](const attribute_spec& spec) { return spec.name == name; });
    if (found == attributes.end()) {
      name_node.report("the rules read no " + owner_word + " attribute \"" + name + "\"", diagnostic_code::unknown_field);
      continue;
    }
    const auto slot = static_cast<std::uint32_t>(found - attributes.begin());
    if (auto table = read_attribute_table(name_node, list, *found, slot)) tables.push_back(std::move(*table));
  }
}

std::optional<attribute_choice_table> demand_loader::read_attribute_table(const located_node& name,
                                                                          const located_node& list,
                                                                          const attribute_spec& attribute,
                                                                          std::uint32_t slot) {
  auto rows = read_list(list);
  if (!rows) return std::nullopt;
  if (rows->empty()) {
    list.report("the table of values is empty", diagnostic_code::empty_list);
    return std::nullopt;
  }
  attribute_choice_table table{attribute.name, slot, {}, {}};
  for (const auto& row : *rows) {
    map_reader reader(row);
    if (!reader.valid()) return std::nullopt;
    auto value_node = reader.required("value");
    auto weight_node = reader.required("weight");
    reader.finish();
    if (!value_node || !weight_node) return std::nullopt;
    auto text = read_scalar_text(*value_node, "a value");
    auto weight = read_weight(*weight_node);
    if (!text || !weight) return std::nullopt;
    auto typed = parse_typed_value(attribute.type, *text, rules_.minor_digits());
    if (!typed) {
      value_node->report("\"" + *text + "\" is not " + article(attribute.type) + " (the rules use " + name.node.Scalar() +
                             " as one)",
                         diagnostic_code::bad_attribute_value);
      return std::nullopt;
    }
    table.values.push_back(std::move(*typed));
    table.weights.push_back(*weight);
  }
  if (std::all_of(table.weights.begin(), table.weights.end(), [](std::uint64_t w) { return w == 0; })) {
    list.report("every weight of the table is 0", diagnostic_code::bad_law);
    return std::nullopt;
  }
  return table;
}

// A weight: a non-negative integer below 2^40, so that sums of many stay far from overflow.
std::optional<std::uint64_t> demand_loader::read_weight(const located_node& node) {
  auto weight = read_integer(node, 0, std::int64_t{1} << 40);
  if (!weight) return std::nullopt;
  return static_cast<std::uint64_t>(*weight);
}

}  // namespace matchfund::detail::loading
