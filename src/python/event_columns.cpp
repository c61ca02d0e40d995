#include "python/event_columns.hpp"

#include <pybind11/stl.h>

namespace matchfund::python {

frame_event_table::frame_event_table(const rule_set& rules, const std::string& name, const py::list& columns)
    : rules_(rules), name_(name) {
  bool first = true;
  for (const py::handle item : columns) {
    const auto spec = item.cast<py::tuple>();
    const auto column_name = spec[0].cast<std::string>();
    const auto form_name = spec[1].cast<std::string>();
    column_data data;
    data.kind = form_name == "integer"        ? form::integer
                : form_name == "minor"        ? form::minor
                : form_name == "boolean"      ? form::boolean
                : form_name == "object_minor" ? form::object_minor
                : form_name == "category"     ? form::category
                : form_name == "absent"       ? form::absent
                                              : form::object;
    std::size_t length = 0;
    if (data.kind == form::absent) {
      length = spec[2].cast<std::size_t>();
    } else {
      data.values = spec[2].cast<py::array>();
      length = static_cast<std::size_t>(data.values.size());
    }
    if (data.kind == form::category) {
      data.values = spec[2].cast<py::array_t<std::int32_t, py::array::c_style | py::array::forcecast>>();
      data.categories = spec[3].cast<std::vector<std::string>>();
    } else if (!spec[3].is_none()) {
      data.missing = spec[3].cast<py::array_t<bool>>();
    }
    if (first) rows_ = length;
    if (length != rows_) throw std::invalid_argument("column " + column_name + " has another length");
    first = false;
    names_.push_back(column_name);
    data_.push_back(std::move(data));
  }
  const py::module_ pandas = py::module_::import("pandas");
  not_available_ = pandas.attr("NA");
  not_a_time_ = pandas.attr("NaT");
  // The texts of object columns are copied out now, with the GIL, so that the table can be read
  // without it; the other columns are numpy arrays, read in place.
  for (std::size_t column = 0; column < data_.size(); ++column) {
    column_data& data = data_[column];
    if (data.kind != form::object && data.kind != form::object_minor) continue;
    data.ends.reserve(rows_);
    for (std::size_t row = 0; row < rows_; ++row) {
      data.texts.append(object_cell(column, row));
      data.ends.push_back(data.texts.size());
    }
  }
}

std::string_view frame_event_table::cell(std::size_t column, std::size_t row) {
  const column_data& data = data_[column];
  if (data.missing.size() > 0 && static_cast<const bool*>(data.missing.data())[row]) return {};
  switch (data.kind) {
    case form::object:
    case form::object_minor: {
      const std::size_t begin = row == 0 ? 0 : data.ends[row - 1];
      return std::string_view(data.texts).substr(begin, data.ends[row] - begin);
    }
    case form::integer: buffer_ = std::to_string(static_cast<const std::int64_t*>(data.values.data())[row]); break;
    case form::minor: buffer_ = minor_units_text(static_cast<const std::int64_t*>(data.values.data())[row]); break;
    case form::boolean: buffer_ = static_cast<const bool*>(data.values.data())[row] ? "true" : "false"; break;
    case form::category: {
      const std::int32_t code = static_cast<const std::int32_t*>(data.values.data())[row];
      if (code < 0 || static_cast<std::size_t>(code) >= data.categories.size()) return {};
      return data.categories[static_cast<std::size_t>(code)];
    }
    case form::absent: return {};
  }
  return buffer_;
}

py::object frame_event_table::object_column(std::string_view name) const {
  for (std::size_t column = 0; column < names_.size(); ++column) {
    if (names_[column] == name && (data_[column].kind == form::object || data_[column].kind == form::object_minor)) {
      return data_[column].values;
    }
  }
  return py::none();
}

// Minor units as money text in the campaign's digits ("1250" -> "12.50"), also beyond the money
// limit, so that the reader's check refuses such an amount as it refuses it in a file.
std::string frame_event_table::minor_units_text(std::int64_t minor) const {
  const bool negative = minor < 0;
  std::string digits = std::to_string(minor);
  if (negative) digits.erase(0, 1);
  const auto fraction = static_cast<std::size_t>(rules_.minor_digits());
  if (fraction > 0) {
    if (digits.size() <= fraction) digits.insert(0, fraction + 1 - digits.size(), '0');
    digits.insert(digits.size() - fraction, 1, '.');
  }
  return negative ? "-" + digits : digits;
}

// str as it is; None and NaN absent; bool and int as a file writes them (an int of the amount
// column being minor units); anything else (a
// fraction, a date without its offset) has no exact text and is an error naming the cell.
std::string_view frame_event_table::object_cell(std::size_t column, std::size_t row) {
  PyObject* value = static_cast<PyObject* const*>(data_[column].values.data())[row];
  if (value == nullptr || value == Py_None || value == not_available_.ptr() || value == not_a_time_.ptr()) return {};
  if (PyUnicode_Check(value)) {
    Py_ssize_t size = 0;
    const char* text = PyUnicode_AsUTF8AndSize(value, &size);
    if (text == nullptr) throw py::error_already_set();
    return {text, static_cast<std::size_t>(size)};
  }
  if (PyBool_Check(value)) return value == Py_True ? "true" : "false";
  if (PyLong_Check(value)) {
    if (data_[column].kind == form::object_minor) {
      const long long minor = PyLong_AsLongLong(value);
      if (minor == -1 && PyErr_Occurred() != nullptr) throw py::error_already_set();
      buffer_ = minor_units_text(minor);
    } else {
      buffer_ = py::str(value).cast<std::string>();
    }
    return buffer_;
  }
  if (PyFloat_Check(value) && PyFloat_AS_DOUBLE(value) != PyFloat_AS_DOUBLE(value)) return {};  // NaN
  throw event_file_error(name_, row, column + 1,
                         "column " + names_[column] + ": a " + std::string(Py_TYPE(value)->tp_name) +
                             " has no exact text; give str, int or bool");
}

}  // namespace matchfund::python
