#include "read/json_lines.hpp"

#include "support/utf8.hpp"

#include <cstring>

#include "matchfund/assert.hpp"

namespace matchfund::detail {
namespace {

constexpr unsigned char byte_of(char c) noexcept { return static_cast<unsigned char>(c); }

constexpr bool is_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\r'; }

constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

std::size_t distance(const char* first, const char* last) noexcept {
  return static_cast<std::size_t>(last - first);
}

// Characters in [first, last): the bytes that are not UTF-8 continuations.
std::uint64_t count_characters(const char* first, const char* last) noexcept {
  std::uint64_t count = 0;
  for (; first != last; ++first) count += (byte_of(*first) & 0xC0u) != 0x80u;
  return count;
}

int hex_digit(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void append_utf8(std::string& out, std::uint32_t code_point) {
  if (code_point < 0x80) {
    out.push_back(static_cast<char>(code_point));
  } else if (code_point < 0x800) {
    out.push_back(static_cast<char>(0xC0u | (code_point >> 6)));
    out.push_back(static_cast<char>(0x80u | (code_point & 0x3Fu)));
  } else if (code_point < 0x10000) {
    out.push_back(static_cast<char>(0xE0u | (code_point >> 12)));
    out.push_back(static_cast<char>(0x80u | ((code_point >> 6) & 0x3Fu)));
    out.push_back(static_cast<char>(0x80u | (code_point & 0x3Fu)));
  } else {
    out.push_back(static_cast<char>(0xF0u | (code_point >> 18)));
    out.push_back(static_cast<char>(0x80u | ((code_point >> 12) & 0x3Fu)));
    out.push_back(static_cast<char>(0x80u | ((code_point >> 6) & 0x3Fu)));
    out.push_back(static_cast<char>(0x80u | (code_point & 0x3Fu)));
  }
}

std::string must_be_scalar(std::string_view key) {
  return "the value of \"" + std::string(key) + "\" must be a string, number, boolean or null";
}

}  // namespace

json_error::json_error(const std::string& message, json_position position)
    : std::runtime_error(message), position_(position) {}

json_position json_record::position_at(std::size_t offset) const {
  std::size_t begin = line_begin_;
  // A BOM is not a character of the first line.
  if (begin == 0 && offset >= 3 && std::memcmp(text_, "\xEF\xBB\xBF", 3) == 0) begin = 3;
  return {line_, 1 + count_characters(text_ + begin, text_ + offset)};
}

// Parses one line, [begin, end) without its line break, into a record.
class json_lines_reader::line_parser {
 public:
  line_parser(const char* begin, const char* end, json_record& record) noexcept
      : p_(begin), end_(end), record_(record), decoded_data_(record.decoded_.data()) {}

  void parse() {
    skip_space();
    if (p_ == end_ || *p_ != '{') fail("a line must be one JSON object");
    parse_object(json_no_parent);
    skip_space();
    if (p_ != end_) fail("invalid JSON: unexpected text after the object");
  }

 private:
  // `p_` is at `{`; on return it is after the matching `}`.
  void parse_object(std::uint32_t parent) {
    ++p_;
    const std::size_t first_member = record_.members_.size();
    skip_space();
    if (p_ != end_ && *p_ == '}') {
      ++p_;
      return;
    }
    for (;;) {
      skip_space();
      // "double quotes" names the character; no floating point is involved anywhere here.
      if (p_ == end_ || *p_ != '"') fail("invalid JSON: expected a key in double quotes");
      json_member member;
      member.parent = parent;
      member.key_offset = offset(p_);
      member.key = parse_string();
      for (std::size_t i = first_member; i < record_.members_.size(); ++i) {
        const json_member& other = record_.members_[i];
        if (other.parent == parent && other.key == member.key) {
          fail_at("duplicate key \"" + std::string(member.key) + "\"", member.key_offset);
        }
      }
      skip_space();
      if (p_ == end_ || *p_ != ':') fail("invalid JSON: expected ':' after the key");
      ++p_;
      skip_space();
      member.value_offset = offset(p_);
      const auto index = static_cast<std::uint32_t>(record_.members_.size());
      if (p_ != end_ && *p_ == '{' && parent == json_no_parent) {
        member.kind = json_kind::object;
        record_.members_.push_back(member);
        parse_object(index);
      } else {
        if (p_ != end_ && (*p_ == '{' || *p_ == '[')) fail_at(must_be_scalar(member.key), member.value_offset);
        parse_scalar(member);
        record_.members_.push_back(member);
      }
      skip_space();
      if (p_ != end_ && *p_ == ',') {
        ++p_;
        continue;
      }
      if (p_ != end_ && *p_ == '}') {
        ++p_;
        return;
      }
      fail("invalid JSON: expected ',' or '}'");
    }
  }

