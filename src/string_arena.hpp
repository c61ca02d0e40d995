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
#include <vector>

namespace matchfund::detail {

class string_arena {
 public:
  static constexpr std::size_t chunk_size = std::size_t{1} << 20;

  // A copy of `text` that lives as long as the arena.
  std::string_view store(std::string_view text) {
    if (text.empty()) return {};
    if (text.size() > left_) {
      const std::size_t size = std::max(chunk_size, text.size());
      chunks_.push_back(std::make_unique_for_overwrite<char[]>(size));
      next_ = chunks_.back().get();
      left_ = size;
    }
    std::memcpy(next_, text.data(), text.size());
    const std::string_view stored(next_, text.size());
    next_ += text.size();
    left_ -= text.size();
    return stored;
  }

 private:
  std::vector<std::unique_ptr<char[]>> chunks_;
  char* next_ = nullptr;
  std::size_t left_ = 0;
};

}  // namespace matchfund::detail

#endif
