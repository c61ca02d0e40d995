// The parts of the Python module _matchfund, one file each, registered by module.cpp. The
// Python package (matchfund/) wraps them: the names here start with _ and hand over plain
// columns, which the package makes into pandas DataFrames. Internal to src/python/.
#ifndef MATCHFUND_SRC_PYTHON_BINDINGS_HPP
#define MATCHFUND_SRC_PYTHON_BINDINGS_HPP

#include <pybind11/pybind11.h>

#include <utility>

#include "matchfund/rule_set.hpp"

namespace matchfund::python {

namespace py = pybind11;

// What Python holds of a loaded rule set (its copies share the parts).
struct python_rules {
  rule_set rules;
};

void bind_errors(py::module_& module);
void bind_rules(py::module_& module);
void bind_replay(py::module_& module);
void bind_engine(py::module_& module);
void bind_simulate(py::module_& module);
void bind_events(py::module_& module);

}  // namespace matchfund::python

#endif
