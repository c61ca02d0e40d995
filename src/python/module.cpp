// The compiled half of the Python package `matchfund` (docs/python.md).
#include <pybind11/pybind11.h>

#include "matchfund/version.hpp"
#include "python/bindings.hpp"

PYBIND11_MODULE(_matchfund, module) {
  module.doc() = "matchfund's engine, compiled; use the package matchfund, which wraps it.";
  module.attr("__version__") = MATCHFUND_VERSION_STRING;
  matchfund::python::bind_errors(module);
  matchfund::python::bind_rules(module);
  matchfund::python::bind_replay(module);
  matchfund::python::bind_engine(module);
  matchfund::python::bind_simulate(module);
  matchfund::python::bind_events(module);
}
