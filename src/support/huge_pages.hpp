// Large tables on transparent huge pages. A replay keeps gigabytes of per-event and per-donor
// state; touched 4 KiB at a time, that is a page fault per 4 KiB, which on virtual machines costs
// more than the matching itself (bench/RESULTS.md, "Figures that were in code comments"). Asking the kernel for 2 MiB pages (madvise MADV_HUGEPAGE, honoured when
// /sys/kernel/mm/transparent_hugepage/enabled is "madvise" or "always") cuts the faults 512-fold.
// Only a hint: where it is refused or unknown, memory works as before. No result depends on it.
#ifndef MATCHFUND_SRC_HUGE_PAGES_HPP
#define MATCHFUND_SRC_HUGE_PAGES_HPP

#include <cstddef>
#include <cstdint>
#include <memory>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace matchfund::detail {

inline constexpr std::size_t huge_page_size = std::size_t{2} << 20;

// Asks for huge pages on the whole 2 MiB pages inside [data, data + bytes), which should not
// have been touched yet (pages already faulted in stay small).
inline void advise_huge_pages(const void* data, std::size_t bytes) noexcept {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  if (bytes < 2 * huge_page_size) return;
  const auto begin = reinterpret_cast<std::uintptr_t>(data);
  const std::uintptr_t first = (begin + huge_page_size - 1) & ~(huge_page_size - 1);
  const std::uintptr_t last = (begin + bytes) & ~(huge_page_size - 1);
  if (last > first) (void)::madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE);
#else
  (void)data;
  (void)bytes;
#endif
}

// Asks for a huge page on one block of huge_page_size bytes aligned to it.
inline void advise_whole_huge_page(void* block) noexcept {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  (void)::madvise(block, huge_page_size, MADV_HUGEPAGE);
#else
  (void)block;
#endif
}

// std::allocator that advises huge pages for blocks of 4 MiB and more: for the engine's
// vectors and flat hash tables, which grow by doubling into fresh blocks.
template <class T>
struct huge_page_allocator {
  using value_type = T;

  huge_page_allocator() noexcept = default;
  template <class U>
  huge_page_allocator(const huge_page_allocator<U>&) noexcept {}  // NOLINT: rebinding is implicit

  T* allocate(std::size_t n) {
    T* block = std::allocator<T>().allocate(n);
    advise_huge_pages(block, n * sizeof(T));
    return block;
  }
  void deallocate(T* block, std::size_t n) noexcept { std::allocator<T>().deallocate(block, n); }

  friend bool operator==(const huge_page_allocator&, const huge_page_allocator&) noexcept { return true; }
};

// Makes room for more elements in a std::vector with the default allocator: when it is full,
// its capacity doubles into a block advised before the elements move in.
template <class Vector>
void grow_on_huge_pages(Vector& v) {
  if (v.size() < v.capacity()) return;
  Vector bigger;
  bigger.reserve(v.capacity() < 1024 ? 1024 : 2 * v.capacity());
  advise_huge_pages(bigger.data(), bigger.capacity() * sizeof(typename Vector::value_type));
  for (auto& element : v) bigger.push_back(std::move(element));
  v.swap(bigger);
}

}  // namespace matchfund::detail

#endif
