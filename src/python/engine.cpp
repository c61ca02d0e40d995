// matchfund.Engine: one engine for live use from Python (engine.hpp). Every call releases the GIL
// and takes the engine's own lock, so Python threads may share an engine: their calls run one at
// a time, as engine.hpp's thread contract asks.
#include <pybind11/stl.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "matchfund/engine.hpp"
#include "matchfund/read_events.hpp"
#include "matchfund/replay_tables.hpp"
#include "python/bindings.hpp"
#include "python/columns.hpp"
#include "python/event_columns.hpp"
#include "python/tables.hpp"

namespace matchfund::python {

namespace {

struct python_engine {
  explicit python_engine(const python_rules& loaded) : rules(loaded.rules), matcher(rules) {}
  python_engine(rule_set loaded, engine restored) : rules(std::move(loaded)), matcher(std::move(restored)) {}

  rule_set rules;
  engine matcher;
  std::mutex lock;
};

// Runs `work` on the engine without the GIL and under the engine's lock (taken after the GIL is
// let go, and let go before the GIL is taken back, so that no two threads wait on each other).
template <class Work>
auto locked(python_engine& self, Work&& work) {
  py::gil_scoped_release unlocked;
  const std::lock_guard guard(self.lock);
  return work(self.matcher);
}

// What the engine decided for one event: (rejection reason or None, [(rule, outcome, limited_by,
// want, paid, caps, draws)]) with caps [(cap, remaining before, after)] and draws [(fund,
// amount)] kept only while the engine explains.
struct decision {
  std::optional<std::string> rejected;
  struct evaluation {
    std::string rule, outcome, limited_by;
    std::int64_t want = 0, paid = 0;
    std::vector<std::tuple<std::string, std::int64_t, std::int64_t>> caps;
    std::vector<std::pair<std::string, std::int64_t>> draws;
  };
  std::vector<evaluation> evaluations;
};

decision decided(const rule_set& rules, const engine::event_result& result) {
  decision made;
  if (result.rejected) made.rejected = to_string(*result.rejected);
  for (const rule_evaluation& e : result.evaluations) {
    decision::evaluation& kept = made.evaluations.emplace_back();
    kept.rule = rules.rule(e.rule).id;
    kept.outcome = to_string(e.code);
    kept.limited_by = e.limit;
    kept.want = e.want.minor_units();
    kept.paid = e.paid.minor_units();
    for (const cap_trace& cap : e.caps) kept.caps.emplace_back(rules.cap(cap.cap).id, cap.remaining_before, cap.remaining_after);
    for (const auto& [fund, amount] : e.draws) kept.draws.emplace_back(rules.fund(fund).id, amount.minor_units());
  }
  return made;
}

py::tuple as_tuple(const decision& made) {
  py::list evaluations;
  for (const auto& e : made.evaluations) {
    evaluations.append(py::make_tuple(e.rule, e.outcome, e.limited_by, e.want, e.paid, e.caps, e.draws));
  }
  return py::make_tuple(made.rejected ? py::cast(*made.rejected) : py::none(), evaluations);
}

// One event from (name, text) pairs as an event file's cells (read_events.hpp event_from_fields);
// a bad one is rejected without reaching the engine.
template <class Call>
py::tuple decide(python_engine& self, const std::vector<std::pair<std::string, std::string>>& fields, Call call) {
  auto read = event_from_fields(self.rules, fields);
  if (auto* bad = std::get_if<bad_event_reason>(&read)) return py::make_tuple(to_string(*bad), py::list());
  const event e = std::move(std::get<event>(read));
  return as_tuple(locked(self, [&](engine& matcher) { return decided(self.rules, call(matcher, e)); }));
}

// A DataFrame's rows processed in order (not sorted: a live host's events come in time order).
// Rows that do not read, and events the engine refuses, are rejected with their row; the rest
// give one outcome row per rule.
py::dict process_frame(python_engine& self, const py::tuple& source) {
  const auto name = source[0].cast<std::string>();
  std::vector<event> events;
  std::vector<rejected_event> rejected;
  {
    frame_event_table frame(self.rules, name, source[1].cast<py::list>());
    read_event_table(
        self.rules, frame, name, 0, [&](event&& e) { events.push_back(std::move(e)); },
        [&](rejected_event&& bad) { rejected.push_back(std::move(bad)); });
  }
  outcome_table outcomes;
  std::vector<std::int64_t> rows;
  locked(self, [&](engine& matcher) {
    matcher.process(std::span<const event>(events), [&](const event& e, const engine::event_result& result) {
      if (result.rejected) {
        rejected.push_back({name, e.line, e.id, *result.rejected});
        return;
      }
      for (const rule_evaluation& evaluation : result.evaluations) {
        rows.push_back(static_cast<std::int64_t>(e.line));
        append_outcome(outcomes, e.id, evaluation);
      }
    });
    return 0;
  });
  std::stable_sort(rejected.begin(), rejected.end(), [](const auto& a, const auto& b) { return a.line < b.line; });
  py::dict result;
  result["outcomes"] = outcome_columns(self.rules, outcomes);
  result["rows"] = owned_array(std::move(rows));
  result["rejected"] = rejected_columns(rejected);
  return result;
}

py::dict ledger_of(python_engine& self) {
  ledger_table ledger;
  locked(self, [&](engine& matcher) {
    append_ledger_lines(ledger, matcher.ledger(), self.rules);
    return 0;
  });
  return ledger_columns(self.rules, ledger);
}

py::bytes save(python_engine& self, std::uint64_t position) {
  const std::string saved = locked(self, [&](engine& matcher) {
    std::ostringstream out;
    matcher.save(out, position);
    return std::move(out).str();
  });
  return py::bytes(saved);
}

py::tuple restore(const python_rules& rules, const py::bytes& saved) {
  std::string data = saved;
  std::uint64_t position = 0;
  std::unique_ptr<python_engine> restored;
  {
    py::gil_scoped_release unlocked;
    std::istringstream in(std::move(data));
    restored = std::make_unique<python_engine>(rules.rules, engine::restore(rules.rules, in, &position));
  }
  return py::make_tuple(std::move(restored), position);
}

}  // namespace

void bind_engine(py::module_& module) {
  py::class_<python_engine>(module, "_Engine")
      .def(py::init<const python_rules&>())
      .def("process", [](python_engine& self, const std::vector<std::pair<std::string, std::string>>& fields) {
        return decide(self, fields, [](engine& matcher, const event& e) { return matcher.process(e); });
      })
      .def("quote", [](python_engine& self, const std::vector<std::pair<std::string, std::string>>& fields) {
        return decide(self, fields, [](engine& matcher, const event& e) { return matcher.quote(e); });
      })
      .def("process_frame", &process_frame)
      .def("finish", [](python_engine& self) { locked(self, [](engine& matcher) { matcher.finish(); return 0; }); })
      .def_property_readonly("closed", [](python_engine& self) { return locked(self, [](engine& m) { return m.closed(); }); })
      .def("ledger", &ledger_of)
      .def("discard_ledger", [](python_engine& self) { locked(self, [](engine& m) { m.discard_ledger(); return 0; }); })
      .def("funds", [](python_engine& self) {
        return fund_columns(self.rules, locked(self, [](engine& m) { return fund_rows(m); }));
      })
      .def("projects", [](python_engine& self) {
        return project_columns(self.rules, locked(self, [](engine& m) { return project_rows(m); }));
      })
      .def("holds", [](python_engine& self) {
        return hold_columns(self.rules, locked(self, [](engine& m) { return hold_rows(m); }));
      })
      .def("check_invariants", [](python_engine& self) {
        return invariant_list(locked(self, [](engine& m) { return m.check_invariants(); }));
      })
      .def("explain", [](python_engine& self, bool on) { locked(self, [&](engine& m) { m.explain(on); return 0; }); })
      .def("reserve", [](python_engine& self, std::size_t events, std::size_t donors) {
        locked(self, [&](engine& m) { m.reserve(events, donors); return 0; });
      })
      .def("save", &save)
      .def_static("restore", &restore);
}

}  // namespace matchfund::python
