#include "support/csv_reader.hpp"

#include "support/utf8.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <system_error>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace matchfund::detail {
namespace {

// The phrases of csv_error, listed with their meaning in csv_reader.hpp.
constexpr const char* invalid_utf8 = "invalid UTF-8";
constexpr const char* null_byte = "null byte";
constexpr const char* quote_inside_unquoted = "quote inside unquoted field";
constexpr const char* after_closing_quote = "unexpected character after closing quote";
constexpr const char* unterminated_quoted = "unterminated quoted field";
constexpr const char* lone_carriage_return = "carriage return without line feed";
constexpr const char* empty_line = "empty line";
constexpr const char* empty_header_name = "empty header name";
constexpr const char* duplicate_header_name = "duplicate header name";
constexpr const char* too_many_fields = "too many fields";
constexpr const char* too_few_fields = "too few fields";

constexpr unsigned char byte_of(char c) noexcept { return static_cast<unsigned char>(c); }

std::size_t distance(const char* first, const char* last) noexcept {
  return static_cast<std::size_t>(last - first);
}

// Bytes that end a run of ordinary field bytes: NUL and non-ASCII need checking, the rest are
// syntax. Inside quotes a comma and a CR are ordinary, and LF only needs the line counted.
constexpr std::array<bool, 256> stop_bytes(bool inside_quotes) noexcept {
  std::array<bool, 256> stops{};
  for (std::size_t b = 0x80; b < stops.size(); ++b) stops[b] = true;
  stops[0] = true;
  stops[byte_of('"')] = true;
  stops[byte_of('\n')] = true;
  if (!inside_quotes) {
    stops[byte_of(',')] = true;
    stops[byte_of('\r')] = true;
  }
  return stops;
}

constexpr std::array<bool, 256> unquoted_stops = stop_bytes(false);
constexpr std::array<bool, 256> quoted_stops = stop_bytes(true);

// Eight bytes at a time (SWAR): a non-zero result iff some byte of `word` is zero. The lowest set
// bit marks the first zero byte exactly; bits above it may be spurious, which is never looked at.
constexpr std::uint64_t low_bits = 0x0101010101010101u;
constexpr std::uint64_t high_bits = 0x8080808080808080u;

constexpr std::uint64_t zero_bytes(std::uint64_t word) noexcept {
  return (word - low_bits) & ~word & high_bits;
}

constexpr std::uint64_t bytes_equal(std::uint64_t word, char c) noexcept {
  return zero_bytes(word ^ (low_bits * std::uint64_t{byte_of(c)}));
}

// Returns the first stop byte at or after `p`, or `end`. This loop is where the reader spends its
// time, hence eight bytes per step rather than a table lookup per byte.
template <bool inside_quotes>
const char* skip_ordinary(const char* p, const char* end) noexcept {
  while (end - p >= 8) {
    std::uint64_t word;
    std::memcpy(&word, p, sizeof word);
    std::uint64_t stops =
        (word & high_bits) | zero_bytes(word) | bytes_equal(word, '"') | bytes_equal(word, '\n');
    if constexpr (!inside_quotes) stops |= bytes_equal(word, ',') | bytes_equal(word, '\r');
    if (stops != 0) {
      if constexpr (std::endian::native == std::endian::little) {
        return p + std::countr_zero(stops) / 8;
      } else {
        break;
      }
    }
    p += 8;
  }
  const std::array<bool, 256>& table = inside_quotes ? quoted_stops : unquoted_stops;
  while (p != end && !table[byte_of(*p)]) ++p;
  return p;
}

// Characters in [first, last), which holds valid UTF-8: the bytes that are not continuations.
std::uint64_t count_characters(const char* first, const char* last) noexcept {
  std::uint64_t count = 0;
  for (; first != last; ++first) count += (byte_of(*first) & 0xC0u) != 0x80u;
  return count;
}

bool is_record_end(const char* p, const char* end) noexcept {
  return p == end || *p == ',' || *p == '\n' || *p == '\r';
}

}  // namespace

csv_error::csv_error(const char* message, csv_position position)
    : std::runtime_error(message), position_(position) {}

csv_position csv_record::position_at(std::size_t offset) const {
  // Line breaks inside the record up to `offset` are all inside quoted fields: count them.
  std::uint64_t line = line_;
  const char* line_begin = text_ + begin_;
  const char* const target = text_ + offset;
  while (const void* found = std::memchr(line_begin, '\n', distance(line_begin, target))) {
    ++line;
    line_begin = static_cast<const char*>(found) + 1;
  }
  return {line, 1 + count_characters(line_begin, target)};
}

csv_reader::csv_reader(std::string_view text) noexcept : text_(text) {
  if (text_.substr(0, 3) == "\xEF\xBB\xBF") offset_ = line_begin_ = 3;
}

