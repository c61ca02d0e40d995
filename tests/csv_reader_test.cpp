#include "support/csv_reader.hpp"
#include "write/csv_writer.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cerrno>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <ostream>
#include <random>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

using matchfund::detail::csv_append_field;
using matchfund::detail::csv_error;
using matchfund::detail::csv_header;
using matchfund::detail::csv_needs_quotes;
using matchfund::detail::csv_position;
using matchfund::detail::csv_reader;
using matchfund::detail::csv_record;
using matchfund::detail::read_text_file;

namespace {

using rows = std::vector<std::vector<std::string>>;

rows read_all(std::string_view text) {
  // An exactly sized heap copy, so that a sanitizer build catches any read past the end.
  const std::unique_ptr<char[]> copy(new char[text.size()]);
  std::copy(text.begin(), text.end(), copy.get());
  csv_reader reader({copy.get(), text.size()});
  csv_record record;
  rows result;
  while (reader.next(record)) {
    std::vector<std::string>& row = result.emplace_back();
    for (std::size_t i = 0; i < record.size(); ++i) row.emplace_back(record[i]);
  }
  return result;
}

struct error_seen {
  std::string message;
  std::uint64_t line = 0;
  std::uint64_t column = 0;

  friend bool operator==(const error_seen&, const error_seen&) = default;
};

std::ostream& operator<<(std::ostream& out, const error_seen& error) {
  return out << error.line << ':' << error.column << ": " << error.message;
}

// The error reading all of `text` gives; an empty message when it reads without one.
error_seen read_error(std::string_view text) {
  try {
    read_all(text);
  } catch (const csv_error& error) {
    return {error.what(), error.line(), error.column()};
  }
  return {};
}

bool points_into(std::string_view view, std::string_view buffer) {
  return view.data() >= buffer.data() && view.data() + view.size() <= buffer.data() + buffer.size();
}

}  // namespace

namespace Catch {
template <>
struct StringMaker<csv_position> {
  static std::string convert(const csv_position& position) {
    return std::to_string(position.line) + ':' + std::to_string(position.column);
  }
};
}  // namespace Catch

TEST_CASE("csv plain records", "[csv]") {
  const std::string_view text = "id,name,amount\np1,Alpha,100\np2,Beta,2.5\n";
  csv_reader reader(text);
  csv_record record;

  REQUIRE(reader.next(record));
  REQUIRE(record.size() == 3);
  CHECK(record[0] == "id");
  CHECK(record[1] == "name");
  CHECK(record[2] == "amount");
  CHECK(record.line() == 1);
  CHECK(record.column(0) == 1);
  CHECK(record.column(1) == 4);
  CHECK(record.column(2) == 9);
  CHECK_FALSE(record.quoted(0));
  CHECK(points_into(record[1], text));  // a view into the input, not a copy

  REQUIRE(reader.next(record));
  CHECK(record.line() == 2);
  CHECK(record.size() == 3);
  CHECK(record[2] == "100");

  REQUIRE(reader.next(record));
  CHECK(record.line() == 3);
  CHECK(record[1] == "Beta");
  CHECK(record.end_position() == csv_position{3, 12});

  CHECK_FALSE(reader.next(record));
  CHECK(record.size() == 0);
  CHECK_FALSE(reader.next(record));
}

TEST_CASE("csv quoted fields", "[csv]") {
  const std::string_view text = "\"a\",\"b c\",d,\"\"\n";
  csv_reader reader(text);
  csv_record record;
  REQUIRE(reader.next(record));
  REQUIRE(record.size() == 4);
  CHECK(record[0] == "a");
  CHECK(record[1] == "b c");
  CHECK(record[2] == "d");
  CHECK(record[3].empty());
  CHECK(record.quoted(0));
  CHECK(record.quoted(1));
  CHECK_FALSE(record.quoted(2));
  CHECK(record.quoted(3));
  CHECK(record.column(0) == 1);  // the opening quote
  CHECK(record.column(1) == 5);
  CHECK(record.column(2) == 11);
  CHECK(record.column(3) == 13);
  CHECK(points_into(record[1], text));  // no doubled quotes: still a view into the input
  CHECK_FALSE(reader.next(record));
}

