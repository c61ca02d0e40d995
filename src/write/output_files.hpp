// Output files that appear only when a run succeeds (SPEC §3.3, §8): each is written under a
// temporary name in the output directory and renamed into place by commit(); a run that ends
// any other way (an error, a failed invariant, an exception) removes its temporaries and
// leaves no output file behind. Each file's SHA-256 is computed as it is written.
#ifndef MATCHFUND_SRC_OUTPUT_FILES_HPP
#define MATCHFUND_SRC_OUTPUT_FILES_HPP

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "matchfund/error.hpp"
#include "support/sha256.hpp"

namespace matchfund::detail {

class output_file {
 public:
  output_file(std::filesystem::path final_path, std::filesystem::path temporary_path);
  ~output_file();
  output_file(const output_file&) = delete;
  output_file& operator=(const output_file&) = delete;

  void write(std::string_view bytes);
  // Ends the content (nothing may be written after) and returns its SHA-256, for a file whose
  // digest goes into another output before the set is committed.
  const std::string& complete();
  [[nodiscard]] const std::filesystem::path& final_path() const noexcept { return final_path_; }
  // What was written so far (flushed and read back), for a replay that stops to resume later.
  [[nodiscard]] std::string content_so_far();

 private:
  friend class output_set;
  void close();  // throws error when a write or the close failed

  std::filesystem::path final_path_;
  std::filesystem::path temporary_path_;
  std::FILE* stream_ = nullptr;
  sha256 digest_;
  std::string hex_digest_;
  bool failed_ = false;
};

class output_set {
 public:
  // Creates `directory` (and its parents) when missing; throws error when it cannot.
  explicit output_set(std::filesystem::path directory);
  ~output_set();  // removes the temporaries of a set that was not committed
  output_set(const output_set&) = delete;
  output_set& operator=(const output_set&) = delete;

  // A new file `name` (such as "ledger.csv") in the directory, written as ".name.partial".
  output_file& create(const std::string& name);

  // Closes every file and renames each into place, in creation order. Returns (name, SHA-256)
  // of each. Throws error (and removes the temporaries) when a file cannot be completed.
  std::vector<std::pair<std::string, std::string>> commit();

 private:
  void remove_temporaries() noexcept;

  std::filesystem::path directory_;
  std::vector<std::unique_ptr<output_file>> files_;
  bool committed_ = false;
};

}  // namespace matchfund::detail

#endif
