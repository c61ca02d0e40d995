#include "python/columns.hpp"

#include <algorithm>
#include <map>

namespace matchfund::python {

py::array text_array(const text_column& texts, bool empty_is_none) {
  py::array result(py::dtype("O"), std::vector<py::ssize_t>{static_cast<py::ssize_t>(texts.size())});
  auto** cells = static_cast<PyObject**>(result.mutable_data());
  for (std::size_t row = 0; row < texts.size(); ++row) {
    const std::string_view text = texts[row];
    PyObject* value = nullptr;
    if (text.empty() && empty_is_none) {
      value = Py_None;
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