TEST_CASE("csv doubled quotes", "[csv]") {
  const std::string_view text = "\"say \"\"hi\"\"\",\"\"\"\"\"\",\"\"\"\",x\n\"a\"\"\",\"\"\"b\"\n";
  csv_reader reader(text);
  csv_record record;
  REQUIRE(reader.next(record));
  REQUIRE(record.size() == 4);
  CHECK(record[0] == "say \"hi\"");
  CHECK(record[1] == "\"\"");
  CHECK(record[2] == "\"");
  CHECK(record[3] == "x");
  CHECK_FALSE(points_into(record[0], text));  // unescaped into the record's own buffer
  CHECK(record.column(1) == 14);
  CHECK(record.column(3) == 26);

  REQUIRE(reader.next(record));
  CHECK(record[0] == "a\"");
  CHECK(record[1] == "\"b");
  CHECK(record.line() == 2);
  CHECK_FALSE(reader.next(record));
}

TEST_CASE("csv commas, line breaks and CR LF inside quotes", "[csv]") {
  const std::string_view text =
      "\"a,b\",\"line1\nline2\",\"x\r\ny\",\"cr\ronly\"\n"
      "next,row\n";
  csv_reader reader(text);
  csv_record record;
  REQUIRE(reader.next(record));
  REQUIRE(record.size() == 4);
  CHECK(record[0] == "a,b");
  CHECK(record[1] == "line1\nline2");
  CHECK(record[2] == "x\r\ny");
  CHECK(record[3] == "cr\ronly");
  CHECK(record.line() == 1);
  CHECK(record.position(0) == csv_position{1, 1});
  CHECK(record.position(1) == csv_position{1, 7});
  CHECK(record.position(2) == csv_position{2, 8});
  CHECK(record.position(3) == csv_position{3, 4});  // a lone CR inside quotes is not a line break
  CHECK(record.end_position() == csv_position{3, 13});

  REQUIRE(reader.next(record));
  CHECK(record.line() == 4);  // physical lines, so a caller can name file:line
  CHECK(record[0] == "next");
  CHECK(record[1] == "row");
  CHECK_FALSE(reader.next(record));
}

TEST_CASE("csv byte order mark", "[csv]") {
  const std::string_view text = "\xEF\xBB\xBFid,name\n1,x\n";
  csv_reader reader(text);
  csv_record record;
  REQUIRE(reader.next(record));
  CHECK(record[0] == "id");
  CHECK(record.column(0) == 1);
  CHECK(record.column(1) == 4);
  REQUIRE(reader.next(record));
  CHECK(record.line() == 2);

  CHECK(read_all("\xEF\xBB\xBF").empty());
  CHECK(read_all("\xEF\xBB\xBF\"q\"\n") == rows{{"q"}});
  // Only at the start: U+FEFF later on is data.
  CHECK(read_all("a\n\xEF\xBB\xBFz\n") == rows{{"a"}, {"\xEF\xBB\xBFz"}});
  CHECK(read_error("\xEF\xBB\xBF\n") == error_seen{"empty line", 1, 1});
  CHECK(read_error("\xEF\xBB\xBFx,\"y") == error_seen{"unterminated quoted field", 1, 3});
}

TEST_CASE("csv without a final line break", "[csv]") {
  CHECK(read_all("a,b\nc,d") == rows{{"a", "b"}, {"c", "d"}});
  CHECK(read_all("a,\"b\"") == rows{{"a", "b"}});
  CHECK(read_all("a,") == rows{{"a", ""}});
  CHECK(read_all("x") == rows{{"x"}});
  CHECK(read_all("\"\"") == rows{{""}});
  CHECK(read_all("").empty());

  csv_reader reader("a,b\nc,d");
  csv_record record;
  REQUIRE(reader.next(record));
  REQUIRE(reader.next(record));
  CHECK(record.line() == 2);
  CHECK(record.end_position() == csv_position{2, 4});
  CHECK_FALSE(reader.next(record));
}

