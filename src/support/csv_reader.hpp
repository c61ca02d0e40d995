// Strict RFC 4180 CSV over an in-memory UTF-8 buffer (quoting for output: write/csv_writer.hpp).
//
// Internal: the loaders read projects.csv, donors.csv, close-out tables and event files with it.
// The reader never copies the input: a field is a view into the buffer, or, when it contains
// doubled quotes, into a buffer owned by the record that is reused from record to record, so a
// warmed-up loop over a file of millions of lines does not allocate.
#ifndef MATCHFUND_SRC_CSV_READER_HPP
#define MATCHFUND_SRC_CSV_READER_HPP

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "matchfund/assert.hpp"
#include <vector>

namespace matchfund::detail {

// A place in a CSV text. `line` counts physical lines from 1: every LF counts, also one inside a
// quoted field, so "file:line" leads to the spot in an editor. `column` counts characters
// (UTF-8 code points) from 1, not bytes; a UTF-8 BOM at the start of the text is not counted.
struct csv_position {
  std::uint64_t line = 0;
  std::uint64_t column = 0;

  friend bool operator==(const csv_position&, const csv_position&) = default;
};

// Malformed CSV. what() is one of these phrases, without position (the caller writes
// "file:line:col: message"); the position is where the problem is:
//   "invalid UTF-8"                      first byte of an invalid, overlong, surrogate, out of
//                                        range or truncated UTF-8 sequence
//   "null byte"                          a NUL byte anywhere
//   "quote inside unquoted field"        a `"` in a field that does not start with one
//   "unexpected character after closing quote"
//                                        what follows a quoted field if not `,`, CR LF, LF or
//                                        the end of the input
//   "unterminated quoted field"          the opening quote of a field the input ends inside
//   "carriage return without line feed"  a CR outside quotes not followed by LF
//   "empty line"                         column 1 of a line holding nothing but its line break
//                                        (a record of one empty field is written `""`)
// and, from csv_header:
//   "empty header name"                  the empty header field
//   "duplicate header name"              the second header field with a name already seen
//   "too many fields"                    the first field beyond the header's width
//   "too few fields"                     the end of the record (its line break or end of input)
class csv_error : public std::runtime_error {
 public:
  csv_error(const char* message, csv_position position);

  std::uint64_t line() const noexcept { return position_.line; }
  std::uint64_t column() const noexcept { return position_.column; }
  csv_position position() const noexcept { return position_; }

 private:
  csv_position position_;
};

// One record, filled by csv_reader::next and meant to be reused for the next one. Its views stay
// valid until it is passed to next() again or destroyed, and as long as the reader's input lives.
class csv_record {
 public:
  std::size_t size() const noexcept { return fields_.size(); }

  std::string_view operator[](std::size_t i) const {
    const field_slot& field = at(i);
    return {(field.unescaped ? unescaped_.data() : text_) + field.begin, field.size};
  }

  // Whether field i was written in quotes (an empty `""` is quoted, an empty `` is not).
  bool quoted(std::size_t i) const { return at(i).quoted; }

  // Line on which the record starts.
  std::uint64_t line() const noexcept { return line_; }
  std::size_t begin_offset() const noexcept { return begin_; }  // of its first byte in the input

  // Where field i starts: its opening quote when quoted. A field after a quoted field holding a
  // line break starts on a later line than the record. Found by rescanning the record, so it is
  // meant for error messages, not for every field.
  csv_position position(std::size_t i) const { return position_at(at(i).raw_begin); }
  std::uint64_t column(std::size_t i) const { return position(i).column; }

  // Where the record ends: its line break, or the end of the input.
  csv_position end_position() const { return position_at(end_); }

 private:
  friend class csv_reader;

  struct field_slot {
    std::size_t begin;      // value offset, in the input or in unescaped_
    std::size_t size;       // value length in bytes
    std::size_t raw_begin;  // input offset of the field's first byte (its opening quote if quoted)
    bool quoted;
    bool unescaped;  // the value had doubled quotes and lives in unescaped_
  };

  const field_slot& at(std::size_t i) const {
    MATCHFUND_ASSERT(i < fields_.size(), "csv_record field index out of range");
    return fields_[i];
  }

  csv_position position_at(std::size_t offset) const;

  const char* text_ = nullptr;
  std::size_t begin_ = 0;  // input offset of the record's first byte, always at a line start
  std::size_t end_ = 0;    // input offset of the record's line break or of the end of input
  std::uint64_t line_ = 0;
  std::vector<field_slot> fields_;
  std::string unescaped_;  // values of quoted fields with `""` collapsed, back to back
};

// Reads records one at a time from `text`, which must outlive the reader and its records.
//
// RFC 4180: fields separated by `,`, records by LF or CR LF, the last line break optional; a
// quoted field may hold `,`, CR, LF and `""` (one quote). Stricter than the RFC's "should": the
// text must be UTF-8 without NUL bytes, and a line holding only a line break is an error (one
// empty unquoted field is indistinguishable from a stray blank line). The number of fields is
// not checked here; csv_header::check_size does that against a header.
class csv_reader {
 public:
  // Skips a UTF-8 byte order mark at the start of `text`.
  explicit csv_reader(std::string_view text) noexcept;

  // Reads the next record into `record`; false at the end of the input (and `record` is then
  // empty). Throws csv_error on malformed input, leaving `record` unspecified; every later call
  // throws the same error again.
  bool next(csv_record& record);

 private:
  bool read_plain_record(const char* p, csv_record& record);
  const char* read_unquoted(const char* p, csv_record& record);
  const char* read_quoted(const char* p, csv_record& record);
  const char* skip_utf8(const char* p);
  [[noreturn]] void fail(const char* message, const char* at);
  [[noreturn]] void fail(const char* message, csv_position position);

  std::string_view text_;
  std::size_t offset_ = 0;               // where the next record starts
  std::size_t line_begin_ = 0;           // offset of the first byte of the current physical line
  std::uint64_t line_ = 1;               // current physical line
  const char* error_message_ = nullptr;  // set once next() has thrown
  csv_position error_position_;
};

// Column names of a header record, looked up by name. Names are compared byte for byte.
class csv_header {
 public:
  // Copies the names. Throws csv_error "empty header name" or "duplicate header name".
  explicit csv_header(const csv_record& header);

  std::optional<std::size_t> find(std::string_view name) const;
  std::size_t size() const noexcept { return names_.size(); }
  std::string_view name(std::size_t i) const;

  // Throws csv_error "too many fields" or "too few fields" unless `record` has size() fields.
  void check_size(const csv_record& record) const;

 private:
  std::vector<std::string> names_;
  std::vector<std::size_t> by_name_;  // indices into names_, sorted by name, for find()
};

// Reads a whole (small) file into a string, as bytes. Throws std::runtime_error
// "cannot read FILE: REASON", REASON being the system's text for the errno of the failure.
std::string read_text_file(const std::filesystem::path& path);

}  // namespace matchfund::detail

#endif
