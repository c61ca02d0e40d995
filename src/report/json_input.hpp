// A small JSON file (summary.json, simulation.json) read with Boost.JSON, and its members taken
// with checks: every problem is a matchfund::error "FILE: "rules"."sha256": what is wrong".
#ifndef MATCHFUND_SRC_REPORT_JSON_INPUT_HPP
#define MATCHFUND_SRC_REPORT_JSON_INPUT_HPP

#include <boost/json/value.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace matchfund::reporting {

class json_input {
 public:
  // Throws error "FILE: cannot read ..." or "FILE: invalid JSON: ..." or "FILE: not a JSON object".
  explicit json_input(const std::filesystem::path& file);

  [[nodiscard]] const std::string& name() const noexcept { return name_; }
  [[nodiscard]] const boost::json::object& root() const { return root_.as_object(); }

  // A member of `object`, whose place in the file is `path` (e.g. "rules"."file"); throws when it
  // is missing or of another type.
  [[nodiscard]] const boost::json::value& member(const boost::json::object& object, std::string_view key,
                                                 std::string_view path) const;
  [[nodiscard]] const boost::json::object& object_member(const boost::json::object& object, std::string_view key,
                                                         std::string_view path) const;
  [[nodiscard]] const boost::json::array& array_member(const boost::json::object& object, std::string_view key,
                                                       std::string_view path) const;
  [[nodiscard]] std::string string_member(const boost::json::object& object, std::string_view key,
                                          std::string_view path) const;
  [[nodiscard]] std::uint64_t count_member(const boost::json::object& object, std::string_view key,
                                           std::string_view path) const;
  [[nodiscard]] bool bool_member(const boost::json::object& object, std::string_view key, std::string_view path) const;
  // A value that must be an object (an element of an array).
  [[nodiscard]] const boost::json::object& as_object(const boost::json::value& value, std::string_view path) const;
  [[nodiscard]] std::string as_string(const boost::json::value& value, std::string_view path) const;

  [[noreturn]] void fail(std::string_view path, std::string_view what) const;

 private:
  std::string name_;
  boost::json::value root_;
};

// `"a"."b"` from `"a"` and b.
std::string json_path(std::string_view parent, std::string_view key);

}  // namespace matchfund::reporting

#endif
