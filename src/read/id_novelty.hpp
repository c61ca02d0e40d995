// Which event ids are new for sure, decided as they are read, so that the engine need not look
// every id up (engine::process_unchecked_new_id). Internal (event_pipe.hpp).
//
// Ids that only ever increase (by length, then byte by byte: "n-9" < "n-10", and time-based order
// numbers) cannot repeat: while they do, an id is new when it is above the last one, with no
// table at all. Other ids are remembered by their 64-bit hash: an id whose hash was never seen is
// new. Everything else "might repeat" and gets the engine's exact check: repeats, the rare hash
// collision, and, once ids stop increasing after a long increasing run (whose hashes were not
// kept), any id not above that run.
//
//   id_novelty novelty(expected_ids);
//   if (novelty.is_new(e.id)) engine.process_unchecked_new_id(e); else engine.process(e);
#ifndef MATCHFUND_SRC_ID_NOVELTY_HPP
#define MATCHFUND_SRC_ID_NOVELTY_HPP

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "support/key_set.hpp"
#include "support/string_maps.hpp"

namespace matchfund::detail {

class id_novelty {
 public:
  // `expected_ids`: about how many ids come (sizes the table of hashes if one is needed).
  explicit id_novelty(std::size_t expected_ids) : expected_ids_(expected_ids) {}

  // True when no earlier id equals `id` for sure; false when it might. Remembers `id`.
  bool is_new(std::string_view id) {
    if (increasing_) {
      if (above(id, last_)) {
        last_.assign(id.data(), id.size());
        if (run_hashes_kept_) {
          if (run_hashes_.size() < kept_run) {
            run_hashes_.push_back(key_of(id));
          } else {
            run_hashes_kept_ = false;  // a long run: its ids stay unknown, only its top is kept
            std::vector<std::uint64_t>().swap(run_hashes_);
          }
        }
        return true;
      }
      // The run ends here: from now on ids are remembered by hash.
      increasing_ = false;
      hashes_.reserve(expected_ids_);
      for (const std::uint64_t hash : run_hashes_) hashes_.insert(hash);
      std::vector<std::uint64_t>().swap(run_hashes_);
    }
    const bool unseen = hashes_.insert(key_of(id));
    return unseen && (run_hashes_kept_ || above(id, last_));
  }

 private:
  // The increasing run's ids are kept by hash up to this many (512 KiB); a run that ends within
  // them leaves no id unknown.
  static constexpr std::size_t kept_run = std::size_t{1} << 16;

  // The order ids increase in: by length, then byte by byte.
  static bool above(std::string_view id, std::string_view last) noexcept {
    return id.size() != last.size() ? id.size() > last.size() : id > last;
  }
  static std::uint64_t key_of(std::string_view id) noexcept {
    const std::uint64_t hash = hash_text(id);
    return hash == UINT64_MAX ? hash - 1 : hash;  // key_set keeps every key but 2⁶⁴ − 1
  }

  std::size_t expected_ids_;
  bool increasing_ = true;
  std::string last_;  // the top of the increasing run ("" before the first id)
  bool run_hashes_kept_ = true;
  std::vector<std::uint64_t> run_hashes_;
  key_set hashes_;  // every id after the run (and the run's, when kept)
};

}  // namespace matchfund::detail

#endif