TEST_CASE("csv CR LF line breaks", "[csv]") {
  CHECK(read_all("a,b\r\nc,d\r\n") == rows{{"a", "b"}, {"c", "d"}});
  CHECK(read_all("\"a\",\"b\"\r\n\"c\",d\r\n") == rows{{"a", "b"}, {"c", "d"}});
  CHECK(read_all("a,b\r\nc,d\ne,f") == rows{{"a", "b"}, {"c", "d"}, {"e", "f"}});

  csv_reader reader("a,b\r\nc,d\r\n");
  csv_record record;
  REQUIRE(reader.next(record));
  CHECK(record.end_position() == csv_position{1, 4});
  REQUIRE(reader.next(record));
  CHECK(record.line() == 2);
  CHECK_FALSE(reader.next(record));
}

TEST_CASE("csv empty fields and trailing comma", "[csv]") {
  CHECK(read_all(",,\n") == rows{{"", "", ""}});
  CHECK(read_all("a,,b\n,x,\n") == rows{{"a", "", "b"}, {"", "x", ""}});
  CHECK(read_all("a,b,\nc,d,\n") == rows{{"a", "b", ""}, {"c", "d", ""}});
  CHECK(read_all("a,b,\r\n") == rows{{"a", "b", ""}});

  csv_reader reader("a,b,\n");
  csv_record record;
  REQUIRE(reader.next(record));
  REQUIRE(record.size() == 3);
  CHECK(record.column(2) == 5);
  CHECK_FALSE(record.quoted(2));
}

TEST_CASE("csv plain records of every length split the same sixteen bytes at a time", "[csv]") {
  // Plain records (no quote, CR or NUL) are split a block of sixteen bytes at a time: commas
  // and the line feed at every position in a block and across blocks, UTF-8 included, and the
  // last record near the end of the input, where a block would not fit.
  const std::vector<std::string> pieces = {"a", "7", " ", "_", "0123456789abcdef", "中", "😀", "é", ""};
  for (std::uint64_t seed = 0; seed < 2000; ++seed) {
    INFO("seed " << seed);
    std::mt19937_64 random(seed);
    const auto below = [&](std::uint64_t bound) { return static_cast<std::size_t>(random() % bound); };
    rows expected(1 + below(6));
    std::string text;
    for (std::size_t r = 0; r < expected.size(); ++r) {
      expected[r].resize(2 + below(8));
      for (std::size_t f = 0; f < expected[r].size(); ++f) {
        for (std::size_t n = below(5); n > 0; --n) expected[r][f] += pieces[below(pieces.size())];
        if (f > 0) text += ',';
        text += expected[r][f];
      }
      if (r + 1 < expected.size() || below(2) == 0) text += '\n';
    }
    CHECK(read_all(text) == expected);
  }
}

TEST_CASE("csv errors past the first sixteen bytes of a record", "[csv]") {
  using namespace std::string_view_literals;
  // Found where the record stops being plain, wherever that falls in a block; a long record
  // follows each, so that the blocks never run into the end of the input.
  const std::string more = "0123456789abcdef,0123456789abcdef\n";
  CHECK(read_error("0123456789abcdef0123,ab\"c\n" + more) == error_seen{"quote inside unquoted field", 1, 24});
  CHECK(read_error(std::string("x,y\n0123456789,abcdef\0x123456789\n"sv) + more) == error_seen{"null byte", 2, 18});
  CHECK(read_error("0123456789abcde,\rx0123456789abcdef\n" + more) == error_seen{"carriage return without line feed", 1, 17});
  CHECK(read_error("0123456789abcdef,中文,\xE4\xB8x0123456789\n" + more) == error_seen{"invalid UTF-8", 1, 21});
  CHECK(read_error("0123456789abcdef,\xED\xA0\x80,0123456789abcdef\n" + more) == error_seen{"invalid UTF-8", 1, 18});
  CHECK(read_error("ab,\xFF\n" + more) == error_seen{"invalid UTF-8", 1, 4});
  CHECK(read_error("0123456789abcdef0123456789abcdef\n\n" + more) == error_seen{"empty line", 2, 1});
  // Not errors: CR LF, quoted fields and a last record without a line break, read byte by byte.
  CHECK(read_all("0123456789abcdef,\"a,b\",0123456789abcdef\r\n0123456789abcdef,x") ==
        rows{{"0123456789abcdef", "a,b", "0123456789abcdef"}, {"0123456789abcdef", "x"}});
}

