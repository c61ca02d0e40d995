// matchfund's exceptions as the Python classes of matchfund/errors.py, with what each carries
// (a rules file's diagnostics, an event file's place).
#include <pybind11/pybind11.h>

#include <exception>
#include <string>

#include "matchfund/diagnostic.hpp"
#include "matchfund/error.hpp"
#include "matchfund/read_events.hpp"
#include "matchfund/replay.hpp"
#include "python/bindings.hpp"

namespace matchfund::python {

namespace {

// Raises matchfund.errors.NAME(*args) as the current Python error.
template <class... Args>
void raise(const char* name, Args&&... args) {
  const py::object type = py::module_::import("matchfund.errors").attr(name);
  const py::object instance = type(std::forward<Args>(args)...);
  PyErr_SetObject(type.ptr(), instance.ptr());
}

py::list diagnostics_of(const rules_error& e) {
  py::list diagnostics;
  for (const diagnostic& d : e.diagnostics()) {
    diagnostics.append(py::make_tuple(d.file, d.line, d.column, d.path, d.message, std::string(to_string(d.code))));
  }
  return diagnostics;
}

void translate(std::exception_ptr thrown) {
  try {
    if (thrown) std::rethrow_exception(thrown);
  } catch (const rules_error& e) {
    raise("RulesError", diagnostics_of(e));
  } catch (const event_file_error& e) {
    raise("EventFileError", std::string(e.what()), e.file(), e.line(), e.column(), e.message());
  } catch (const bad_event_error& e) {
    raise("BadEventError", std::string(e.what()));
  } catch (const invariant_error& e) {
    raise("InvariantError", std::string(e.what()));
  } catch (const snapshot_error& e) {
    raise("SnapshotError", std::string(e.what()));
  } catch (const error& e) {
    raise("Error", std::string(e.what()));
  }
}

}  // namespace

void bind_errors(py::module_& /*module*/) { py::register_exception_translator(&translate); }

}  // namespace matchfund::python
