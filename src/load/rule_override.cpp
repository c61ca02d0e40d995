// What-if overrides of a loaded rule set (include/matchfund/rule_override.hpp, docs/overrides.md).
// A key is resolved to one setting of one fund, rule, cap or close-out step (or the campaign), its
// value is read as the rules file would read it, and the edit is checked against what the loader
// guarantees the engine (releases within the budget, a random ratio's step dividing its range)
// before a rule set is built from the edited copy. Every value is handled as an integer of its
// unit (minor units, millionths, a count) so that sweeps step through values exactly.
#include "matchfund/rule_override.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <type_traits>
#include <utility>
#include <variant>

#include "matchfund/detail/decimal_text.hpp"
#include "matchfund/detail/int128.hpp"
#include "matchfund/error.hpp"
#include "support/sha256.hpp"

namespace matchfund {

namespace {

using detail::int128;

// What is wrong with an override or sweep, without the argument: the public functions put the
// argument in front, so that the message names what the user wrote.
class override_problem : public error {
 public:
  using error::error;
};

[[noreturn]] void refuse(const std::string& what) { throw override_problem(what); }

// ---------------------------------------------------------------------------------------------
// Keys

enum class setting : std::uint8_t {
  fund_budget,
  fund_release,
  rule_ratio,
  rule_ratio_min,
  rule_ratio_max,
  rule_probability,
  rule_amount,
  rule_min_donation,
  rule_matchable_max,
  cap_max,
  closeout_budget,
  campaign_seed,
};

// The keys written PREFIX ID SUFFIX; the id is whatever lies between, so ids with dots or
// brackets (rules[0].caps[1]) need no quoting. No suffix of one form ends another form of the
// same prefix, so at most one form matches a key.
struct key_form {
  setting which;
  std::string_view prefix;
  std::string_view suffix;
};

constexpr key_form key_forms[] = {
    {setting::fund_budget, "funds.", ".budget"},
    {setting::rule_ratio, "rules.", ".ratio"},
    {setting::rule_ratio_min, "rules.", ".ratio.min"},
    {setting::rule_ratio_max, "rules.", ".ratio.max"},
    {setting::rule_probability, "rules.", ".probability"},
    {setting::rule_amount, "rules.", ".amount"},
    {setting::rule_min_donation, "rules.", ".min_donation"},
    {setting::rule_matchable_max, "rules.", ".matchable_max"},
    {setting::cap_max, "caps.", ".max"},
    {setting::closeout_budget, "closeout.", ".budget"},
};

struct parsed_key {
  setting which = setting::campaign_seed;
  std::string id;
  std::size_t release = 0;  // funds.ID.releases[K].amount: K
};

// K of releases[K]: digits without a leading zero (as integers are written in rules files).
std::optional<std::size_t> release_position(std::string_view digits) {
  if (digits.empty() || digits.size() > 9 || !detail::all_digits(digits)) return std::nullopt;
  if (digits.size() > 1 && digits.front() == '0') return std::nullopt;
  std::size_t value = 0;
  for (char digit : digits) value = value * 10 + static_cast<std::size_t>(digit - '0');
  return value;
}

std::optional<parsed_key> read_key(std::string_view key) {
  if (key == "campaign.seed") return parsed_key{setting::campaign_seed, "", 0};
  constexpr std::string_view funds = "funds.";
  constexpr std::string_view releases = ".releases[";
  constexpr std::string_view amount = "].amount";
  if (key.size() >= funds.size() + releases.size() + amount.size() && key.starts_with(funds) &&
      key.ends_with(amount)) {
    const std::string_view inner = key.substr(funds.size(), key.size() - funds.size() - amount.size());
    // The last ".releases[": an id may itself contain the text, the position never does.
    if (const auto at = inner.rfind(releases); at != std::string_view::npos) {
      if (auto k = release_position(inner.substr(at + releases.size()))) {
        return parsed_key{setting::fund_release, std::string(inner.substr(0, at)), *k};
      }
    }
  }
  for (const key_form& form : key_forms) {
    if (key.size() >= form.prefix.size() + form.suffix.size() && key.starts_with(form.prefix) &&
        key.ends_with(form.suffix)) {
      const auto id_size = key.size() - form.prefix.size() - form.suffix.size();
      return parsed_key{form.which, std::string(key.substr(form.prefix.size(), id_size)), 0};
    }
  }
  return std::nullopt;
}

parsed_key read_key_or_refuse(std::string_view key) {
  if (auto parsed = read_key(key)) return *parsed;
  std::string forms;
  for (std::string_view form : override_key_forms) forms += (forms.empty() ? "" : ", ") + std::string(form);
  refuse("unknown setting (expected one of " + forms + ")");
}

// ---------------------------------------------------------------------------------------------
// Values: each kind read as the rules file reads it, into an integer of its unit.

enum class value_kind : std::uint8_t {
  money,        // minor units
  ratio,        // millionths
  probability,  // millionths
  count,        // a count cap's max
  seed,         // any int64
};

// As the loader reads integers: -?[0-9]+ without leading zeros, within [min, max].
std::int64_t read_integer_text(std::string_view text, std::int64_t min, std::int64_t max) {
  const auto parts = detail::split_decimal(text);
  const bool leading_zero = parts && parts->integer_digits.size() > 1 && parts->integer_digits[0] == '0';
  if (!parts || !parts->fraction_digits.empty() || leading_zero) {
    refuse("expected an integer, got \"" + std::string(text) + "\"");
  }
  int128 value = 0;
  if (detail::scale_decimal(*parts, 0, int128{1} << 63, value) != detail::scale_status::ok || value < min ||
      value > max) {
    refuse("integer " + std::string(text) + " is out of range (" + std::to_string(min) + " to " +
           std::to_string(max) + ")");
  }
  return static_cast<std::int64_t>(value);
}

template <class T>
const T& parsed_or_refuse(const parse_result<T>& parsed) {
  if (!parsed) refuse(parsed.error());
  return *parsed;
}

std::int64_t read_value(value_kind kind, std::string_view text, minor_digits_t digits) {
  switch (kind) {
    case value_kind::money: {
      const money amount = parsed_or_refuse(parse_money(text, digits));
      if (amount.is_negative()) refuse("amount " + format_money(amount, digits) + " must not be negative");
      return amount.minor_units();
    }
    case value_kind::ratio: return parsed_or_refuse(parse_ratio(text)).millionths();
    case value_kind::probability: return parsed_or_refuse(parse_probability(text)).millionths();
    case value_kind::count: return read_integer_text(text, 0, money_limit_minor);
    case value_kind::seed:
      return read_integer_text(text, std::numeric_limits<std::int64_t>::min(),
                               std::numeric_limits<std::int64_t>::max());
  }
  refuse("unknown kind of value");
}

// Canonical text, read back by read_value as the same integer.
std::string format_value(value_kind kind, std::int64_t value, minor_digits_t digits) {
  switch (kind) {
    case value_kind::money: return format_money(money::from_minor(value), digits);
    case value_kind::ratio: return format_ratio(ratio::from_millionths(value));
    case value_kind::probability: return format_probability(probability::from_millionths(value));
    case value_kind::count:
    case value_kind::seed: return std::to_string(value);
  }
  return std::to_string(value);
}

// ---------------------------------------------------------------------------------------------
// Resolving a key: which fund, rule, cap or step it sets, and whether that has the setting.

struct target {
  setting which = setting::campaign_seed;
  std::size_t index = 0;    // the fund, rule, cap or close-out step, by position in the parts
  std::size_t release = 0;  // fund_release: the release's position
  value_kind kind = value_kind::money;
  std::string id;
};

// "(the funds are a, b, c)", for a message about an id that names none of them.
template <class Spec>
std::string known_ids(const std::vector<Spec>& specs, std::string_view singular, std::string_view plural) {
  if (specs.empty()) return "(the rule set has no " + std::string(plural) + ")";
  if (specs.size() == 1) return "(the only " + std::string(singular) + " is " + specs.front().id + ")";
  constexpr std::size_t shown = 20;  // a campaign may have thousands of caps
  std::string list = "(the " + std::string(plural) + " are ";
  for (std::size_t i = 0; i < specs.size() && i < shown; ++i) list += (i == 0 ? "" : ", ") + specs[i].id;
  if (specs.size() > shown) list += ", and " + std::to_string(specs.size() - shown) + " more";
  return list + ")";
}

template <class Spec>
std::size_t find_or_refuse(const std::vector<Spec>& specs, const std::string& id, std::string_view singular,
                           std::string_view plural) {
  for (std::size_t i = 0; i < specs.size(); ++i) {
    if (specs[i].id == id) return i;
  }
  refuse("no " + std::string(singular) + " \"" + id + "\" " + known_ids(specs, singular, plural));
}

// Why a rule's formula lacks the setting asked for, and the setting it has instead.
std::string formula_mismatch(const rule_spec& rule, const std::vector<rule_spec>& rules) {
  const std::string key = "rules." + rule.id;
  if (std::holds_alternative<fixed_ratio_formula>(rule.match)) {
    return "the rule's ratio is fixed (set " + key + ".ratio)";
  }
  if (std::holds_alternative<random_ratio_formula>(rule.match)) {
    return "the rule's ratio is random (set " + key + ".ratio.min or .max)";
  }
  if (std::holds_alternative<tiered_ratio_formula>(rule.match)) {
    return "the rule's ratio is tiered (tiers cannot be overridden)";
  }
  if (std::holds_alternative<fixed_amount_formula>(rule.match)) {
    return "the rule matches a fixed amount (set " + key + ".amount)";
  }
  if (std::holds_alternative<random_amount_formula>(rule.match)) {
    return "the rule matches a random amount (its range cannot be overridden)";
  }
  if (std::holds_alternative<stepped_ratio_formula>(rule.match)) {
    return "the rule's ratio has steps (steps cannot be overridden)";
  }
  if (const auto* recorded = std::get_if<recorded_ratio_formula>(&rule.match)) {
    return "the rule's ratio is read from " + recorded->field.name + " (ratio_from cannot be overridden)";
  }
  if (const auto* recorded = std::get_if<recorded_amount_formula>(&rule.match)) {
    return "the rule's amount is read from " + recorded->field.name + " (amount_from cannot be overridden)";
  }
  const auto& bonus = std::get<bonus_formula>(rule.match);
  return "the rule is a bonus on what rule " + rules.at(position(bonus.rule)).id +
         " matched (ratio_of cannot be overridden)";
}

void resolve_rule(const rule_set_parts& parts, target& t) {
  t.index = find_or_refuse(parts.rules, t.id, "rule", "rules");
  const rule_spec& rule = parts.rules[t.index];
  const auto require = [&](bool has_it) {
    if (!has_it) refuse(formula_mismatch(rule, parts.rules));
  };
  t.kind = value_kind::money;
  switch (t.which) {
    case setting::rule_ratio:
      require(std::holds_alternative<fixed_ratio_formula>(rule.match));
      t.kind = value_kind::ratio;
      break;
    case setting::rule_ratio_min:
    case setting::rule_ratio_max:
      require(std::holds_alternative<random_ratio_formula>(rule.match));
      t.kind = value_kind::ratio;
      break;
    case setting::rule_amount: require(std::holds_alternative<fixed_amount_formula>(rule.match)); break;
    case setting::rule_probability:
      // A draw without a seed could not be replayed: the loader refuses it too.
      if (!parts.campaign.seed) refuse("probability needs campaign.seed (set campaign.seed before it)");
      t.kind = value_kind::probability;
      break;
    default: break;  // min_donation, matchable_max: any rule, money
  }
}

target resolve(const rule_set_parts& parts, const parsed_key& key) {
  target t{key.which, 0, key.release, value_kind::money, key.id};
  switch (key.which) {
    case setting::fund_budget: t.index = find_or_refuse(parts.funds, key.id, "fund", "funds"); break;
    case setting::fund_release: {
      t.index = find_or_refuse(parts.funds, key.id, "fund", "funds");
      const auto count = parts.funds[t.index].releases.size();
      if (key.release >= count) {
        const std::string which = count == 1 ? " release (releases[0])"
                                             : " releases (releases[0] to releases[" + std::to_string(count - 1) + "])";
        refuse("no release " + std::to_string(key.release) + ": the fund has " + std::to_string(count) + which);
      }
      break;
    }
    case setting::cap_max: {
      t.index = find_or_refuse(parts.caps, key.id, "cap", "caps");
      const cap_spec& cap = parts.caps[t.index];
      if (!cap.max) refuse("the cap reads its max from " + cap.max_from->name + " (max_from cannot be overridden)");
      t.kind = cap.measure == cap_measure::count ? value_kind::count : value_kind::money;
      break;
    }
    case setting::closeout_budget:
      t.index = find_or_refuse(parts.closeout, key.id, "close-out step", "close-out steps");
      if (!parts.closeout[t.index].budget) {
        refuse("the step has no budget (only a step given one in the rules file can have it overridden)");
      }
      break;
    case setting::campaign_seed: t.kind = value_kind::seed; break;
    default: resolve_rule(parts, t); break;
  }
  return t;
}

// ---------------------------------------------------------------------------------------------
// Edits, each on one fund, rule, cap, step or the campaign: a sweep checks its points on copies
// of that one part rather than of the whole rule set.

int128 release_sum(const fund_spec& fund) {
  int128 sum = 0;
  for (const release_spec& release : fund.releases) sum += release.amount.minor_units();
  return sum;
}

// The releases scaled by new_budget / old_budget with the largest-remainder method: each gets
// the floor of its exact share, then the minor units still missing to floor(sum x new / old)
// go one each to the largest remainders (ties: the earlier release). A release of 0 stays 0.
void scale_releases(std::vector<release_spec>& releases, std::int64_t old_budget, std::int64_t new_budget) {
  const std::size_t n = releases.size();
  std::vector<std::int64_t> amounts(n);
  std::vector<int128> remainders(n);
  int128 sum = 0;
  int128 floors = 0;
  for (std::size_t i = 0; i < n; ++i) {
    // Both factors are at most 10^15: the product fits 128 bits with room to spare.
    const int128 product = int128{releases[i].amount.minor_units()} * new_budget;
    amounts[i] = static_cast<std::int64_t>(product / old_budget);
    remainders[i] = product % old_budget;
    sum += releases[i].amount.minor_units();
    floors += amounts[i];
  }
  // Fewer than n units are missing: the floors lose less than one unit each.
  auto missing = static_cast<std::size_t>(sum * new_budget / old_budget - floors);
  std::vector<std::size_t> order(n);
  for (std::size_t i = 0; i < n; ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return remainders[a] > remainders[b]; });
  for (std::size_t k = 0; k < missing && k < n; ++k) ++amounts[order[k]];
  for (std::size_t i = 0; i < n; ++i) releases[i].amount = money::from_minor(amounts[i]);
}

void set_budget(fund_spec& fund, money budget) {
  if (budget == fund.budget) return;
  if (fund.budget.is_zero()) {
    refuse("the fund's budget is 0, so its releases cannot be scaled (set funds." + fund.id +
           ".releases[K].amount: the budget follows)");
  }
  scale_releases(fund.releases, fund.budget.minor_units(), budget.minor_units());
  fund.budget = budget;
}

// The budget follows the releases when they summed to it; otherwise they must stay within it.
void set_release(fund_spec& fund, std::size_t k, money amount, minor_digits_t digits) {
  const int128 old_sum = release_sum(fund);
  const int128 new_sum = old_sum - fund.releases[k].amount.minor_units() + amount.minor_units();
  if (new_sum > money_limit_minor) refuse("the releases would sum to more than the money limit of 10^15 minor units");
  const money total = money::from_minor(static_cast<std::int64_t>(new_sum));
  if (old_sum == fund.budget.minor_units()) {
    fund.budget = total;
  } else if (total > fund.budget) {
    refuse("the releases would sum to " + format_money(total, digits) + ", more than the budget " +
           format_money(fund.budget, digits));
  }
  fund.releases[k].amount = amount;
}

// A random ratio draws one of min, min + step, ..., max: the step must still divide the range.
void set_random_bound(random_ratio_formula& f, bool set_min, ratio value) {
  const ratio min = set_min ? value : f.min;
  const ratio max = set_min ? f.max : value;
  if (max < min) {
    refuse(set_min ? "ratio.min " + format_ratio(min) + " is above ratio.max " + format_ratio(max)
                   : "ratio.max " + format_ratio(max) + " is below ratio.min " + format_ratio(min));
  }
  const std::int64_t span = max.millionths() - min.millionths();
  if (span % f.step.millionths() != 0) {
    refuse("the step " + format_ratio(f.step) + " does not divide ratio.max - ratio.min = " +
           format_ratio(ratio::from_millionths(span)));
  }
  f.min = min;
  f.max = max;
  f.choices = static_cast<std::uint64_t>(span / f.step.millionths()) + 1;
}

void edit_rule(rule_spec& rule, const target& t, std::int64_t value) {
  switch (t.which) {
    case setting::rule_ratio: std::get<fixed_ratio_formula>(rule.match).value = ratio::from_millionths(value); break;
    case setting::rule_ratio_min:
    case setting::rule_ratio_max:
      set_random_bound(std::get<random_ratio_formula>(rule.match), t.which == setting::rule_ratio_min,
                       ratio::from_millionths(value));
      break;
    case setting::rule_probability: rule.chance = probability::from_millionths(value); break;
    case setting::rule_amount: std::get<fixed_amount_formula>(rule.match).value = money::from_minor(value); break;
    case setting::rule_min_donation: rule.min_donation = money::from_minor(value); break;
    case setting::rule_matchable_max: rule.matchable_max = money::from_minor(value); break;
    default: break;
  }
}

void edit_fund(fund_spec& fund, const target& t, std::int64_t value, minor_digits_t digits) {
  if (t.which == setting::fund_budget) {
    set_budget(fund, money::from_minor(value));
  } else {
    set_release(fund, t.release, money::from_minor(value), digits);
  }
}

// Parts is rule_set_parts, edited in place, or const rule_set_parts: then a copy of the one part
// the setting belongs to is edited, which checks the value without copying the rule set.
template <class Parts>
void edit(Parts& parts, const target& t, std::int64_t value) {
  const auto on = [](auto& part, auto&& change) {
    if constexpr (std::is_const_v<std::remove_reference_t<decltype(part)>>) {
      auto copy = part;
      change(copy);
    } else {
      change(part);
    }
  };
  const minor_digits_t digits = parts.campaign.minor_digits;
  switch (t.which) {
    case setting::fund_budget:
    case setting::fund_release:
      on(parts.funds[t.index], [&](fund_spec& fund) { edit_fund(fund, t, value, digits); });
      break;
    case setting::cap_max: on(parts.caps[t.index], [&](cap_spec& cap) { cap.max = value; }); break;
    case setting::closeout_budget:
      on(parts.closeout[t.index], [&](closeout_spec& step) { step.budget = money::from_minor(value); });
      break;
    case setting::campaign_seed: on(parts.campaign, [&](campaign_spec& campaign) { campaign.seed = value; }); break;
    default: on(parts.rules[t.index], [&](rule_spec& rule) { edit_rule(rule, t, value); }); break;
  }
}

// Applies one override (Parts as for edit); returns it in canonical text ("key=value").
template <class Parts>
std::string apply_one(Parts& parts, const rule_override& o) {
  const target t = resolve(parts, read_key_or_refuse(o.key));
  const minor_digits_t digits = parts.campaign.minor_digits;
  const std::int64_t value = read_value(t.kind, o.value, digits);
  edit(parts, t, value);
  return o.key + "=" + format_value(t.kind, value, digits);
}

// Runs `body`, turning what it refuses into matchfund::error "ARGUMENT: what is wrong".
template <class Body>
auto naming(const std::string& argument, Body&& body) {
  try {
    return body();
  } catch (const override_problem& problem) {
    throw error(argument + ": " + problem.what());
  } catch (const overflow_error& overflow) {
    throw error(argument + ": " + overflow.what());
  }
}

}  // namespace

