// Strict JSON Lines over an in-memory UTF-8 buffer, for event files (SPEC §3.2).
//
// Internal. Each line holds one JSON object whose values are scalars (string, number, true,
// false, null) or, one level deep, objects of scalars. That is all an event needs, so instead of
// a general JSON parser this is a small scanner that never converts a number: a number's text is
// kept exactly as written, and money never passes through a double. Strings without escapes are
// views into the input; strings with escapes are decoded into a buffer owned by the record and
// reused from line to line.
#ifndef MATCHFUND_SRC_JSON_LINES_HPP
#define MATCHFUND_SRC_JSON_LINES_HPP

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "support/csv_reader.hpp"

namespace matchfund::detail {

// Line from 1, column in characters from 1 (a BOM at the start of the text is not counted), as
// for CSV.
using json_position = csv_position;

// A line that is not one JSON object of the shape above. what() is one of these, without position:
//   "invalid UTF-8", "null byte"         as for CSV
//   "empty line"                         a blank line followed by a non-blank one (blank lines at
//                                        the end of the text are allowed)
//   "a line must be one JSON object"     the line's first character is not `{`
//   "invalid JSON: ..."                  the JSON syntax is broken (the rest says how)
//   "null character (\u0000) in a string"
//   "duplicate key \"K\""                a key given twice in the same object
//   "the value of \"K\" must be a string, number, boolean or null"
//                                        an array, or an object inside an object
class json_error : public std::runtime_error {
 public:
  json_error(const std::string& message, json_position position);

  std::uint64_t line() const noexcept { return position_.line; }
  std::uint64_t column() const noexcept { return position_.column; }
  json_position position() const noexcept { return position_; }

 private:
  json_position position_;
};

enum class json_kind : std::uint8_t { string, number, boolean, null, object };

inline constexpr std::uint32_t json_no_parent = 0xFFFFFFFFu;

// One key and its value. Members of a nested object follow the member that holds it.
struct json_member {
  std::string_view key;         // decoded
  std::string_view text;        // string: decoded; number: as written; boolean: "true"/"false";
                                // null and object: empty
  json_kind kind = json_kind::null;
  std::uint32_t parent = json_no_parent;  // index of the member whose object holds this one
  std::size_t key_offset = 0;    // input offset of the key's opening quote
  std::size_t value_offset = 0;  // input offset of the value's first byte
};

// One line's object, filled by json_lines_reader::next and meant to be reused.
class json_record {
 public:
  std::uint64_t line() const noexcept { return line_; }
  std::size_t begin_offset() const noexcept { return line_begin_; }  // of its line in the input
  const std::vector<json_member>& members() const noexcept { return members_; }

  // Where an input offset on this line is, for error messages.
  json_position position_at(std::size_t offset) const;

 private:
  friend class json_lines_reader;

  const char* text_ = nullptr;
  std::size_t line_begin_ = 0;      // input offset of the line's first byte
  std::uint64_t line_ = 0;
  std::vector<json_member> members_;
  std::string decoded_;  // strings with escapes, decoded; reserved so that views stay valid
};

// Reads one object per line from `text`, which must outlive the reader and its records. LF or
// CR LF ends a line; a UTF-8 BOM at the start is skipped.
class json_lines_reader {
 public:
  explicit json_lines_reader(std::string_view text) noexcept;

  // Reads the next non-blank line into `record`; false at the end of the input. Throws
  // json_error; every later call throws the same error again.
  bool next(json_record& record);

 private:
  class line_parser;

  std::string_view text_;
  std::size_t offset_ = 0;  // where the next line starts
  std::uint64_t line_ = 1;  // the line starting at offset_
  bool failed_ = false;
  std::string error_message_;
  json_position error_position_;
};

}  // namespace matchfund::detail

#endif
