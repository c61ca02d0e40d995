#include "python/columns.hpp"

#include <algorithm>
#include <map>

namespace matchfund::python {

namespace {

// An object array of str, one per row of `texts`: None for an empty text where `empty_is_none`,
// the object existing(row, text) gives where it gives one (a borrowed reference), else a new str.
template <class Existing>
py::array objects_of(const text_column& texts, bool empty_is_none, Existing existing) {
  py::array result(py::dtype("O"), std::vector<py::ssize_t>{static_cast<py::ssize_t>(texts.size())});
  auto** cells = static_cast<PyObject**>(result.mutable_data());
  for (std::size_t row = 0; row < texts.size(); ++row) {
    const std::string_view text = texts[row];
    PyObject* value = text.empty() && empty_is_none ? Py_None : existing(row, text);
    if (value != nullptr) {
      Py_INCREF(value);
    } else {
      value = PyUnicode_DecodeUTF8(text.data(), static_cast<Py_ssize_t>(text.size()), "strict");
      if (value == nullptr) throw py::error_already_set();
    }
    Py_XDECREF(cells[row]);  // numpy may have filled the new array with None
    cells[row] = value;
  }
  return result;
}

// The str at `source_row` of `inputs` when it holds `text`, else nullptr (a borrowed reference).
PyObject* existing_str(std::string_view text, std::int64_t source_row, const std::vector<py::object>& inputs) {
  if (source_row < 0) return nullptr;
  const auto source = static_cast<std::size_t>(source_row >> 40);
  const auto row = static_cast<std::size_t>(source_row & ((std::int64_t{1} << 40) - 1));
  if (source >= inputs.size() || inputs[source].is_none()) return nullptr;
  const auto& column = reinterpret_cast<const py::array&>(inputs[source]);
  if (row >= static_cast<std::size_t>(column.size())) return nullptr;
  PyObject* value = static_cast<PyObject* const*>(column.data())[row];
  if (value == nullptr || !PyUnicode_Check(value)) return nullptr;
  Py_ssize_t size = 0;
  const char* utf8 = PyUnicode_AsUTF8AndSize(value, &size);
  if (utf8 == nullptr) {
    PyErr_Clear();
    return nullptr;
  }
  return std::string_view(utf8, static_cast<std::size_t>(size)) == text ? value : nullptr;
}

}  // namespace

py::array text_array(const text_column& texts, bool empty_is_none) {
  return objects_of(texts, empty_is_none, [](std::size_t, std::string_view) -> PyObject* { return nullptr; });
}

py::array text_array_sharing(const text_column& texts, const text_column& reference, const py::array& same_as) {
  auto* const* shared = static_cast<PyObject* const*>(same_as.data());
  return objects_of(texts, true, [&](std::size_t row, std::string_view text) -> PyObject* {
    return row < reference.size() && text == reference[row] ? shared[row] : nullptr;
  });
}

py::array text_array_reusing(const text_column& texts, const std::vector<std::int64_t>& source_rows,
                             const std::vector<py::object>& inputs) {
  return objects_of(texts, true, [&](std::size_t row, std::string_view text) {
    return existing_str(text, row < source_rows.size() ? source_rows[row] : -1, inputs);
  });
}

py::array_t<bool> bool_array(const std::vector<bool>& flags) {
  py::array_t<bool> result(static_cast<py::ssize_t>(flags.size()));
  bool* cells = result.mutable_data();
  for (std::size_t i = 0; i < flags.size(); ++i) cells[i] = flags[i];
  return result;
}

py::dict categorical(std::vector<std::int32_t> codes, const std::vector<std::string>& labels) {
  std::vector<std::string> categories;
  std::vector<std::int32_t> merged(labels.size());
  std::map<std::string_view, std::int32_t> first;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const auto [at, added] = first.emplace(labels[i], static_cast<std::int32_t>(categories.size()));
    if (added) categories.push_back(labels[i]);
    merged[i] = at->second;
  }
  for (std::int32_t& code : codes) {
    if (code >= 0) code = merged[static_cast<std::size_t>(code)];
  }
  py::dict column;
  column["codes"] = owned_array(std::move(codes));
  column["categories"] = py::cast(categories);
  return column;
}

py::dict categorical_of_texts(const text_column& texts) {
  std::map<std::string_view, std::int32_t> distinct;
  for (std::size_t row = 0; row < texts.size(); ++row) {
    if (!texts[row].empty()) distinct.emplace(texts[row], 0);
  }
  std::vector<std::string> labels;
  for (auto& [text, code] : distinct) {
    code = static_cast<std::int32_t>(labels.size());
    labels.emplace_back(text);
  }
  std::vector<std::int32_t> codes(texts.size(), -1);
  for (std::size_t row = 0; row < texts.size(); ++row) {
    if (!texts[row].empty()) codes[row] = distinct.find(texts[row])->second;
  }
  return categorical(std::move(codes), labels);
}

}  // namespace matchfund::python
