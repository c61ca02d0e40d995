// A demand file's top level, volumes, amounts and refunds (demand_loader.hpp), and the API.
#include <limits>
#include <string>

#include "matchfund/demand.hpp"
#include "matchfund/diagnostic.hpp"
#include "matchfund/error.hpp"
#include "load/demand_loader.hpp"
#include "support/csv_reader.hpp"
#include "support/sha256.hpp"

namespace matchfund::detail::loading {

namespace {

constexpr std::int64_t max_count = 1'000'000'000'000;  // donations or donors in one campaign

}  // namespace

void demand_loader::load(const yaml_document& document) {
  const located_node root = locate_root(document);
  map_reader top(root);
  if (!top.valid()) return;
  // A demand for another campaign: what follows would only repeat it (dates, funds, attributes).
  if (!read_header(top)) {
    (void)top.entries();  // marks the other keys known: none of them is checked
    return;
  }
  if (auto node = top.required("donations")) read_donations(*node);
  if (auto node = top.required("donors")) read_donors(*node);
  if (auto node = top.required("amounts")) read_amounts(*node);
  if (auto node = top.optional("timing")) {
    read_timing(*node);
  } else {
    std::array<std::uint64_t, 24> flat{};
    flat.fill(1);
    default_days(flat);
  }
  if (auto node = top.optional("projects")) {
    read_projects(*node);
  } else {
    model_.popularity.kind = popularity_kind::zipf;
    model_.popularity.weights.clear();
  }
  if (auto node = top.optional("attributes")) {
    read_attribute_tables(*node, attribute_owner::donation, model_.donation_attributes);
  }
  if (auto node = top.optional("donor_attributes")) {
    read_attribute_tables(*node, attribute_owner::donor, model_.donor_attributes);
  }
  if (auto node = top.optional("refunds")) read_refunds(*node);
  top.finish();
}

bool demand_loader::read_header(map_reader& top) {
  if (auto version = top.required("matchfund_demand")) {
    auto number = read_integer(*version, std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max());
    if (number && *number != 1) {
      version->report("unsupported demand format version " + std::to_string(*number) + " (this matchfund reads 1)",
                      diagnostic_code::unsupported_version);
    }
  }
  if (auto campaign = top.required("campaign")) {
    auto id = read_id(*campaign);
    if (id && *id != rules_.campaign().id) {
      campaign->report("the demand is for campaign \"" + *id + "\", the rules are for \"" + rules_.campaign().id + "\"",
                       diagnostic_code::campaign_mismatch);
      return false;
    }
  }
  return true;
}

void demand_loader::read_donations(const located_node& node) {
  map_reader reader(node);
  if (!reader.valid()) return;
  if (auto expected = reader.required("expected")) {
    if (auto count = read_integer(*expected, 1, max_count)) model_.donations = static_cast<std::uint64_t>(*count);
  }
  if (auto volume = reader.optional("volume")) {
    if (auto law = read_law(*volume, false)) model_.volume = *law;
  }
  reader.finish();
}

void demand_loader::read_donors(const located_node& node) {
  map_reader reader(node);
  if (!reader.valid()) return;
  if (auto expected = reader.required("expected")) {
    auto count = read_integer(*expected, 1, max_count);
    if (count && model_.donations > 0 && static_cast<std::uint64_t>(*count) > model_.donations) {
      expected->report("more donors than donations (" + std::to_string(*count) + " > " +
                           std::to_string(model_.donations) + "): every donor gives at least once",
                       diagnostic_code::bad_integer);
    } else if (count) {
      model_.donors = static_cast<std::uint64_t>(*count);
    }
  }
  if (auto repeat = reader.optional("repeat")) {
    map_reader law(*repeat);
    if (law.valid()) {
      if (auto zipf = law.required("zipf")) {
        auto exponent = read_ratio(*zipf);
        if (exponent && (exponent->millionths() < 0 || exponent->millionths() > 4'000'000)) {
          zipf->report("a Zipf exponent is between 0 and 4, got " + format_ratio(*exponent), diagnostic_code::bad_law);
        } else if (exponent) {
          model_.repeat_exponent = *exponent;
        }
      }
      if (auto offset = law.optional("offset")) {
        if (auto value = read_integer(*offset, 1, max_count)) model_.repeat_offset = static_cast<std::uint64_t>(*value);
      }
      law.finish();
    }
  }
  reader.finish();
}

void demand_loader::read_amounts(const located_node& node) {
  map_reader reader(node);
  if (!reader.valid()) return;
  auto table = reader.optional("table");
  auto pareto = reader.optional("pareto");
  if (table && pareto) {
    pareto->report("give only one of table or pareto", diagnostic_code::conflicting_keys);
  } else if (table) {
    read_amount_table(*table);
  } else if (pareto) {
    read_pareto(*pareto);
  } else {
    reader.self().report("amounts need a table or a pareto law", diagnostic_code::missing_key);
  }
  model_.amount_round = money::from_minor(1);
  if (auto round = reader.optional("round")) {
    auto unit = read_money(*round, rules_.minor_digits());
    if (unit && unit->is_zero()) {
      round->report("amounts cannot be rounded to 0", diagnostic_code::bad_money);
    } else if (unit) {
      model_.amount_round = *unit;
    }
  }
  if (auto scale = reader.optional("scale")) {
    if (auto law = read_law(*scale, false)) model_.amount_scale = *law;
  }
  reader.finish();
}

void demand_loader::read_amount_table(const located_node& node) {
  auto rows = read_list(node);
  if (!rows) return;
  if (rows->empty()) node.report("the table of amounts is empty", diagnostic_code::empty_list);
  std::uint64_t total = 0;
  for (const auto& row : *rows) {
    map_reader reader(row);
    if (!reader.valid()) continue;
    auto amount_node = reader.required("amount");
    auto weight_node = reader.required("weight");
    reader.finish();
    if (!amount_node || !weight_node) continue;
    auto amount = read_money(*amount_node, rules_.minor_digits());
    auto weight = read_weight(*weight_node);
    if (amount && amount->is_zero()) amount_node->report("a gift of 0", diagnostic_code::bad_money);
    if (!amount || amount->is_zero() || !weight) continue;
    model_.amount_table.push_back({*amount, *weight});
    total += *weight;
  }
  if (!rows->empty() && total == 0 && model_.amount_table.size() == rows->size()) {
    node.report("every weight of the table is 0", diagnostic_code::bad_law);
  }
}

void demand_loader::read_pareto(const located_node& node) {
  map_reader reader(node);
  if (!reader.valid()) return;
  auto min_node = reader.required("min");
  auto max_node = reader.required("max");
  auto alpha_node = reader.required("alpha");
  reader.finish();
  if (!min_node || !max_node || !alpha_node) return;
  auto min = read_money(*min_node, rules_.minor_digits());
  auto max = read_money(*max_node, rules_.minor_digits());
  auto alpha = read_ratio(*alpha_node);
  if (!min || !max || !alpha) return;
  if (min->is_zero()) {
    min_node->report("a Pareto law's min must be more than 0", diagnostic_code::bad_law);
  } else if (*max < *min) {
    max_node->report("max is below min", diagnostic_code::bad_law);
  } else if (alpha->millionths() < 100'000 || alpha->millionths() > 10'000'000) {
    alpha_node->report("alpha is between 0.1 and 10, got " + format_ratio(*alpha), diagnostic_code::bad_law);
  } else {
    model_.amount_pareto = pareto_law{*min, *max, *alpha};
  }
}

void demand_loader::read_refunds(const located_node& node) {
  map_reader reader(node);
  if (!reader.valid()) return;
  demand_refunds refunds;
  if (auto rate = reader.required("rate")) {
    if (auto law = read_law(*rate, true)) refunds.rate = *law;
  }
  if (auto after = reader.optional("after")) {
    map_reader range(*after);
    if (range.valid()) {
      auto min_node = range.required("min");
      auto max_node = range.required("max");
      range.finish();
      auto min = min_node ? read_duration(*min_node) : std::nullopt;
      auto max = max_node ? read_duration(*max_node) : std::nullopt;
      if (min && max && *max < *min) {
        max_node->report("max is below min", diagnostic_code::bad_law);
      } else if (min && max) {
        refunds.after_min = *min;
        refunds.after_max = *max;
      }
    }
  }
  reader.finish();
  model_.refunds = refunds;
}

}  // namespace matchfund::detail::loading

namespace matchfund {

demand_model load_demand_text(std::string_view yaml_text, const std::string& file_name, const rule_set& rules) {
  detail::diagnostics_sink sink;
  sink.note_file(file_name);
  demand_model model;
  try {
    detail::yaml_document document(yaml_text, file_name, sink);
    if (document.parsed()) {
      detail::loading::demand_loader loader(rules);
      loader.load(document);
      model = std::move(loader.model());
    }
  } catch (const overflow_error& e) {
    sink.add(file_name, {}, "", e.what(), diagnostic_code::money_limit);
  }
  if (!sink.empty()) throw rules_error(sink.sorted());
  model.source_file = file_name;
  model.source_sha256 = detail::sha256_hex(yaml_text);
  return model;
}

demand_model load_demand(const std::filesystem::path& file, const rule_set& rules) {
  const std::string name = file.generic_string();
  std::string text;
  try {
    text = detail::read_text_file(file);
  } catch (const std::exception& e) {
    throw rules_error({{name, 0, 0, "", e.what(), diagnostic_code::file_unreadable}});
  }
  return load_demand_text(text, name, rules);
}

}  // namespace matchfund
