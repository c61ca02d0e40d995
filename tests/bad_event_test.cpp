#include "matchfund/bad_event.hpp"

#include <catch2/catch.hpp>

#include <cstddef>
#include <iterator>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "bad_event_text.hpp"

using matchfund::bad_event_code;
using matchfund::bad_event_reason;
using matchfund::parse_bad_event_reason;

namespace {

// SPEC §3.3 as written: "reason one of the codes `bad_field:NAME`, `missing:NAME`, ...", then
// §12's holds_not_enabled, unknown_hold and hold_resolved.
const std::vector<std::string_view> spec_reason_codes = {
    "bad_field:NAME",  "missing:NAME",   "unknown_project",   "duplicate_id",           "non_positive_amount",
    "unknown_donation", "refund_exceeds", "second_close",      "missing_attribute:NAME", "out_of_order",
    "holds_not_enabled", "unknown_hold",  "hold_resolved"};

// A code's reason as SPEC writes it in its list, NAME standing for the field.
std::string spec_form(bad_event_code code) {
  std::string text(to_string(code));
  if (matchfund::bad_event_code_takes_name(code)) text += ":NAME";
  return text;
}

}  // namespace

TEST_CASE("bad_event: the spelling table spells exactly SPEC §3.3's and §12's codes, in their order", "[bad_event]") {
  const auto& table = matchfund::bad_event_code_spellings;
  REQUIRE(std::size(table) == spec_reason_codes.size());
  for (std::size_t i = 0; i < std::size(table); ++i) {
    const auto& [name, code] = table[i];
    INFO(name);
    CHECK(spec_form(code) == spec_reason_codes[i]);
    CHECK(to_string(code) == name);
  }
  // Every enumerator has its entry, and no two share one.
  std::set<bad_event_code> codes;
  std::set<std::string_view> names;
  for (const auto& [name, code] : table) {
    codes.insert(code);
    names.insert(name);
  }
  CHECK(codes.size() == std::size(table));
  CHECK(names.size() == std::size(table));
  CHECK(static_cast<std::size_t>(bad_event_code::hold_resolved) + 1 == std::size(table));
}

TEST_CASE("bad_event: the codes that take a name are those SPEC writes with :NAME", "[bad_event]") {
  for (const auto& [name, code] : matchfund::bad_event_code_spellings) {
    INFO(name);
    const bool spec_names_a_field = spec_form(code).ends_with(":NAME");
    CHECK(matchfund::bad_event_code_takes_name(code) == spec_names_a_field);
    // Such a reason always carries its field; the others never do.
    CHECK(bad_event_reason::of(code, "amount").has_value() == spec_names_a_field);
    CHECK(bad_event_reason::of(code).has_value() == !spec_names_a_field);
    CHECK(parse_bad_event_reason(name).has_value() == !spec_names_a_field);
    if (spec_names_a_field) CHECK(bad_event_reason::of(code, "amount")->name() == "amount");
  }
}

TEST_CASE("bad_event: every code's spelling reads back as the same reason", "[bad_event]") {
  for (const auto& [name, code] : matchfund::bad_event_code_spellings) {
    INFO(name);
    CHECK(matchfund::bad_event_code_from_string(name) == code);
    const bool named = matchfund::bad_event_code_takes_name(code);
    for (const std::string field : {"amount", "attr.flowers", "donor.attr.tier", "attr.a:b"}) {
      const auto reason = named ? bad_event_reason::of(code, field) : bad_event_reason::of(code);
      REQUIRE(reason.has_value());
      const std::string text = to_string(*reason);
      CHECK(text == (named ? std::string(name) + ":" + field : std::string(name)));
      CHECK(parse_bad_event_reason(text) == reason);
    }
  }
}

TEST_CASE("bad_event: reasons spelled as rejected.csv writes them", "[bad_event]") {
  CHECK(to_string(bad_event_reason{bad_event_code::bad_field, "amount"}) == "bad_field:amount");
  CHECK(to_string(bad_event_reason{bad_event_code::missing, "ref"}) == "missing:ref");
  CHECK(to_string(bad_event_reason{bad_event_code::bad_field, "attr.tier"}) == "bad_field:attr.tier");
  CHECK(to_string(bad_event_reason{bad_event_code::missing_attribute, "donor.attr.tier"}) ==
        "missing_attribute:donor.attr.tier");
  CHECK(to_string(bad_event_reason{bad_event_code::duplicate_id}) == "duplicate_id");
  CHECK(parse_bad_event_reason("bad_field:attr.tier") == bad_event_reason{bad_event_code::bad_field, "attr.tier"});
  CHECK(parse_bad_event_reason("out_of_order") == bad_event_reason{bad_event_code::out_of_order});
  CHECK(bad_event_reason{bad_event_code::bad_field, "amount"} != bad_event_reason{bad_event_code::missing, "amount"});
  CHECK(bad_event_reason{bad_event_code::bad_field, "amount"} != bad_event_reason{bad_event_code::bad_field, "time"});
  CHECK(bad_event_reason{bad_event_code::second_close}.name().empty());
}

TEST_CASE("bad_event: malformed reasons do not parse", "[bad_event]") {
  for (const std::string_view text :
       {"", ":", "bad_field", "bad_field:", "missing", "missing_attribute:", "duplicate_id:x", "out_of_order:",
        "unknown_project:p1", "bad_fields:amount", "Bad_field:amount", "duplicate_id ", " duplicate_id", "duplicate-id",
        "nonsense", ":amount", "refund_exceeds:1"}) {
    INFO('"' << text << '"');
    CHECK_FALSE(parse_bad_event_reason(text).has_value());
  }
  CHECK_FALSE(matchfund::bad_event_code_from_string("bad_field:amount").has_value());
  CHECK_FALSE(matchfund::bad_event_code_from_string("").has_value());
}

TEST_CASE("bad_event: a reason without a name allocates nothing and is cheap to keep", "[bad_event]") {
  // The engine returns one in every result, empty for a good event.
  static_assert(std::is_nothrow_constructible_v<bad_event_reason, matchfund::nameless_bad_event_code>);
  static_assert(std::is_nothrow_move_constructible_v<bad_event_reason>);
  static_assert(sizeof(std::optional<bad_event_reason>) <= sizeof(std::string) + 16);
  SUCCEED();
}
