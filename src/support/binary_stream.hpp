// The byte format of snapshots: little-endian integers of fixed width, texts as a length and
// their bytes, written to a buffer; read back with every read checked against the end (a short
// or damaged snapshot is an error, never a read past the data) and every count against what the
// data can hold. checksum64 guards the whole. Internal.
#ifndef MATCHFUND_SRC_BINARY_STREAM_HPP
#define MATCHFUND_SRC_BINARY_STREAM_HPP

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "matchfund/error.hpp"
#include "matchfund/money.hpp"
#include "matchfund/timestamp.hpp"

namespace matchfund::detail {

// A 64-bit checksum of `bytes`, eight bytes at a time: it finds damage, not tampering.
inline std::uint64_t checksum64(std::string_view bytes) noexcept {
  constexpr std::uint64_t k1 = 0x9E3779B97F4A7C15ULL, k2 = 0xC2B2AE3D27D4EB4FULL;
  std::uint64_t h = 0x27D4EB2F165667C5ULL ^ (bytes.size() * k1);
  std::size_t i = 0;
  for (; i + 8 <= bytes.size(); i += 8) {
    std::uint64_t word;
    std::memcpy(&word, bytes.data() + i, 8);
    h ^= word * k2;
    h = ((h << 31) | (h >> 33)) * k1;
  }
  std::uint64_t tail = 0;
  for (std::size_t k = 0; i + k < bytes.size(); ++k) tail |= std::uint64_t{static_cast<unsigned char>(bytes[i + k])} << (8 * k);
  h ^= tail * k2;
  h ^= h >> 29;
  h *= k1;
  return h ^ (h >> 32);
}

class binary_writer {
 public:
  explicit binary_writer(std::string& out) : out_(out) {}

  void u8(std::uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void boolean(bool v) { u8(v ? 1 : 0); }
  void u32(std::uint32_t v) { fixed(v, 4); }
  void u64(std::uint64_t v) { fixed(v, 8); }
  void i64(std::int64_t v) { fixed(static_cast<std::uint64_t>(v), 8); }
  void amount(money m) { i64(m.minor_units()); }
  void time(timestamp t) { i64(t.epoch_ms()); }
  void text(std::string_view s) {
    u64(s.size());
    out_.append(s);
  }
  template <class T>
  void optional_of(const std::optional<T>& v, void (binary_writer::*write)(T)) {
    boolean(v.has_value());
    if (v) (this->*write)(*v);
  }

 private:
  void fixed(std::uint64_t v, int bytes) {
    for (int k = 0; k < bytes; ++k) out_.push_back(static_cast<char>((v >> (8 * k)) & 0xFF));
  }
  std::string& out_;
};

class binary_reader {
 public:
  explicit binary_reader(std::string_view data) : data_(data) {}

  [[nodiscard]] bool at_end() const noexcept { return at_ == data_.size(); }
  std::uint8_t u8() { return static_cast<std::uint8_t>(fixed(1)); }
  bool boolean() {
    const std::uint8_t v = u8();
    if (v > 1) fail("a boolean that is neither 0 nor 1");
    return v == 1;
  }
  std::uint32_t u32() { return static_cast<std::uint32_t>(fixed(4)); }
  std::uint64_t u64() { return fixed(8); }
  std::int64_t i64() { return static_cast<std::int64_t>(fixed(8)); }
  money amount() {
    const std::int64_t minor = i64();
    if (minor > money_limit_minor || minor < -money_limit_minor) fail("an amount beyond the money limit");
    return money::from_minor(minor);
  }
  timestamp time() { return timestamp::from_epoch_ms(i64()); }
  std::string_view text() {
    const std::uint64_t size = u64();
    if (size > data_.size() - at_) fail("a text longer than the data left");
    const std::string_view s = data_.substr(at_, size);
    at_ += size;
    return s;
  }
  // A count of records of at least `record_bytes` each: never more than the data left can hold.
  std::uint64_t count(std::size_t record_bytes) {
    const std::uint64_t n = u64();
    if (record_bytes > 0 && n > (data_.size() - at_) / record_bytes) fail("a count larger than the data left");
    return n;
  }
  // A value below `end` (an index into something of that size), or `none` where allowed.
  std::uint32_t index_below(std::uint64_t end, const char* what, std::uint32_t none = 0, bool allow_none = false) {
    const std::uint32_t v = u32();
    if (allow_none && v == none) return v;
    if (v >= end) fail(std::string(what) + " out of range");
    return v;
  }
  template <class E>
  E enumerated(std::uint8_t count_of_values, const char* what) {
    const std::uint8_t v = u8();
    if (v >= count_of_values) fail(std::string("an unknown ") + what);
    return static_cast<E>(v);
  }
  std::optional<money> optional_amount() { return boolean() ? std::optional<money>(amount()) : std::nullopt; }
  std::optional<timestamp> optional_time() { return boolean() ? std::optional<timestamp>(time()) : std::nullopt; }

  [[noreturn]] static void fail(const std::string& why) { throw snapshot_error("the snapshot is damaged: " + why); }

 private:
  std::uint64_t fixed(int bytes) {
    if (data_.size() - at_ < static_cast<std::size_t>(bytes)) fail("it ends too early");
    std::uint64_t v = 0;
    for (int k = 0; k < bytes; ++k) v |= std::uint64_t{static_cast<unsigned char>(data_[at_ + static_cast<std::size_t>(k)])} << (8 * k);
    at_ += static_cast<std::size_t>(bytes);
    return v;
  }
  std::string_view data_;
  std::size_t at_ = 0;
};

}  // namespace matchfund::detail

#endif