parse_result<rule_override> parse_override(std::string_view key_equals_value) {
  const std::string argument(key_equals_value);
  const auto equals = key_equals_value.rfind('=');
  if (equals == std::string_view::npos || equals == 0) return parse_failure{argument + ": expected KEY=VALUE"};
  rule_override result{std::string(key_equals_value.substr(0, equals)),
                       std::string(key_equals_value.substr(equals + 1))};
  try {
    read_key_or_refuse(result.key);
  } catch (const override_problem& problem) {
    return parse_failure{argument + ": " + problem.what()};
  }
  return result;
}

rule_set apply_overrides(const rule_set& rules, std::span<const rule_override> overrides) {
  if (overrides.empty()) return rules;
  rule_set_parts parts = rules.parts();
  std::string applied;  // the canonical overrides, for the digest
  for (const rule_override& o : overrides) {
    applied += "\n" + naming(o.key + "=" + o.value, [&] { return apply_one(parts, o); });
  }
  if (!parts.source_sha256.empty()) parts.source_sha256 = detail::sha256_hex(parts.source_sha256 + applied);
  return rule_set(std::move(parts));
}

// ---------------------------------------------------------------------------------------------
// Sweeps

namespace {

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> pieces;
  for (std::size_t start = 0;;) {
    const auto end = text.find(separator, start);
    pieces.push_back(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) return pieces;
    start = end + 1;
  }
}

