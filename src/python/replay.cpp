// matchfund.replay: events from files and DataFrames replayed in memory (replay_tables.hpp), and
// the tables handed to Python as columns. The GIL is released while files are read and while the
// engine works.
#include <pybind11/stl.h>

#include <memory>
#include <string>
#include <vector>

#include "matchfund/replay_tables.hpp"
#include "python/bindings.hpp"
#include "python/event_columns.hpp"
#include "python/tables.hpp"

namespace matchfund::python {

namespace {

// Every source in order: a path (str), or a DataFrame's columns as a tuple (name, columns) made by
// matchfund/_events.py, copied into a table that reads without the GIL.
struct source_list {
  std::vector<std::unique_ptr<frame_event_table>> frames;
  std::vector<event_source> sources;
};

source_list sources_of(const rule_set& rules, const py::list& given) {
  source_list list;
  for (const py::handle source : given) {
    if (py::isinstance<py::str>(source)) {
      const std::filesystem::path file(source.cast<std::string>());
      list.sources.push_back({file.generic_string(), file, nullptr});
    } else {
      const auto table = source.cast<py::tuple>();
      const auto name = table[0].cast<std::string>();
      list.frames.push_back(std::make_unique<frame_event_table>(rules, name, table[1].cast<py::list>()));
      list.sources.push_back({name, {}, list.frames.back().get()});
    }
  }
  return list;
}

py::dict replay_columns(const python_rules& self, const py::list& sources, bool trace, bool lenient) {
  const rule_set& rules = self.rules;
  const source_list list = sources_of(rules, sources);
  replay_tables tables;
  {
    py::gil_scoped_release unlocked;
    tables = replay_to_tables(rules, list.sources, {.trace = trace, .lenient = lenient});
  }
  py::dict result;
  source_texts inputs;
  std::size_t frame = 0;
  for (const event_source& source : list.sources) {
    const bool is_frame = source.table != nullptr;
    inputs.ids.push_back(is_frame ? list.frames[frame]->object_column("id") : py::none());
    inputs.donors.push_back(is_frame ? list.frames[frame]->object_column("donor") : py::none());
    if (is_frame) ++frame;
  }
  result["ledger"] = ledger_columns(rules, tables.ledger, inputs);
  result["outcomes"] = outcome_columns(rules, tables.outcomes);
  result["projects"] = project_columns(rules, tables.projects);
  result["funds"] = fund_columns(rules, tables.funds);
  result["holds"] = hold_columns(rules, tables.holds);
  result["rejected"] = rejected_columns(tables.rejected);
  result["invariants"] = invariant_list(tables.invariants);
  py::dict counts;
  counts["events_read"] = tables.events_read;
  counts["events_processed"] = tables.events_processed;
  counts["events_rejected"] = tables.events_rejected;
  counts["donations"] = tables.donations;
  counts["holds"] = tables.holds_accepted;
  for (std::size_t code = 0; code < outcome_code_count; ++code) {
    counts[py::str("outcome." + std::string(to_string(static_cast<outcome>(code))))] = tables.outcome_counts[code];
  }
  result["counts"] = counts;
  return result;
}

}  // namespace

void bind_replay(py::module_& module) {
  module.def("_replay", &replay_columns, py::arg("rules"), py::arg("sources"), py::arg("trace"), py::arg("lenient"));
}

}  // namespace matchfund::python
