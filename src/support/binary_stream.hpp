// The byte format of snapshots: little-endian integers of fixed width, texts as a length and
// their bytes, written to a buffer; read back with every read checked against the end (a short
// or damaged snapshot is an error, never a read past the data) and every count against what the
// data can hold. checksum64 guards the whole. Internal.
#ifndef MATCHFUND_SRC_BINARY_STREAM_HPP
#define MATCHFUND_SRC_BINARY_STREAM_HPP

#include <bit>
#include <cstdint>
#include <cstring>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "matchfund/error.hpp"
#include "matchfund/money.hpp"
#include "matchfund/timestamp.hpp"

namespace matchfund::detail {

// A 64-bit checksum of bytes given in pieces, eight bytes at a time (little-endian words, so the
// same on every machine): it finds damage, not tampering.
class checksum_builder {
 public:
  void add(std::string_view bytes) noexcept {
    length_ += bytes.size();
    std::size_t i = 0;
    while (pending_size_ > 0 && pending_size_ < 8 && i < bytes.size()) pending_[pending_size_++] = bytes[i++];
    if (pending_size_ == 8) {
      mix(word_at(pending_));
      pending_size_ = 0;
    }
    for (; i + 8 <= bytes.size(); i += 8) mix(word_at(bytes.data() + i));
    for (; i < bytes.size(); ++i) pending_[pending_size_++] = bytes[i];
  }
  [[nodiscard]] std::uint64_t finish() const noexcept {
    std::uint64_t h = h_;
    std::uint64_t tail = 0;
    for (std::size_t k = 0; k < pending_size_; ++k) tail |= std::uint64_t{static_cast<unsigned char>(pending_[k])} << (8 * k);
    h ^= (tail ^ (length_ * k1)) * k2;
    h ^= h >> 29;
    h *= k1;
    return h ^ (h >> 32);
  }

 private:
  static constexpr std::uint64_t k1 = 0x9E3779B97F4A7C15ULL, k2 = 0xC2B2AE3D27D4EB4FULL;
  static std::uint64_t word_at(const char* at) noexcept {
    std::uint64_t word = 0;
    if constexpr (std::endian::native == std::endian::little) {
      std::memcpy(&word, at, 8);  // the same word, read at once
    } else {
      for (int k = 0; k < 8; ++k) word |= std::uint64_t{static_cast<unsigned char>(at[k])} << (8 * k);
    }
    return word;
  }
  void mix(std::uint64_t word) noexcept {
    h_ ^= word * k2;
    h_ = ((h_ << 31) | (h_ >> 33)) * k1;
  }
  std::uint64_t h_ = 0x27D4EB2F165667C5ULL;
  std::uint64_t length_ = 0;
  char pending_[8] = {};
  std::size_t pending_size_ = 0;
};

inline std::uint64_t checksum64(std::string_view bytes) noexcept {
  checksum_builder sum;
  sum.add(bytes);
  return sum.finish();
}

// Writes into a string, or through a buffer of about a MiB to a stream (whose bytes it sums as
// they go: a snapshot of a national campaign is a GiB, and is never held whole).
class binary_writer {
 public:
  explicit binary_writer(std::string& out) : out_(out) {}
  explicit binary_writer(std::ostream& sink) : out_(buffer_), sink_(&sink) { buffer_.reserve(chunk + 1024); }
  binary_writer(const binary_writer&) = delete;
  binary_writer& operator=(const binary_writer&) = delete;

  // Bytes as they are (a magic text).
  void raw(std::string_view bytes) {
    out_.append(bytes);
    written_ += bytes.size();
    if (sink_ != nullptr && out_.size() >= chunk) flush();
  }
  [[nodiscard]] std::uint64_t written() const noexcept { return written_; }

  // Stream mode: writes what is buffered, then the checksum of every byte written (not itself
  // summed). Throws error when the stream fails.
  void finish_with_checksum() {
    flush();
    const std::uint64_t checksum = sum_.finish();
    char little_endian[8];
    for (int k = 0; k < 8; ++k) little_endian[k] = static_cast<char>((checksum >> (8 * k)) & 0xFF);
    sink_->write(little_endian, 8);
    if (!*sink_) throw error("cannot write the snapshot");
  }

  void u8(std::uint8_t v) { fixed(v, 1); }
  void boolean(bool v) { u8(v ? 1 : 0); }
  void u32(std::uint32_t v) { fixed(v, 4); }
  void u64(std::uint64_t v) { fixed(v, 8); }
  void i64(std::int64_t v) { fixed(static_cast<std::uint64_t>(v), 8); }
  void amount(money m) { i64(m.minor_units()); }
  void time(timestamp t) { i64(t.epoch_ms()); }
  void date(local_date d) { i64(d.days_since_epoch()); }
  void text(std::string_view s) {
    u64(s.size());
    raw(s);
  }
  template <class T>
  void optional_of(const std::optional<T>& v, void (binary_writer::*write)(T)) {
    boolean(v.has_value());
    if (v) (this->*write)(*v);
  }

 private:
  void fixed(std::uint64_t v, int bytes) {
    char little_endian[8];
    if constexpr (std::endian::native == std::endian::little) {
      std::memcpy(little_endian, &v, 8);
    } else {
      for (int k = 0; k < bytes; ++k) little_endian[k] = static_cast<char>((v >> (8 * k)) & 0xFF);
    }
    raw(std::string_view(little_endian, static_cast<std::size_t>(bytes)));
  }
  void flush() {
    if (sink_ == nullptr || out_.empty()) return;
    sum_.add(out_);
    sink_->write(out_.data(), static_cast<std::streamsize>(out_.size()));
    if (!*sink_) throw error("cannot write the snapshot");
    out_.clear();
  }

  static constexpr std::size_t chunk = std::size_t{1} << 20;
  std::string buffer_;  // stream mode
  std::string& out_;
  std::ostream* sink_ = nullptr;
  checksum_builder sum_;
  std::uint64_t written_ = 0;
};

class binary_reader {
 public:
  explicit binary_reader(std::string_view data) : data_(data) {}

  [[nodiscard]] bool at_end() const noexcept { return at_ == data_.size(); }
  [[nodiscard]] std::size_t offset() const noexcept { return at_; }
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
  // A local date (the days a snapshot keeps are the campaign's, within years 0000-9999).
  std::optional<local_date> optional_date() {
    if (!boolean()) return std::nullopt;
    const std::int64_t days = i64();
    if (days < -719'528 || days > 2'932'896) fail("a date");
    return local_date::from_days(days);
  }

  [[noreturn, gnu::cold, gnu::noinline]] static void fail(const std::string& why) { throw snapshot_error("the snapshot is damaged: " + why); }

 private:
  std::uint64_t fixed(int bytes) {
    const auto n = static_cast<std::size_t>(bytes);
    if (data_.size() - at_ < n) [[unlikely]] fail("it ends too early");
    std::uint64_t v = 0;
    if constexpr (std::endian::native == std::endian::little) {
      std::memcpy(&v, data_.data() + at_, n);  // the little-endian value, read at once
    } else {
      for (std::size_t k = 0; k < n; ++k) v |= std::uint64_t{static_cast<unsigned char>(data_[at_ + k])} << (8 * k);
    }
    at_ += n;
    return v;
  }
  std::string_view data_;
  std::size_t at_ = 0;
};

}  // namespace matchfund::detail

#endif
