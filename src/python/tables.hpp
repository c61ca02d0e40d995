// A replay's and an engine's tables (replay_tables.hpp) as columns for Python: money as int64
// minor units, times as epoch milliseconds (with a missing mask where a time may be absent), ids
// of projects, rules, funds and codes as categorical codes. Internal to src/python/.
#ifndef MATCHFUND_SRC_PYTHON_TABLES_HPP
#define MATCHFUND_SRC_PYTHON_TABLES_HPP

#include <pybind11/pybind11.h>

#include <span>
#include <string>
#include <vector>

#include "matchfund/invariant.hpp"
#include "matchfund/replay_tables.hpp"
#include "matchfund/rule_set.hpp"

namespace matchfund::python {

namespace py = pybind11;

// The object arrays of the sources' id and donor columns, by source (None where a source is a
// file or the column is not one of str objects): ledger texts equal to them reuse their objects.
struct source_texts {
  std::vector<py::object> ids, donors;
};

// Each moves the table's vectors into the arrays it returns.
py::dict ledger_columns(const rule_set& rules, ledger_table& ledger, const source_texts& inputs = {});
py::dict outcome_columns(const rule_set& rules, outcome_table& outcomes);
py::dict project_columns(const rule_set& rules, const std::vector<project_row>& rows);
py::dict fund_columns(const rule_set& rules, const std::vector<fund_row>& rows);
py::dict hold_columns(const rule_set& rules, const std::vector<hold_row>& rows);
py::dict rejected_columns(const std::vector<rejected_event>& rows);
py::list invariant_list(std::span<const invariant_result> invariants);

}  // namespace matchfund::python

#endif
