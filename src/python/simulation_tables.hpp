// A simulation's tables (simulate.hpp: runs, funds, releases, projects, curves) as columns for
// Python, in the columns and order of the files write_simulation writes (docs/simulate.md):
// money as int64 minor units, times as (epoch ms, missing), shares as floats. Internal to
// src/python/.
#ifndef MATCHFUND_SRC_PYTHON_SIMULATION_TABLES_HPP
#define MATCHFUND_SRC_PYTHON_SIMULATION_TABLES_HPP

#include <pybind11/pybind11.h>

#include "matchfund/simulate.hpp"

namespace matchfund::python {

namespace py = pybind11;

// {"runs": {column: values}, "funds": ..., "releases": ..., "projects": ..., "curves": ...}, each
// an insertion-ordered dict whose order is the file's.
py::dict simulation_columns(const simulation_result& result);

}  // namespace matchfund::python

#endif