  void parse_scalar(json_member& member) {
    if (p_ == end_) fail("invalid JSON: expected a value");
    if (*p_ == '"') {
      member.kind = json_kind::string;
      member.text = parse_string();
      return;
    }
    if (*p_ == '-' || is_digit(*p_)) {
      member.kind = json_kind::number;
      member.text = parse_number();
      return;
    }
    for (std::string_view literal : {std::string_view{"true"}, std::string_view{"false"}, std::string_view{"null"}}) {
      if (distance(p_, end_) >= literal.size() && std::string_view(p_, literal.size()) == literal) {
        member.kind = literal == "null" ? json_kind::null : json_kind::boolean;
        member.text = literal == "null" ? std::string_view{} : literal;
        const char* const begin = p_;
        p_ += literal.size();
        if (p_ != end_ && !is_delimiter(*p_)) fail_at("invalid JSON: expected a value", offset(begin));
        return;
      }
    }
    check_character(p_);
    fail("invalid JSON: expected a value");
  }

  // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? followed by a delimiter.
  std::string_view parse_number() {
    const char* const begin = p_;
    if (*p_ == '-') ++p_;
    if (p_ == end_ || !is_digit(*p_)) fail_at("invalid JSON: invalid number", offset(begin));
    if (*p_ == '0') {
      ++p_;
    } else {
      while (p_ != end_ && is_digit(*p_)) ++p_;
    }
    if (p_ != end_ && *p_ == '.') {
      ++p_;
      if (p_ == end_ || !is_digit(*p_)) fail_at("invalid JSON: invalid number", offset(begin));
      while (p_ != end_ && is_digit(*p_)) ++p_;
    }
    if (p_ != end_ && (*p_ == 'e' || *p_ == 'E')) {
      ++p_;
      if (p_ != end_ && (*p_ == '+' || *p_ == '-')) ++p_;
      if (p_ == end_ || !is_digit(*p_)) fail_at("invalid JSON: invalid number", offset(begin));
      while (p_ != end_ && is_digit(*p_)) ++p_;
    }
    if (p_ != end_ && !is_delimiter(*p_)) fail_at("invalid JSON: invalid number", offset(begin));
    return {begin, distance(begin, p_)};
  }

  // `p_` is at the opening quote; on return it is after the closing quote.
  std::string_view parse_string() {
    const char* const open = p_;
    ++p_;
    const char* copied_up_to = p_;
    bool escaped = false;
    std::size_t decoded_begin = 0;
    for (;;) {
      while (p_ != end_ && byte_of(*p_) >= 0x20 && *p_ != '"' && *p_ != '\\' && byte_of(*p_) < 0x80) ++p_;
      if (p_ == end_) fail_at("invalid JSON: unterminated string", offset(open));
      const char c = *p_;
      if (c == '"') break;
      if (byte_of(c) >= 0x80) {
        const std::size_t size = utf8_sequence_size(p_, end_);
        if (size == 0) fail("invalid UTF-8");
        p_ += size;
        continue;
      }
      if (c != '\\') {
        if (c == '\0') fail("null byte");
        fail("invalid JSON: control character in a string (write it as an escape)");
      }
      // An escape: the value is decoded into the record's buffer from here on.
      std::string& decoded = record_.decoded_;
      if (!escaped) {
        escaped = true;
        decoded_begin = decoded.size();
      }
      decoded.append(copied_up_to, distance(copied_up_to, p_));
      const char* const escape = p_;
      if (end_ - p_ < 2) fail("invalid JSON: invalid escape sequence");
      switch (p_[1]) {
        case '"': decoded.push_back('"'); break;
        case '\\': decoded.push_back('\\'); break;
        case '/': decoded.push_back('/'); break;
        case 'b': decoded.push_back('\b'); break;
        case 'f': decoded.push_back('\f'); break;
        case 'n': decoded.push_back('\n'); break;
        case 'r': decoded.push_back('\r'); break;
        case 't': decoded.push_back('\t'); break;
        case 'u': {
          p_ += 2;
          std::uint32_t code_point = read_hex4(escape);
          if (code_point >= 0xDC00 && code_point <= 0xDFFF) {
            fail_at("invalid JSON: unpaired surrogate in a \\u escape", offset(escape));
          }
          if (code_point >= 0xD800 && code_point <= 0xDBFF) {
            if (end_ - p_ < 2 || p_[0] != '\\' || p_[1] != 'u') {
              fail_at("invalid JSON: unpaired surrogate in a \\u escape", offset(escape));
            }
            p_ += 2;
            const std::uint32_t low = read_hex4(escape);
            if (low < 0xDC00 || low > 0xDFFF) {
              fail_at("invalid JSON: unpaired surrogate in a \\u escape", offset(escape));
            }
            code_point = 0x10000 + ((code_point - 0xD800) << 10) + (low - 0xDC00);
          }
          if (code_point == 0) fail_at("null character (\\u0000) in a string", offset(escape));
          append_utf8(decoded, code_point);
          copied_up_to = p_;
          continue;
        }
        default:
          fail("invalid JSON: invalid escape sequence");
      }
      p_ += 2;
      copied_up_to = p_;
    }
    const char* const close = p_;
    ++p_;
    if (!escaped) return {copied_up_to, distance(copied_up_to, close)};
    std::string& decoded = record_.decoded_;
    decoded.append(copied_up_to, distance(copied_up_to, close));
    // Decoding never lengthens text, and decoded_ was reserved for the whole line: no
    // reallocation has moved the views handed out before.
    MATCHFUND_ASSERT(decoded.data() == decoded_data_, "json_lines decoded buffer reallocated");
    return {decoded.data() + decoded_begin, decoded.size() - decoded_begin};
  }

