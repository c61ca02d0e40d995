// An append-only store of strings whose views stay valid as long as the arena: ids the engine
// keeps by the million (donations, donors, events) cost their bytes plus a view, with no heap
// block per string. Chunks never move; a string longer than a chunk gets a chunk of its own.
#ifndef MATCHFUND_SRC_STRING_ARENA_HPP
#define MATCHFUND_SRC_STRING_ARENA_HPP

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <memory>
#include <string_view>
#include <string>
#include <new>
#include <vector>

#include "support/huge_page_pool.hpp"
#include "support/huge_pages.hpp"

namespace matchfund::detail {

class string_arena {
 public:
  // A copy of `text` that lives as long as the arena.
  std::string_view store(std::string_view text) {
    if (text.empty()) return {};
    char* at = room_for(text.size());
    std::memcpy(at, text.data(), text.size());
    return {at, text.size()};
  }

  // A copy of `text` behind its length (LEB128: one byte below 128), named by one pointer
  // instead of a view: 8 bytes a reference instead of 16. Read it back with counted().
  const char* store_counted(std::string_view text) {
    unsigned char length[10];
    const std::size_t length_size = length_prefix(text.size(), length);
    char* at = room_for(length_size + text.size());
    std::memcpy(at, length, length_size);
    if (!text.empty()) std::memcpy(at + length_size, text.data(), text.size());
    return at;
  }

  // The same counted text in `buffer` (which then names it until it changes), for a text that
  // must look kept without being kept (a quote's donation id).
  static const char* counted_in(std::string& buffer, std::string_view text) {
    unsigned char length[10];
    const std::size_t length_size = length_prefix(text.size(), length);
    buffer.assign(reinterpret_cast<const char*>(length), length_size);
    buffer.append(text);
    return buffer.data();
  }

  static std::string_view counted(const char* stored) noexcept {
    if (stored == nullptr) return {};
    std::size_t size = 0;
    int shift = 0;
    const auto* byte = reinterpret_cast<const unsigned char*>(stored);
    for (;; ++byte, shift += 7) {
      size |= static_cast<std::size_t>(*byte & 0x7F) << shift;
      if ((*byte & 0x80) == 0) break;
    }
    return {reinterpret_cast<const char*>(byte + 1), size};
  }

 private:
  // LEB128 of `size` into `out`; returns its length in bytes.
  static std::size_t length_prefix(std::size_t size, unsigned char (&out)[10]) noexcept {
    std::size_t length_size = 0;
    for (std::size_t n = size;; n >>= 7) {
      out[length_size++] = static_cast<unsigned char>((n & 0x7F) | (n >= 0x80 ? 0x80 : 0));
      if (n < 0x80) break;
    }
    return length_size;
  }

  // A chunk: 64 KiB first (a small engine stays small), then whole huge pages, aligned and
  // advised (huge_pages.hpp): ids arrive by the ten million, and 4 KiB page faults cost more
  // than copying them. A string longer than a chunk gets a block of its own.
  struct chunk_deleter {
    bool huge;
    void operator()(char* block) const noexcept {
      if (huge) {
        free_huge_block(block);
      } else {
        ::operator delete(block);
      }
    }
  };
  using chunk = std::unique_ptr<char[], chunk_deleter>;

  char* room_for(std::size_t size) {
    if (size > left_) {
      std::size_t bytes = chunks_.empty() ? first_chunk_size : huge_page_size;
      const bool huge = bytes == huge_page_size && size <= bytes;
      bytes = std::max(bytes, size);
      chunks_.emplace_back(nullptr, chunk_deleter{huge});  // room first: nothing leaks if this throws
      void* block = huge ? huge_page_pool::instance().take() : ::operator new(bytes);
      chunks_.back().reset(static_cast<char*>(block));
      next_ = chunks_.back().get();
      left_ = bytes;
    }
    char* at = next_;
    next_ += size;
    left_ -= size;
    return at;
  }

  static constexpr std::size_t first_chunk_size = std::size_t{64} << 10;
  std::vector<chunk> chunks_;
  char* next_ = nullptr;
  std::size_t left_ = 0;
};

}  // namespace matchfund::detail

#endif