TEST_CASE("csv lone carriage return", "[csv]") {
  CHECK(read_error("a\rb\n") == error_seen{"carriage return without line feed", 1, 2});
  CHECK(read_error("x,y\na,b\r") == error_seen{"carriage return without line feed", 2, 4});
  CHECK(read_error("\"a\"\rb") == error_seen{"carriage return without line feed", 1, 4});
  CHECK(read_error("\r") == error_seen{"carriage return without line feed", 1, 1});
  CHECK(read_error("a,\r\r\n") == error_seen{"carriage return without line feed", 1, 3});
}

TEST_CASE("csv quote inside unquoted field", "[csv]") {
  CHECK(read_error("ab\"c\n") == error_seen{"quote inside unquoted field", 1, 3});
  CHECK(read_error("x\na, \"b\"\n") == error_seen{"quote inside unquoted field", 2, 4});
  CHECK(read_error("a\"\"\n") == error_seen{"quote inside unquoted field", 1, 2});
}

TEST_CASE("csv junk after closing quote", "[csv]") {
  const char* const message = "unexpected character after closing quote";
  CHECK(read_error("\"a\"b\n") == error_seen{message, 1, 4});
  CHECK(read_error("x,\"a\" ,y\n") == error_seen{message, 1, 6});
  CHECK(read_error("\"a\nb\"c\n") == error_seen{message, 2, 3});
  CHECK(read_error("\"\xE4\xB8\xAD\"\xE6\x96\x87") == error_seen{message, 1, 4});
  CHECK(read_error("\"a\"\"\"\"\"x") == error_seen{message, 1, 8});
}

TEST_CASE("csv unterminated quoted field names the line it starts on", "[csv]") {
  const char* const message = "unterminated quoted field";
  CHECK(read_error("x\ny,\"abc\nd\ne") == error_seen{message, 2, 3});
  CHECK(read_error("\"") == error_seen{message, 1, 1});
  CHECK(read_error("a,\"b\"\"") == error_seen{message, 1, 3});  // `""` is a quote, not the end
  CHECK(read_error("\xE4\xB8\xAD,\"\xE6\x96\x87\n\n\n") == error_seen{message, 1, 3});
}

