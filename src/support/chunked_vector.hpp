// A growing array stored in fixed chunks of about 2 MiB (one huge page each) that never move.
// The engine's per-donation tables reach gigabytes: a std::vector doubling into a new block
// copies everything and holds both blocks for a moment, so its peak is up to three times its
// size. Here growth allocates one chunk, elements keep their addresses, and indexing is a
// division and a remainder by a constant. Internal.
#ifndef MATCHFUND_SRC_CHUNKED_VECTOR_HPP
#define MATCHFUND_SRC_CHUNKED_VECTOR_HPP

#include <cstddef>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>
#include <vector>

#include "support/huge_page_pool.hpp"
#include "support/huge_pages.hpp"

namespace matchfund::detail {

template <class T>
class chunked_vector {
  static_assert(std::is_nothrow_destructible_v<T>);

 public:
  // Elements per chunk: as many as fill a huge page (the page is resident whole once touched, so
  // a power of two would waste up to half of it; dividing by a constant is a multiplication).
  static constexpr std::size_t chunk_length = huge_page_size / sizeof(T);
  static_assert(chunk_length > 0);

  chunked_vector() = default;
  chunked_vector(const chunked_vector&) = delete;
  chunked_vector& operator=(const chunked_vector&) = delete;
  chunked_vector(chunked_vector&&) noexcept = default;
  chunked_vector& operator=(chunked_vector&&) noexcept = default;
  ~chunked_vector() { clear(); }

  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] bool empty() const noexcept { return size_ == 0; }

  T& operator[](std::size_t i) noexcept { return chunks_[i / chunk_length][i % chunk_length]; }
  const T& operator[](std::size_t i) const noexcept { return chunks_[i / chunk_length][i % chunk_length]; }
  T& back() noexcept { return (*this)[size_ - 1]; }

  template <class... Args>
  T& emplace_back(Args&&... args) {
    if (size_ == chunks_.size() * chunk_length) add_chunk();
    T* slot = &(*this)[size_];
    ::new (static_cast<void*>(slot)) T(std::forward<Args>(args)...);
    ++size_;
    return *slot;
  }
  void push_back(const T& value) { emplace_back(value); }
  void push_back(T&& value) { emplace_back(std::move(value)); }

  void clear() noexcept { truncate(0); }

  // Drops the elements from `size` on (the chunks stay, for the elements to come).
  void truncate(std::size_t size) noexcept {
    if constexpr (!std::is_trivially_destructible_v<T>) {
      for (std::size_t i = size; i < size_; ++i) (*this)[i].~T();
    }
    if (size < size_) size_ = size;
  }

  // Forward iteration in index order (for range-for).
  template <class Owner, class Element>
  class iterator_of {
   public:
    iterator_of(Owner* owner, std::size_t i) noexcept : owner_(owner), i_(i) {}
    Element& operator*() const noexcept { return (*owner_)[i_]; }
    iterator_of& operator++() noexcept {
      ++i_;
      return *this;
    }
    friend bool operator==(const iterator_of&, const iterator_of&) = default;

   private:
    Owner* owner_;
    std::size_t i_;
  };
  using iterator = iterator_of<chunked_vector, T>;
  using const_iterator = iterator_of<const chunked_vector, const T>;
  iterator begin() noexcept { return {this, 0}; }
  iterator end() noexcept { return {this, size_}; }
  const_iterator begin() const noexcept { return {this, 0}; }
  const_iterator end() const noexcept { return {this, size_}; }

 private:
  struct chunk_deleter {
    void operator()(T* chunk) const noexcept { free_huge_block(chunk); }
  };

  // A chunk is one huge page, aligned to it and advised, touched in advance when the pool has
  // one (huge_page_pool.hpp). Out of line and cold: once per chunk of thousands of elements, and
  // kept out of the hot loops' instruction cache.
  [[gnu::noinline, gnu::cold]] void add_chunk() {
    chunks_.emplace_back();  // room first: nothing leaks if this throws
    chunks_.back().reset(static_cast<T*>(huge_page_pool::instance().take()));
  }

  std::vector<std::unique_ptr<T[], chunk_deleter>> chunks_;
  std::size_t size_ = 0;
};

}  // namespace matchfund::detail

#endif
