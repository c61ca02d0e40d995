// Huge pages faulted in ahead of need, by a thread with time to spare. A replay's engine grows
// its tables by 2 MiB chunks (chunked_vector.hpp, string_arena.hpp), and each fresh page is
// zeroed by the kernel when first touched: on a virtual machine a tenth of the matching
// thread's time. The thread that reads the event files is idle most of the time, so it keeps a
// few blocks here, already touched; the engine takes one when it needs a chunk, and allocates
// one itself when there is none (a live host without a reading thread never has any). Which
// memory the engine gets changes no result. Internal.
#ifndef MATCHFUND_SRC_HUGE_PAGE_POOL_HPP
#define MATCHFUND_SRC_HUGE_PAGE_POOL_HPP

#include <cstddef>
#include <mutex>
#include <new>
#include <vector>

#include "support/huge_pages.hpp"

namespace matchfund::detail {

// A block of huge_page_size bytes aligned to it and advised; free it with free_huge_block.
inline void* new_huge_block() {
  void* block = ::operator new(huge_page_size, std::align_val_t{huge_page_size});
  advise_whole_huge_page(block);
  return block;
}
inline void free_huge_block(void* block) noexcept { ::operator delete(block, std::align_val_t{huge_page_size}); }

class huge_page_pool {
 public:
  static huge_page_pool& instance() {
    static huge_page_pool pool;
    return pool;
  }
  huge_page_pool(const huge_page_pool&) = delete;
  huge_page_pool& operator=(const huge_page_pool&) = delete;
  ~huge_page_pool() { drain(); }

  // A block already touched, or a new one.
  void* take() {
    {
      const std::lock_guard lock(mutex_);
      if (!ready_.empty()) {
        void* block = ready_.back();
        ready_.pop_back();
        return block;
      }
    }
    return new_huge_block();
  }

  // Allocates and touches blocks until `count` are waiting (the kernel zeroes them on this
  // thread). Does nothing when enough are.
  void fill(std::size_t count) {
    if (count > max_ready) count = max_ready;
    for (;;) {
      {
        const std::lock_guard lock(mutex_);
        if (ready_.size() >= count) return;
      }
      auto* block = static_cast<volatile char*>(new_huge_block());
      for (std::size_t at = 0; at < huge_page_size; at += 4096) block[at] = 0;
      const std::lock_guard lock(mutex_);
      ready_.push_back(const_cast<char*>(block));
    }
  }

  // Frees the blocks waiting.
  void drain() noexcept {
    const std::lock_guard lock(mutex_);
    for (void* block : ready_) free_huge_block(block);
    ready_.clear();
  }

 private:
  huge_page_pool() { ready_.reserve(max_ready); }
  static constexpr std::size_t max_ready = 64;

  std::mutex mutex_;
  std::vector<void*> ready_;
};

}  // namespace matchfund::detail

#endif