  // Four hex digits at `p_`, advancing past them.
  std::uint32_t read_hex4(const char* escape) {
    if (end_ - p_ < 4) fail_at("invalid JSON: invalid \\u escape", offset(escape));
    std::uint32_t code_point = 0;
    for (int i = 0; i < 4; ++i) {
      const int digit = hex_digit(p_[i]);
      if (digit < 0) fail_at("invalid JSON: invalid \\u escape", offset(escape));
      code_point = code_point * 16 + static_cast<std::uint32_t>(digit);
    }
    p_ += 4;
    return code_point;
  }

  static bool is_delimiter(char c) noexcept { return is_space(c) || c == ',' || c == '}' || c == ']'; }

  void skip_space() noexcept {
    while (p_ != end_ && is_space(*p_)) ++p_;
  }

  // Reports bytes that are not characters at all before a syntax error at the same place.
  void check_character(const char* at) {
    if (*at == '\0') fail("null byte");
    if (byte_of(*at) >= 0x80 && utf8_sequence_size(at, end_) == 0) fail("invalid UTF-8");
  }

  std::size_t offset(const char* at) const noexcept { return distance(record_.text_, at); }

  [[noreturn]] void fail(const std::string& message) {
    if (p_ != end_ && message.starts_with("invalid JSON")) check_character(p_);
    fail_at(message, offset(p_));
  }

  [[noreturn]] void fail_at(const std::string& message, std::size_t at) {
    throw json_error(message, record_.position_at(at));
  }

  const char* p_;
  const char* end_;
  json_record& record_;
  const char* decoded_data_;  // where record_.decoded_ lives for the whole line
};

json_lines_reader::json_lines_reader(std::string_view text) noexcept : text_(text) {
  if (text_.substr(0, 3) == "\xEF\xBB\xBF") offset_ = 3;
}

bool json_lines_reader::next(json_record& record) {
  if (failed_) throw json_error(error_message_, error_position_);
  const char* const base = text_.data();
  const char* const end = base + text_.size();
  record.text_ = base;
  record.members_.clear();
  record.decoded_.clear();
  std::uint64_t first_blank_line = 0;
  try {
    while (offset_ < text_.size()) {
      const char* const line_begin = base + offset_;
      const void* found = std::memchr(line_begin, '\n', distance(line_begin, end));
      const char* const line_end = found != nullptr ? static_cast<const char*>(found) : end;
      const std::uint64_t line = line_++;
      offset_ = found != nullptr ? distance(base, line_end) + 1 : text_.size();
      record.line_begin_ = distance(base, line_begin);
      record.line_ = line;
      const char* first = line_begin;
      while (first != line_end && is_space(*first)) ++first;
      if (first == line_end) {
        if (first_blank_line == 0) first_blank_line = line;
        continue;
      }
      if (first_blank_line != 0) throw json_error("empty line", {first_blank_line, 1});
      const std::size_t size = distance(line_begin, line_end);
      if (record.decoded_.capacity() < size) record.decoded_.reserve(size);
      line_parser(line_begin, line_end, record).parse();
      return true;
    }
  } catch (const json_error& e) {
    failed_ = true;
    error_message_ = e.what();
    error_position_ = e.position();
    record.members_.clear();
    throw;
  }
  record.line_ = 0;
  return false;
}

}  // namespace matchfund::detail