bool csv_reader::next(csv_record& record) {
  if (error_message_ != nullptr) throw csv_error(error_message_, error_position_);

  const char* const base = text_.data();
  const char* const end = base + text_.size();
  const char* p = base + offset_;
  record.text_ = base;
  record.begin_ = record.end_ = offset_;
  record.line_ = line_;
  record.fields_.clear();
  record.unescaped_.clear();
  if (p == end) {
    record.line_ = 0;
    return false;
  }
  if (*p == '\n' || (*p == '\r' && end - p >= 2 && p[1] == '\n')) fail(empty_line, p);
  if (read_plain_record(p, record)) return true;

  for (;;) {
    p = p != end && *p == '"' ? read_quoted(p, record) : read_unquoted(p, record);
    if (p != end && *p == ',') {
      ++p;
      continue;
    }
    record.end_ = distance(base, p);
    if (p == end) break;
    if (*p == '\r') {
      if (end - p < 2 || p[1] != '\n') fail(lone_carriage_return, p);
      ++p;
    }
    ++p;  // the LF
    ++line_;
    break;
  }
  offset_ = line_begin_ = distance(base, p);
  return true;
}

// Most records of an event file are plain: fields without quotes, ended by LF. Such a record is
// split sixteen bytes at a time, every comma and the LF found at once (SSE2, part of every
// x86-64); UTF-8 never hides an ASCII byte inside a character, so text in any language splits
// the same way and is validated once per record. `p` is at the record's first byte. False, with
// nothing stored, when a quote, a CR or a NUL comes before the LF, the UTF-8 is invalid, or the
// input ends less than sixteen bytes after the last block read: next() then reads the record
// byte by byte, checks and errors included.
bool csv_reader::read_plain_record(const char* p, csv_record& record) {
#if defined(__SSE2__)
  const char* const base = text_.data();
  const char* const end = base + text_.size();
  std::size_t field_begin = distance(base, p);
  const char* first_non_ascii = nullptr;  // of the record
  for (; end - p >= 16; p += 16) {
    const __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const auto mask_of = [&](char c) {
      return static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(block, _mm_set1_epi8(c))));
    };
    const unsigned line_feeds = mask_of('\n');
    const unsigned in_record = line_feeds != 0 ? (line_feeds & (0u - line_feeds)) - 1 : 0xFFFFu;  // before the LF
    if (((mask_of('"') | mask_of('\r') | mask_of('\0')) & in_record) != 0) break;
    const unsigned non_ascii = static_cast<unsigned>(_mm_movemask_epi8(block)) & in_record;  // high bits
    if (first_non_ascii == nullptr && non_ascii != 0) first_non_ascii = p + std::countr_zero(non_ascii);
    const std::size_t block_offset = distance(base, p);
    for (unsigned commas = mask_of(',') & in_record; commas != 0; commas &= commas - 1) {
      const std::size_t comma = block_offset + static_cast<std::size_t>(std::countr_zero(commas));
      record.fields_.push_back({field_begin, comma - field_begin, field_begin, false, false});
      field_begin = comma + 1;
    }
    if (line_feeds != 0) {
      const std::size_t line_feed = block_offset + static_cast<std::size_t>(std::countr_zero(line_feeds));
      const char* const record_end = base + line_feed;
      if (first_non_ascii != nullptr && find_invalid_utf8({first_non_ascii, distance(first_non_ascii, record_end)})) break;
      record.fields_.push_back({field_begin, line_feed - field_begin, field_begin, false, false});
      record.end_ = line_feed;
      ++line_;
      offset_ = line_begin_ = line_feed + 1;
      return true;
    }
  }
  record.fields_.clear();
#else
  (void)p;
  (void)record;
#endif
  return false;
}

// `p` is at the field's first byte; returns the byte that ends it: `,`, CR, LF or the end.
const char* csv_reader::read_unquoted(const char* p, csv_record& record) {
  const char* const base = text_.data();
  const char* const end = base + text_.size();
  const char* const begin = p;
  for (;;) {
    p = skip_ordinary<false>(p, end);
    if (is_record_end(p, end)) break;
    if (*p == '"') fail(quote_inside_unquoted, p);
    if (*p == '\0') fail(null_byte, p);
    p = skip_utf8(p);
  }
  const std::size_t offset = distance(base, begin);
  record.fields_.push_back({offset, distance(begin, p), offset, false, false});
  return p;
}

