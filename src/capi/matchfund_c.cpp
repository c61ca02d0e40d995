// The C API (include/matchfund/matchfund.h) over the C++ engine: every call catches what the
// engine may throw and turns it into an mf_status and a message; texts handed out live in the
// handles' buffers, NUL-terminated.
#include "capi/handles.hpp"

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <new>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "matchfund/engine.hpp"
#include "matchfund/load_rules.hpp"
#include "matchfund/read_events.hpp"
#include "matchfund/version.hpp"

namespace {

using matchfund::capi::guarded;

void copy_message(char* out, std::size_t size, const std::string& text) {
  const std::size_t n = std::min(text.size(), size - 1);
  std::memcpy(out, text.data(), n);
  out[n] = '\0';
}

void fill(mf_error* error, mf_status code, const std::string& message) {
  if (error == nullptr) return;
  error->code = code;
  copy_message(error->message, sizeof error->message, message);
}

// The event as field texts, checked as an event file's fields are.
std::vector<std::pair<std::string, std::string>> fields_of(const mf_event& e) {
  std::vector<std::pair<std::string, std::string>> fields;
  const std::pair<const char*, const char*> named[] = {
      {"kind", e.kind},   {"id", e.id},     {"time", e.time},   {"donor", e.donor},
      {"project", e.project}, {"amount", e.amount}, {"ref", e.ref}, {"scope", e.scope},
      {"disposition", e.disposition}, {"channel", e.channel}};
  for (const auto& [name, text] : named) {
    if (text != nullptr) fields.emplace_back(name, text);
  }
  for (std::size_t k = 0; k < e.attribute_count; ++k) {
    const mf_attribute& a = e.attributes[k];
    if (a.name == nullptr) throw std::invalid_argument("an attribute without a name");
    fields.emplace_back(std::string("attr.") + a.name, a.value == nullptr ? "" : a.value);
  }
  return fields;
}

void clear(mf_decision& decision) {
  decision.rejected = 0;
  decision.reason[0] = '\0';
  decision.rules = nullptr;
  decision.rule_count = 0;
  decision.matched = 0;
}

void reject(mf_decision& decision, const matchfund::bad_event_reason& reason) {
  decision.rejected = 1;
  copy_message(decision.reason, sizeof decision.reason, to_string(reason));
}

void decide(mf_engine& engine, const matchfund::engine::event_result& result, mf_decision& decision) {
  if (result.rejected) return reject(decision, *result.rejected);
  engine.outcomes.clear();
  engine.limits.assign(result.evaluations.size(), std::string());
  for (std::size_t k = 0; k < result.evaluations.size(); ++k) {
    const matchfund::rule_evaluation& evaluation = result.evaluations[k];
    engine.limits[k] = std::string(evaluation.limit);
    engine.outcomes.push_back({engine.rules.rule(evaluation.rule).id.c_str(), to_string(evaluation.code).data(),
                               engine.limits[k].c_str(), evaluation.want.minor_units(), evaluation.paid.minor_units()});
    decision.matched += evaluation.paid.minor_units();
  }
  decision.rules = engine.outcomes.data();
  decision.rule_count = engine.outcomes.size();
}

// process or quote: the event read from its fields (a bad field is a rejection), then the call.
template <class Call>
mf_status run_event(mf_engine* engine, const mf_event* event, mf_decision* decision, Call call) {
  if (engine == nullptr || event == nullptr || decision == nullptr) return MF_ERROR_ARGUMENT;
  clear(*decision);
  std::optional<std::invalid_argument> bad_argument;
  const mf_status status = guarded(engine->error, [&] {
    std::vector<std::pair<std::string, std::string>> fields;
    try {
      fields = fields_of(*event);
      auto read = matchfund::event_from_fields(engine->rules, fields);
      if (const auto* bad = std::get_if<matchfund::bad_event_reason>(&read)) return reject(*decision, *bad);
      decide(*engine, call(engine->matcher, std::get<matchfund::event>(read)), *decision);
    } catch (const std::invalid_argument& e) {
      bad_argument = e;
    }
  });
  if (bad_argument) {
    engine->error = bad_argument->what();
    return MF_ERROR_ARGUMENT;
  }
  return status;
}

}  // namespace

extern "C" {

const char* mf_version(void) { return matchfund::version_string; }

mf_rules* mf_rules_load(const char* path, mf_error* error) {
  if (path == nullptr) {
    fill(error, MF_ERROR_ARGUMENT, "mf_rules_load: no path");
    return nullptr;
  }
  std::string message;
  std::string diagnostics;  // every problem of a bad file, one a line
  mf_rules* loaded = nullptr;
  mf_status status = guarded(message, [&] {
    auto result = matchfund::try_load_rules(path);
    if (!result) {
      for (const auto& d : result.diagnostics) diagnostics += d.to_string() + "\n";
      return;
    }
    loaded = new mf_rules{std::move(*result.rules)};
  });
  if (status == MF_OK && loaded == nullptr) {
    status = MF_ERROR_RULES;
    message = diagnostics;
  }
  if (status != MF_OK) fill(error, status, message);
  if (status == MF_OK && error != nullptr) fill(error, MF_OK, "");
  return loaded;
}

void mf_rules_free(mf_rules* rules) { delete rules; }
int mf_rules_minor_digits(const mf_rules* rules) { return rules == nullptr ? 0 : rules->rules.minor_digits(); }
const char* mf_rules_sha256(const mf_rules* rules) { return rules == nullptr ? "" : rules->rules.source_sha256().c_str(); }

mf_engine* mf_engine_new(const mf_rules* rules, mf_error* error) {
  if (rules == nullptr) {
    fill(error, MF_ERROR_ARGUMENT, "mf_engine_new: no rules");
    return nullptr;
  }
  std::string message;
  mf_engine* made = nullptr;
  const mf_status status = guarded(message, [&] { made = new mf_engine(rules->rules); });
  fill(error, status, message);
  return made;
}

void mf_engine_free(mf_engine* engine) { delete engine; }
const char* mf_engine_error(const mf_engine* engine) { return engine == nullptr ? "" : engine->error.c_str(); }

mf_status mf_engine_process(mf_engine* engine, const mf_event* event, mf_decision* decision) {
  return run_event(engine, event, decision, [](matchfund::engine& m, const matchfund::event& e) { return m.process(e); });
}

mf_status mf_engine_quote(mf_engine* engine, const mf_event* event, mf_decision* decision) {
  if (engine != nullptr && event != nullptr && event->kind != nullptr && *event->kind != '\0' &&
      std::strcmp(event->kind, "donation") != 0 && std::strcmp(event->kind, "hold") != 0) {
    engine->error = std::string("mf_engine_quote: a quote is of a donation, not a ") + event->kind;
    return MF_ERROR_ARGUMENT;
  }
  return run_event(engine, event, decision, [](matchfund::engine& m, const matchfund::event& e) { return m.quote(e); });
}

mf_status mf_engine_finish(mf_engine* engine) {
  if (engine == nullptr) return MF_ERROR_ARGUMENT;
  return guarded(engine->error, [&] { engine->matcher.finish(); });
}

}  // extern "C"