TEST_CASE("csv invalid UTF-8", "[csv]") {
  const char* const message = "invalid UTF-8";
  CHECK(read_error("a\x80x\n") == error_seen{message, 1, 2});            // lone continuation
  CHECK(read_error("\xC0\xAF\n") == error_seen{message, 1, 1});          // overlong '/'
  CHECK(read_error("\xC1\xBF\n") == error_seen{message, 1, 1});          // overlong
  CHECK(read_error("\xE0\x80\xAF\n") == error_seen{message, 1, 1});      // overlong 3 bytes
  CHECK(read_error("\xF0\x8F\xBF\xBF\n") == error_seen{message, 1, 1});  // overlong 4 bytes
  CHECK(read_error("x,\xED\xA0\x80\n") == error_seen{message, 1, 3});    // surrogate D800
  CHECK(read_error("\xED\xBF\xBF\n") == error_seen{message, 1, 1});      // surrogate DFFF
  CHECK(read_error("\xF4\x90\x80\x80\n") == error_seen{message, 1, 1});  // above U+10FFFF
  CHECK(read_error("\xF5\x80\x80\x80\n") == error_seen{message, 1, 1});
  CHECK(read_error("\xFF\n") == error_seen{message, 1, 1});
  CHECK(read_error("\xFE\n") == error_seen{message, 1, 1});
  CHECK(read_error("ab\xE4\xB8") == error_seen{message, 1, 3});    // truncated at end
  CHECK(read_error("\xE4\xB8,x\n") == error_seen{message, 1, 1});  // truncated by ','
  CHECK(read_error("\xF0\x9F\x98\n") == error_seen{message, 1, 1});
  CHECK(read_error("\xC3") == error_seen{message, 1, 1});
  CHECK(read_error("\"\xE4\xB8\xAD\xE4\"\n") == error_seen{message, 1, 3});  // inside quotes
  CHECK(read_error("\"a\n\xE4\xB8\xAD\xBF\"\n") == error_seen{message, 2, 2});
  // Boundaries that are valid.
  CHECK(read_all("\xC2\x80,\xDF\xBF,\xE0\xA0\x80,\xED\x9F\xBF,\xEE\x80\x80,\xEF\xBF\xBF\n") ==
        rows{{"\xC2\x80", "\xDF\xBF", "\xE0\xA0\x80", "\xED\x9F\xBF", "\xEE\x80\x80",
              "\xEF\xBF\xBF"}});
  CHECK(read_all("\xF0\x90\x80\x80,\xF4\x8F\xBF\xBF,\xF0\x9F\x98\x80\n") ==
        rows{{"\xF0\x90\x80\x80", "\xF4\x8F\xBF\xBF", "\xF0\x9F\x98\x80"}});
}

TEST_CASE("csv NUL byte", "[csv]") {
  using namespace std::string_view_literals;
  CHECK(read_error("a\0b\n"sv) == error_seen{"null byte", 1, 2});
  CHECK(read_error("x\n\"a\0\"\n"sv) == error_seen{"null byte", 2, 3});
  CHECK(read_error("\0"sv) == error_seen{"null byte", 1, 1});
  CHECK(read_error("0123456789abcdef\0"sv) == error_seen{"null byte", 1, 17});
}

TEST_CASE("csv empty line", "[csv]") {
  CHECK(read_error("a,b\n\nc,d\n") == error_seen{"empty line", 2, 1});
  CHECK(read_error("a,b\r\n\r\nc,d\r\n") == error_seen{"empty line", 2, 1});
  CHECK(read_error("\n") == error_seen{"empty line", 1, 1});
  CHECK(read_error("\na,b\n") == error_seen{"empty line", 1, 1});
  CHECK(read_error("a,b\n\n") == error_seen{"empty line", 2, 1});
  CHECK(read_error("a,\"b\n\n\"\n\n") == error_seen{"empty line", 4, 1});
  // Blank lines inside a quoted field are data; a final line break is not an empty line.
  CHECK(read_all("a,\"b\n\n\"\n") == rows{{"a", "b\n\n"}});
  CHECK(read_all("a,b\n") == rows{{"a", "b"}});
  // Spaces are data.
  CHECK(read_all("a\n \n") == rows{{"a"}, {" "}});
}

TEST_CASE("csv columns count UTF-8 characters", "[csv]") {
  const std::string_view text =
      "名称,金额,备注\n"
      "\"中国\"\"人\",壹佰,😀x\n";
  csv_reader reader(text);
  csv_record record;
  REQUIRE(reader.next(record));
  CHECK(record[0] == "名称");
  CHECK(record.column(1) == 4);
  CHECK(record.column(2) == 7);
  REQUIRE(reader.next(record));
  CHECK(record[0] == "中国\"人");
  CHECK(record[1] == "壹佰");
  CHECK(record[2] == "😀x");
  CHECK(record.column(1) == 9);
  CHECK(record.column(2) == 12);
  CHECK(record.end_position() == csv_position{2, 14});

  CHECK(read_error("名称,金额\n\"中国\"\"人\",坏\"x\n") ==
        error_seen{"quote inside unquoted field", 2, 10});
  CHECK(read_error("配捐,\"资金\n池\"规则") ==
        error_seen{"unexpected character after closing quote", 2, 3});
}