std::string too_many_points(int128 count) {
  std::string digits;
  for (; count > 0; count /= 10) digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(count % 10)));
  return "the sweep has " + digits + " points, more than the " + std::to_string(max_sweep_points) + " allowed";
}

// FROM:TO:STEP as FROM, FROM + STEP, ..., TO, in the unit of the key's values.
std::vector<std::int64_t> range_points(std::string_view text, value_kind kind, minor_digits_t digits) {
  const auto bounds = split(text, ':');
  if (bounds.size() != 3) refuse("expected FROM:TO:STEP, got \"" + std::string(text) + "\"");
  const std::int64_t from = read_value(kind, bounds[0], digits);
  const std::int64_t to = read_value(kind, bounds[1], digits);
  const std::int64_t step = read_value(kind, bounds[2], digits);
  const auto show = [&](std::int64_t value) { return format_value(kind, value, digits); };
  if (from > to) refuse("FROM " + show(from) + " is above TO " + show(to));
  if (step <= 0) refuse("STEP must be more than 0");
  // Seeds span the whole int64 range: the distance needs 65 bits.
  const int128 span = int128{to} - from;
  if (span % step != 0) {
    refuse("TO " + show(to) + " is not FROM " + show(from) + " plus a whole number of steps of " + show(step));
  }
  const int128 count = span / step + 1;
  if (count > static_cast<int128>(max_sweep_points)) refuse(too_many_points(count));
  std::vector<std::int64_t> points;
  for (int128 i = 0; i < count; ++i) points.push_back(static_cast<std::int64_t>(from + i * step));
  return points;
}

