#include "cli/quote.hpp"

#include <fmt/format.h>

#include <stdexcept>
#include <utility>
#include <variant>

#include "cli/explain.hpp"
#include "matchfund/engine.hpp"
#include "matchfund/read_events.hpp"
#include "matchfund/replay.hpp"

namespace matchfund::cli {

namespace {

// "id=q1,time=...,attr.tier=gold" as field texts, kind donation. A value may not hold a comma.
std::vector<std::pair<std::string, std::string>> donation_fields(const std::string& text) {
  std::vector<std::pair<std::string, std::string>> fields{{"kind", "donation"}};
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    const std::string pair = text.substr(start, comma - start);
    const std::size_t equals = pair.find('=');
    if (equals == std::string::npos || equals == 0) {
      throw error("--donation: expected NAME=VALUE pairs separated by commas, got \"" + pair + "\"");
    }
    const std::string name = pair.substr(0, equals);
    if (name == "kind") throw error("--donation: a quote is of a donation; leave out kind");
    fields.emplace_back(name, pair.substr(equals + 1));
    start = comma + 1;
  }
  return fields;
}

}  // namespace

std::string quote_donation(const rule_set& rules, const std::vector<std::filesystem::path>& event_files,
                           const std::string& donation) {
  const auto fields = donation_fields(donation);
  std::variant<event, bad_event_reason> read;
  try {
    read = event_from_fields(rules, fields);
  } catch (const std::invalid_argument& e) {
    throw error(std::string("--donation: ") + e.what() +
                " (the names are id, time, donor, project, amount, channel and attr.NAME)");
  }
  if (const auto* bad = std::get_if<bad_event_reason>(&read)) return "not quoted: " + to_string(*bad) + "\n";
  const event& e = std::get<event>(read);

  std::uint64_t refused = 0;
  const auto events = load_events(rules, event_files, [&](rejected_event&&) { ++refused; });
  engine matcher(rules);
  for (const auto& past : events) {
    if (matcher.process(past).rejected) ++refused;
  }
  matcher.explain(true);
  const auto result = matcher.quote(e);

  const auto amount = [&](money value) { return format_money(value, rules.minor_digits()); };
  std::string text = fmt::format("quote {} at {}: donor {}, project {}, amount {} (after {} events, {} refused)\n", e.id,
                                 format_rfc3339(e.time, rules.campaign().timezone), e.donor,
                                 rules.project(*e.project).id, amount(*e.amount), events.size(), refused);
  if (result.rejected) return text + "  not quoted: " + to_string(*result.rejected) + "\n";
  text += describe_evaluations(rules, result.evaluations, "would pay", "would draw");
  money total;
  for (const auto& evaluation : result.evaluations) total += evaluation.paid;
  return text + "  would be matched " + amount(total) + " in all\n";
}

}  // namespace matchfund::cli