TEST_CASE("csv errors repeat once thrown", "[csv]") {
  csv_reader reader("a,b\nc\"\nd\n");
  csv_record record;
  REQUIRE(reader.next(record));
  for (int attempt = 0; attempt < 2; ++attempt) {
    try {
      reader.next(record);
      FAIL("no error");
    } catch (const csv_error& error) {
      CHECK(std::string(error.what()) == "quote inside unquoted field");
      CHECK(error.position() == csv_position{2, 2});
    }
  }
}

TEST_CASE("csv records are independent", "[csv]") {
  // The header record keeps its values while others are read (each record owns its buffer).
  const std::string_view text = "\"i\"\"d\",name\n\"x\"\"y\",z\n";
  csv_reader reader(text);
  csv_record header;
  csv_record row;
  REQUIRE(reader.next(header));
  REQUIRE(reader.next(row));
  CHECK(header[0] == "i\"d");
  CHECK(row[0] == "x\"y");
}

TEST_CASE("csv header", "[csv]") {
  csv_reader reader("kind,id,time,attr.city\r\ndonation,d1,0,上海\r\nrefund,r1\r\na,b,c,d,e\r\n");
  csv_record record;
  REQUIRE(reader.next(record));
  const csv_header header(record);
  CHECK(header.size() == 4);
  CHECK(header.name(3) == "attr.city");
  CHECK(header.find("kind") == std::optional<std::size_t>{0});
  CHECK(header.find("id") == std::optional<std::size_t>{1});
  CHECK(header.find("time") == std::optional<std::size_t>{2});
  CHECK(header.find("attr.city") == std::optional<std::size_t>{3});
  CHECK_FALSE(header.find("Kind").has_value());
  CHECK_FALSE(header.find("").has_value());
  CHECK_FALSE(header.find("zzz").has_value());

  REQUIRE(reader.next(record));
  CHECK_NOTHROW(header.check_size(record));
  REQUIRE(reader.next(record));
  try {
    header.check_size(record);
    FAIL("no error");
  } catch (const csv_error& error) {
    CHECK(std::string(error.what()) == "too few fields");
    CHECK(error.position() == csv_position{3, 10});
  }
  REQUIRE(reader.next(record));
  try {
    header.check_size(record);
    FAIL("no error");
  } catch (const csv_error& error) {
    CHECK(std::string(error.what()) == "too many fields");
    CHECK(error.position() == csv_position{4, 9});
  }
}

TEST_CASE("csv header rejects empty and duplicate names", "[csv]") {
  const auto header_error = [](std::string_view text) -> error_seen {
    csv_reader reader(text);
    csv_record record;
    REQUIRE(reader.next(record));
    try {
      csv_header header(record);
    } catch (const csv_error& error) {
      return {error.what(), error.line(), error.column()};
    }
    return {};
  };
  CHECK(header_error("id,name,id\n") == error_seen{"duplicate header name", 1, 9});
  // The first repetition in file order, whatever the names sort as.
  CHECK(header_error("z,a,z,a\n") == error_seen{"duplicate header name", 1, 5});
  CHECK(header_error("b,a,a,b\n") == error_seen{"duplicate header name", 1, 5});
  CHECK(header_error("名称,\"名称\"\n") == error_seen{"duplicate header name", 1, 4});
  CHECK(header_error("id,,name\n") == error_seen{"empty header name", 1, 4});
  CHECK(header_error("id,\"\"\n") == error_seen{"empty header name", 1, 4});
  CHECK(header_error("id,name\n") == error_seen{});
}

