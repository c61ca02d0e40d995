// Boost.JSON is compiled here, header-only (<boost/json/src.hpp>), and only here: a second
// translation unit of the library including src.hpp would define its functions twice.
#include "report/json_input.hpp"

#include <boost/json/src.hpp>
#include <fmt/format.h>

#include "matchfund/error.hpp"
#include "support/csv_reader.hpp"

namespace matchfund::reporting {

std::string json_path(std::string_view parent, std::string_view key) {
  const std::string quoted = fmt::format("\"{}\"", key);
  return parent.empty() ? quoted : fmt::format("{}.{}", parent, quoted);
}

json_input::json_input(const std::filesystem::path& file) : name_(file.generic_string()) {
  std::string text;
  try {
    text = detail::read_text_file(file);
  } catch (const std::runtime_error& failure) {
    throw error(failure.what());
  }
  boost::system::error_code failure;
  root_ = boost::json::parse(text, failure);
  if (failure) throw error(fmt::format("{}: invalid JSON: {}", name_, failure.message()));
  if (!root_.is_object()) throw error(fmt::format("{}: not a JSON object", name_));
}

void json_input::fail(std::string_view path, std::string_view what) const {
  throw error(fmt::format("{}: {}: {}", name_, path, what));
}

const boost::json::value& json_input::member(const boost::json::object& object, std::string_view key,
                                             std::string_view path) const {
  const boost::json::value* found = object.if_contains(key);
  if (found == nullptr) fail(json_path(path, key), "missing");
  return *found;
}

const boost::json::object& json_input::as_object(const boost::json::value& value, std::string_view path) const {
  if (!value.is_object()) fail(path, "expected an object");
  return value.get_object();
}

std::string json_input::as_string(const boost::json::value& value, std::string_view path) const {
  if (!value.is_string()) fail(path, "expected a string");
  return std::string(value.get_string());
}

const boost::json::object& json_input::object_member(const boost::json::object& object, std::string_view key,
                                                     std::string_view path) const {
  return as_object(member(object, key, path), json_path(path, key));
}

const boost::json::array& json_input::array_member(const boost::json::object& object, std::string_view key,
                                                   std::string_view path) const {
  const boost::json::value& value = member(object, key, path);
  if (!value.is_array()) fail(json_path(path, key), "expected an array");
  return value.get_array();
}

std::string json_input::string_member(const boost::json::object& object, std::string_view key,
                                      std::string_view path) const {
  return as_string(member(object, key, path), json_path(path, key));
}

std::uint64_t json_input::count_member(const boost::json::object& object, std::string_view key,
                                       std::string_view path) const {
  const boost::json::value& value = member(object, key, path);
  if (value.is_uint64()) return value.get_uint64();
  if (value.is_int64() && value.get_int64() >= 0) return static_cast<std::uint64_t>(value.get_int64());
  fail(json_path(path, key), "expected a whole number of 0 or more");
}

bool json_input::bool_member(const boost::json::object& object, std::string_view key, std::string_view path) const {
  const boost::json::value& value = member(object, key, path);
  if (!value.is_bool()) fail(json_path(path, key), "expected true or false");
  return value.get_bool();
}

}  // namespace matchfund::reporting
