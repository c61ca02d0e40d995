// Events from a pandas DataFrame: the columns the Python side (matchfund/_events.py) has made
// plain, read as an event table (read_events.hpp) with the same checks as a file. Internal to
// src/python/.
#ifndef MATCHFUND_SRC_PYTHON_EVENT_COLUMNS_HPP
#define MATCHFUND_SRC_PYTHON_EVENT_COLUMNS_HPP

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <string>
#include <vector>

#include "matchfund/read_events.hpp"
#include "matchfund/rule_set.hpp"

namespace matchfund::python {

namespace py = pybind11;

// One column as _events.py hands it over: (name, form, values, missing), where form is
//   "object"  values an object array of str, None, NaN, NaT or pd.NA (absent), int or bool;
//   "object_minor"  the same, an int being minor units (the amount column);
//   "integer" values an int64 array, written as the integer;
//   "minor"   values an int64 array of minor units, written as money in the campaign's digits;
//   "boolean" values a bool array, written true or false;
//   "category" values an int32 array of codes (-1: absent), and in place of `missing` the list of
//             the categories' texts;
//   "absent"  values the number of rows, every field absent;
// and missing a bool array (True: absent) or None.
//
// The object columns' texts are copied when the table is made (with the GIL); it is then read
// without the GIL, as many times as needed, while the DataFrame's arrays stay unchanged. It must
// be destroyed with the GIL held (it holds references to the arrays).
class frame_event_table final : public event_table {
 public:
  frame_event_table(const rule_set& rules, const std::string& name, const py::list& columns);

  [[nodiscard]] std::size_t rows() const override { return rows_; }
  [[nodiscard]] std::span<const std::string> columns() const override { return names_; }
  [[nodiscard]] std::string_view cell(std::size_t column, std::size_t row) override;

  // The object array of column `name` when it is one (its cells may be str objects), else None.
  [[nodiscard]] py::object object_column(std::string_view name) const;

 private:
  enum class form : std::uint8_t { object, object_minor, integer, minor, boolean, category, absent };
  struct column_data {
    form kind = form::object;
    py::array values;
    py::array missing;  // empty: none missing
    std::string texts;               // object columns: every cell's text back to back
    std::vector<std::size_t> ends;   // where each row's text ends in `texts`
    std::vector<std::string> categories;  // category columns
  };

  std::string_view object_cell(std::size_t column, std::size_t row);
  [[nodiscard]] std::string minor_units_text(std::int64_t minor) const;

  const rule_set& rules_;
  std::string name_;
  std::vector<std::string> names_;
  std::vector<column_data> data_;
  std::size_t rows_ = 0;
  std::string buffer_;
  py::object not_available_, not_a_time_;  // pd.NA and pd.NaT: absent fields
};

}  // namespace matchfund::python

#endif