TEST_CASE("csv minimal quoting for output", "[csv]") {
  const auto field = [](std::string_view value) {
    std::string out;
    csv_append_field(out, value);
    return out;
  };
  CHECK(field("abc") == "abc");
  CHECK(field("") == "");
  CHECK(field(" padded ") == " padded ");
  CHECK(field("中文") == "中文");
  CHECK(field("a,b") == "\"a,b\"");
  CHECK(field("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(field("\"") == "\"\"\"\"");
  CHECK(field("a\nb") == "\"a\nb\"");
  CHECK(field("a\rb") == "\"a\rb\"");
  CHECK_FALSE(csv_needs_quotes("plain text; 'single' quotes\t"));
  CHECK(csv_needs_quotes("\r"));

  std::string out = "x,";
  csv_append_field(out, "y\"");
  CHECK(out == "x,\"y\"\"\"");
}

TEST_CASE("csv round trip of random fields", "[csv]") {
  // Pieces chosen to hit every special case of the syntax, multi-byte characters and runs long
  // enough for the eight-bytes-at-a-time scan.
  const std::vector<std::string> pieces = {
      "a",  "B",  "7",  " ",  ",",  "\r\n", "\"\"", "0123456789abcdef",
      "\"", "\r", "\n", "中", "文", "😀",    "é"};
  for (std::uint64_t seed = 0; seed < 3000; ++seed) {
    INFO("seed " << seed);
    std::mt19937_64 random(seed);
    const auto below = [&](std::uint64_t bound) {
      return static_cast<std::size_t>(random() % bound);
    };

    rows expected(1 + below(5));
    std::string text;
    std::vector<std::uint64_t> lines;
    std::uint64_t line = 1;
    for (std::size_t r = 0; r < expected.size(); ++r) {
      // Two fields or more: a record of one empty field would be an empty line.
      expected[r].resize(2 + below(5));
      lines.push_back(line);
      for (std::size_t f = 0; f < expected[r].size(); ++f) {
        std::string& value = expected[r][f];
        for (std::size_t n = below(7); n > 0; --n) value += pieces[below(pieces.size())];
        if (f > 0) text += ',';
        csv_append_field(text, value);
      }
      for (const std::string& value : expected[r]) {
        for (char c : value) line += c == '\n';
      }
      ++line;
      const bool last = r + 1 == expected.size();
      if (!last || below(2) == 0) text += below(2) == 0 ? "\n" : "\r\n";
    }

    csv_reader reader(text);
    csv_record record;
    for (std::size_t r = 0; r < expected.size(); ++r) {
      REQUIRE(reader.next(record));
      REQUIRE(record.size() == expected[r].size());
      CHECK(record.line() == lines[r]);
      for (std::size_t f = 0; f < record.size(); ++f) {
        CHECK(record[f] == expected[r][f]);
        CHECK(record.quoted(f) == csv_needs_quotes(expected[r][f]));
      }
    }
    CHECK_FALSE(reader.next(record));
  }
}

TEST_CASE("read_text_file", "[csv]") {
  namespace fs = std::filesystem;
  const fs::path directory = fs::temp_directory_path();
  const fs::path missing = directory / "matchfund-no-such-directory" / "projects.csv";
  try {
    read_text_file(missing);
    FAIL("no error");
  } catch (const std::runtime_error& error) {
    CHECK(std::string(error.what()) ==
          "cannot read " + missing.string() + ": " + std::generic_category().message(ENOENT));
  }

  std::random_device entropy;  // only to keep concurrent runs apart
  const fs::path file = directory / ("matchfund-csv-test-" + std::to_string(entropy()) + ".csv");
  const std::string content =
      std::string("\xEF\xBB\xBFid\r\n\"a\0b\"\n", 13) + std::string(200000, 'x');
  {
    std::ofstream out(file, std::ios::binary);
    out << content;
  }
  const std::string read = read_text_file(file);
  fs::remove(file);
  CHECK(read == content);
}
