// The C API's readers (ledger lines, fund, project and hold totals) and snapshots.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "capi/handles.hpp"

namespace {

using matchfund::capi::guarded;

const char* kept(std::string& slot, std::string_view text) {
  slot.assign(text);
  return slot.c_str();
}

}  // namespace

extern "C" {

size_t mf_engine_ledger_count(const mf_engine* engine) { return engine == nullptr ? 0 : engine->matcher.ledger().size(); }

mf_status mf_engine_ledger_line(mf_engine* engine, size_t index, mf_ledger_line* line) {
  if (engine == nullptr || line == nullptr) return MF_ERROR_ARGUMENT;
  const auto lines = engine->matcher.ledger();
  if (index >= lines.size()) {
    engine->error = "mf_engine_ledger_line: line " + std::to_string(index) + " of " + std::to_string(lines.size());
    return MF_ERROR_ARGUMENT;
  }
  const matchfund::ledger_line& l = lines[index];
  const matchfund::rule_set& rules = engine->rules;
  std::string* texts = engine->line_texts;
  line->seq = l.seq;
  line->time_ms = l.time.epoch_ms();
  line->kind = to_string(l.kind).data();
  line->event_id = kept(texts[0], l.event_id);
  line->donation_id = kept(texts[1], l.donation_id);
  line->donor = kept(texts[2], l.donor);
  line->project = l.project ? rules.project(*l.project).id.c_str() : "";
  line->rule = l.step ? rules.closeout()[position(*l.step)].id.c_str() : l.rule ? rules.rule(*l.rule).id.c_str() : "";
  line->fund = l.fund ? rules.fund(*l.fund).id.c_str() : "";
  line->amount = l.amount.minor_units();
  line->limited_by = kept(texts[3], l.limited_by);
  line->disposition = l.disposition ? to_string(*l.disposition).data() : "";
  return MF_OK;
}

void mf_engine_discard_ledger(mf_engine* engine) {
  if (engine != nullptr) engine->matcher.discard_ledger();
}

mf_status mf_engine_fund(mf_engine* engine, const char* fund_id, mf_fund_totals* totals) {
  if (engine == nullptr || fund_id == nullptr || totals == nullptr) return MF_ERROR_ARGUMENT;
  const auto fund = engine->rules.find_fund(fund_id);
  if (!fund) {
    engine->error = std::string("no fund \"") + fund_id + "\" in the rules";
    return MF_ERROR_ARGUMENT;
  }
  const matchfund::fund_totals& t = engine->matcher.fund(*fund);
  *totals = {engine->rules.fund(*fund).budget.minor_units(),
             t.released.minor_units(),
             t.drawn.minor_units(),
             t.returned.minor_units(),
             t.forfeited.minor_units(),
             t.expired.minor_units(),
             t.closeout.minor_units(),
             t.unallocated.minor_units(),
             t.held.minor_units(),
             t.available().minor_units(),
             t.exhausted_at ? 1 : 0,
             t.exhausted_at ? t.exhausted_at->epoch_ms() : 0};
  return MF_OK;
}

mf_status mf_engine_project(mf_engine* engine, const char* project_id, mf_project_totals* totals) {
  if (engine == nullptr || project_id == nullptr || totals == nullptr) return MF_ERROR_ARGUMENT;
  const auto project = engine->rules.find_project(project_id);
  if (!project) {
    engine->error = std::string("no project \"") + project_id + "\" in the rules";
    return MF_ERROR_ARGUMENT;
  }
  const matchfund::project_totals& t = engine->matcher.project(*project);
  *totals = {t.donations, t.donors, t.raised.minor_units(), t.refunded.minor_units(), t.matched.minor_units(),
             t.closeout.minor_units()};
  return MF_OK;
}

mf_status mf_engine_hold(mf_engine* engine, const char* hold_id, mf_hold* hold) {
  if (engine == nullptr || hold_id == nullptr || hold == nullptr) return MF_ERROR_ARGUMENT;
  const auto found = engine->matcher.find_hold(hold_id);
  if (!found) {
    engine->error = std::string("no hold \"") + hold_id + "\" was accepted";
    return MF_ERROR_ARGUMENT;
  }
  *hold = {to_string(found->status).data(), found->held.minor_units(), found->expires_at.epoch_ms(),
           found->resolved_at ? 1 : 0, found->resolved_at ? found->resolved_at->epoch_ms() : 0};
  return MF_OK;
}

mf_status mf_engine_save(mf_engine* engine, const char* path, uint64_t position) {
  if (engine == nullptr || path == nullptr) return MF_ERROR_ARGUMENT;
  const std::filesystem::path target(path);
  std::filesystem::path partial = target;
  partial += ".partial";
  const mf_status status = guarded(engine->error, [&] {
    {
      std::ofstream out(partial, std::ios::binary | std::ios::trunc);
      if (!out) throw matchfund::error("cannot write " + partial.generic_string());
      engine->matcher.save(out, position);
      out.close();
      if (!out) throw matchfund::error("cannot write " + partial.generic_string());
    }
    std::filesystem::rename(partial, target);
  });
  if (status != MF_OK) {
    std::error_code ignored;
    std::filesystem::remove(partial, ignored);
    return engine->error.starts_with("cannot write") ? MF_ERROR_IO : status;
  }
  return status;
}

mf_engine* mf_engine_restore(const mf_rules* rules, const char* path, uint64_t* position, mf_error* error) {
  if (rules == nullptr || path == nullptr) {
    if (error != nullptr) {
      error->code = MF_ERROR_ARGUMENT;
      std::snprintf(error->message, sizeof error->message, "mf_engine_restore: no rules or no path");
    }
    return nullptr;
  }
  std::string message;
  mf_engine* made = nullptr;
  bool unreadable = false;
  const mf_status status = guarded(message, [&] {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      unreadable = true;
      throw matchfund::error(std::string("cannot read ") + path);
    }
    std::uint64_t saved_position = 0;
    made = new mf_engine(rules->rules, matchfund::engine::restore(rules->rules, in, &saved_position));
    if (position != nullptr) *position = saved_position;
  });
  if (error != nullptr) {
    error->code = unreadable ? MF_ERROR_IO : status;
    std::snprintf(error->message, sizeof error->message, "%s", message.c_str());
  }
  return made;
}

}  // extern "C"