// V1,V2,... in the order given; the same value twice (also as different text) would run twice.
std::vector<std::int64_t> list_points(std::string_view text, value_kind kind, minor_digits_t digits) {
  const auto items = split(text, ',');
  if (items.size() > max_sweep_points) refuse(too_many_points(static_cast<int128>(items.size())));
  std::vector<std::int64_t> points;
  for (std::string_view item : items) {
    if (item.empty()) refuse("empty value in the list");
    const std::int64_t value = read_value(kind, item, digits);
    if (std::find(points.begin(), points.end(), value) != points.end()) {
      refuse("the value " + format_value(kind, value, digits) + " is listed twice");
    }
    points.push_back(value);
  }
  return points;
}

sweep read_sweep(std::string_view text, const rule_set_parts& parts) {
  const auto equals = text.rfind('=');
  if (equals == std::string_view::npos || equals == 0) refuse("expected KEY=FROM:TO:STEP or KEY=V1,V2,...");
  sweep result{std::string(text.substr(0, equals)), {}};
  const std::string_view values = text.substr(equals + 1);
  const target t = resolve(parts, read_key_or_refuse(result.key));
  if (values.empty()) refuse("no values (expected KEY=FROM:TO:STEP or KEY=V1,V2,...)");
  const minor_digits_t digits = parts.campaign.minor_digits;
  const bool range = values.find(':') != std::string_view::npos;
  for (std::int64_t point : range ? range_points(values, t.kind, digits) : list_points(values, t.kind, digits)) {
    result.values.push_back(format_value(t.kind, point, digits));
  }
  // Each point as the simulation will apply it, from its canonical text: a bad point is found
  // now, not after the points before it have run.
  for (const std::string& value : result.values) {
    const rule_override point{result.key, value};
    try {
      apply_one(parts, point);
    } catch (const error& problem) {
      refuse("point " + point.key + "=" + point.value + ": " + problem.what());
    }
  }
  return result;
}

}  // namespace

sweep parse_sweep(std::string_view text, const rule_set& rules) {
  return naming(std::string(text), [&] { return read_sweep(text, rules.parts()); });
}

}  // namespace matchfund