// `p` is at the opening quote; returns the byte after the closing quote, which must end the field.
const char* csv_reader::read_quoted(const char* p, csv_record& record) {
  const char* const base = text_.data();
  const char* const end = base + text_.size();
  const char* const open = p;
  const std::uint64_t open_line = line_;  // for the error if the input ends inside the field
  const char* const open_line_begin = base + line_begin_;
  const char* copied_up_to = ++p;  // the value is a view into the input until a `""` shows up
  bool unescaped = false;
  std::size_t value_begin = distance(base, p);
  for (;;) {
    p = skip_ordinary<true>(p, end);
    if (p == end) {
      fail(unterminated_quoted, {open_line, 1 + count_characters(open_line_begin, open)});
    }
    if (*p == '"') {
      if (end - p < 2 || p[1] != '"') break;
      if (!unescaped) {
        unescaped = true;
        value_begin = record.unescaped_.size();
      }
      record.unescaped_.append(copied_up_to, distance(copied_up_to, p + 1));  // keeps one quote
      p += 2;
      copied_up_to = p;
    } else if (*p == '\n') {
      ++line_;
      line_begin_ = distance(base, ++p);
    } else if (*p == '\0') {
      fail(null_byte, p);
    } else {
      p = skip_utf8(p);
    }
  }
  std::size_t size = distance(copied_up_to, p);
  if (unescaped) {
    record.unescaped_.append(copied_up_to, size);
    size = record.unescaped_.size() - value_begin;
  }
  record.fields_.push_back({value_begin, size, distance(base, open), true, unescaped});
  ++p;
  if (!is_record_end(p, end)) fail(after_closing_quote, p);
  return p;
}

// Validates the run of non-ASCII characters at `p`; returns the byte after it.
const char* csv_reader::skip_utf8(const char* p) {
  const char* const end = text_.data() + text_.size();
  do {
    const std::size_t size = utf8_sequence_size(p, end);
    if (size == 0) fail(invalid_utf8, p);
    p += size;
  } while (p != end && byte_of(*p) >= 0x80);
  return p;
}

void csv_reader::fail(const char* message, const char* at) {
  fail(message, {line_, 1 + count_characters(text_.data() + line_begin_, at)});
}

void csv_reader::fail(const char* message, csv_position position) {
  error_message_ = message;
  error_position_ = position;
  throw csv_error(message, position);
}

csv_header::csv_header(const csv_record& header) {
  names_.reserve(header.size());
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (header[i].empty()) throw csv_error(empty_header_name, header.position(i));
    names_.emplace_back(header[i]);
  }
  by_name_.resize(names_.size());
  for (std::size_t i = 0; i < by_name_.size(); ++i) by_name_[i] = i;
  // Stable, so equal names stay in file order and the duplicate reported is the first one a
  // reader of the file would meet.
  std::stable_sort(by_name_.begin(), by_name_.end(),
                   [&](std::size_t a, std::size_t b) { return names_[a] < names_[b]; });
  std::optional<std::size_t> duplicate;
  for (std::size_t i = 1; i < by_name_.size(); ++i) {
    if (names_[by_name_[i - 1]] == names_[by_name_[i]]) {
      duplicate = std::min(duplicate.value_or(by_name_[i]), by_name_[i]);
    }
  }
  if (duplicate) throw csv_error(duplicate_header_name, header.position(*duplicate));
}

std::optional<std::size_t> csv_header::find(std::string_view name) const {
  const auto found = std::lower_bound(
      by_name_.begin(), by_name_.end(), name,
      [&](std::size_t index, std::string_view wanted) { return names_[index] < wanted; });
  if (found == by_name_.end() || names_[*found] != name) return std::nullopt;
  return *found;
}

std::string_view csv_header::name(std::size_t i) const {
  MATCHFUND_ASSERT(i < names_.size(), "csv_header column index out of range");
  return names_[i];
}

void csv_header::check_size(const csv_record& record) const {
  if (record.size() > size()) throw csv_error(too_many_fields, record.position(size()));
  if (record.size() < size()) throw csv_error(too_few_fields, record.end_position());
}

namespace {

struct file_closer {
  void operator()(std::FILE* file) const noexcept { std::fclose(file); }
};

[[noreturn]] void throw_cannot_read(const std::filesystem::path& path, int error) {
  const std::u8string utf8 = path.u8string();
  // Some failures leave errno at 0; EIO keeps the message meaningful and deterministic.
  throw std::runtime_error("cannot read " + std::string(utf8.begin(), utf8.end()) + ": " +
                           std::generic_category().message(error != 0 ? error : EIO));
}

}  // namespace

std::string read_text_file(const std::filesystem::path& path) {
  errno = 0;
#ifdef _WIN32
  std::unique_ptr<std::FILE, file_closer> file(_wfopen(path.c_str(), L"rb"));
#else
  std::unique_ptr<std::FILE, file_closer> file(std::fopen(path.c_str(), "rb"));
#endif
  if (!file) throw_cannot_read(path, errno);
  std::string text;
  std::array<char, 65536> chunk;
  for (;;) {
    errno = 0;
    const std::size_t got = std::fread(chunk.data(), 1, chunk.size(), file.get());
    text.append(chunk.data(), got);
    if (got < chunk.size()) {
      // A directory opens fine on POSIX; reading it fails here with EISDIR.
      if (std::ferror(file.get())) throw_cannot_read(path, errno);
      break;
    }
  }
  return text;
}

}  // namespace matchfund::detail
