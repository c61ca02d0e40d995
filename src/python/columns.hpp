// Columns handed to Python as numpy arrays without copying row by row in Python: a std::vector
// moves into the array's owner, texts become one str object per row made here in C++, and
// index columns become categorical codes with their labels. Internal to src/python/.
#ifndef MATCHFUND_SRC_PYTHON_COLUMNS_HPP
#define MATCHFUND_SRC_PYTHON_COLUMNS_HPP

#include <pybind11/numpy.h>
#include <pybind11/stl.h>
#include <pybind11/pybind11.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "matchfund/replay_tables.hpp"

namespace matchfund::python {

namespace py = pybind11;

// A numpy array that owns `values` (moved, not copied).
template <class T>
py::array_t<T> owned_array(std::vector<T>&& values) {
  auto* owner = new std::vector<T>(std::move(values));
  py::capsule free_owner(owner, [](void* p) { delete static_cast<std::vector<T>*>(p); });
  return py::array_t<T>(static_cast<py::ssize_t>(owner->size()), owner->data(), free_owner);
}

// A numpy bool array of `flags`.
py::array_t<bool> bool_array(const std::vector<bool>& flags);

// An object array of str, one per row; an empty text is None where `empty_is_none`.
py::array text_array(const text_column& texts, bool empty_is_none = true);

// text_array(texts), reusing the str objects of `same_as` (made by text_array from `reference`)
// where a row's text is the same: a match line's donation is its event, one object for both.
py::array text_array_sharing(const text_column& texts, const text_column& reference, const py::array& same_as);

// text_array(texts), reusing the str objects the input already holds: row r's text is looked up
// at source_rows[r] ((source << 40) + row, -1: none) in inputs[source] (an object array of the
// sources' column, or None), and that object is taken when it is a str of the same text.
py::array text_array_reusing(const text_column& texts, const std::vector<std::int64_t>& source_rows,
                             const std::vector<py::object>& inputs);

// An object array of str from any sequence of texts.
template <class Texts>
py::array text_array_of(const Texts& texts) {
  text_column column;
  for (const auto& text : texts) column.push_back(text);
  return text_array(column);
}

// A categorical column for Python's pd.Categorical.from_codes: {"codes": int32 array, "categories":
// list of str}. `codes` index `labels` (-1: missing); labels that repeat are merged, so the
// categories are unique.
py::dict categorical(std::vector<std::int32_t> codes, const std::vector<std::string>& labels);

// A categorical column from texts: the distinct texts in byte order as categories; an empty text
// is missing.
py::dict categorical_of_texts(const text_column& texts);

// A categorical column from small enum codes and their names.
template <class Enum, class Name>
py::dict categorical_of_enum(const std::vector<Enum>& values, std::size_t count, Name name) {
  std::vector<std::int32_t> codes(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) codes[i] = static_cast<std::int32_t>(values[i]);
  std::vector<std::string> labels;
  for (std::size_t code = 0; code < count; ++code) labels.emplace_back(name(static_cast<Enum>(code)));
  return categorical(std::move(codes), labels);
}

}  // namespace matchfund::python

#endif
