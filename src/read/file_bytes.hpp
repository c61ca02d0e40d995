// A whole event file's bytes: mapped into memory where the system allows, else read into a
// string (pipes, character devices, systems without mmap). Internal (read/read_events.cpp).
#ifndef MATCHFUND_SRC_FILE_BYTES_HPP
#define MATCHFUND_SRC_FILE_BYTES_HPP

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

namespace matchfund::detail {

class file_bytes {
 public:
  // Throws event_file_error "NAME: cannot read the file: REASON"; `name` is the file as the
  // messages show it.
  file_bytes(const std::filesystem::path& file, const std::string& name);
  file_bytes(const file_bytes&) = delete;
  file_bytes& operator=(const file_bytes&) = delete;
  ~file_bytes();

  [[nodiscard]] std::string_view text() const noexcept { return text_; }

  // Gives the mapped pages before `offset` back to the system: reading a file of gigabytes
  // keeps only what is being read resident. The bytes stay readable (they come back from the
  // file), so nothing that still looks at them breaks.
  void release_before(std::size_t offset) noexcept;

 private:
  [[noreturn]] static void cannot_read(const std::string& name, int failure);

  void* mapped_ = nullptr;
  std::size_t released_ = 0;  // pages before it are given back
  std::string copy_;
  std::string_view text_;
};

}  // namespace matchfund::detail

#endif
