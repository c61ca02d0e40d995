#include "read/file_bytes.hpp"

#include "matchfund/read_events.hpp"
#include "support/csv_reader.hpp"

#include <array>
#include <cerrno>
#include <stdexcept>
#include <system_error>

#if defined(__unix__) || defined(__APPLE__)
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#define MATCHFUND_HAVE_MMAP 1
#endif

namespace matchfund::detail {

file_bytes::file_bytes(const std::filesystem::path& file, const std::string& name) {
#ifdef MATCHFUND_HAVE_MMAP
  const int descriptor = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (descriptor < 0) cannot_read(name, errno);
  struct stat status {};
  if (::fstat(descriptor, &status) != 0) {
    const int failure = errno;
    ::close(descriptor);
    cannot_read(name, failure);
  }
  if (S_ISDIR(status.st_mode)) {
    ::close(descriptor);
    cannot_read(name, EISDIR);
  }
  if (S_ISREG(status.st_mode) && status.st_size > 0) {
    const auto size = static_cast<std::size_t>(status.st_size);
    void* mapped = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, descriptor, 0);
    if (mapped != MAP_FAILED) {
      ::close(descriptor);
      ::madvise(mapped, size, MADV_SEQUENTIAL);
      mapped_ = mapped;
      text_ = {static_cast<const char*>(mapped), size};
      return;
    }
  }
  // Not a regular file, or mmap refused it: read it.
  std::array<char, 65536> chunk;
  for (;;) {
    const ::ssize_t got = ::read(descriptor, chunk.data(), chunk.size());
    if (got < 0) {
      if (errno == EINTR) continue;
      const int failure = errno;
      ::close(descriptor);
      cannot_read(name, failure);
    }
    if (got == 0) break;
    copy_.append(chunk.data(), static_cast<std::size_t>(got));
  }
  ::close(descriptor);
  text_ = copy_;
#else
  try {
    copy_ = read_text_file(file);
  } catch (const std::runtime_error& e) {
    // read_text_file says "cannot read FILE: REASON"; keep REASON.
    const std::string what = e.what();
    const auto colon = what.rfind(": ");
    throw event_file_error(name, 0, 0, "cannot read the file: " + what.substr(colon == std::string::npos ? 0 : colon + 2));
  }
  text_ = copy_;
#endif
}

file_bytes::~file_bytes() {
#ifdef MATCHFUND_HAVE_MMAP
  if (mapped_ != nullptr) ::munmap(mapped_, text_.size());
#endif
}

void file_bytes::release_before(std::size_t offset) noexcept {
#ifdef MATCHFUND_HAVE_MMAP
  constexpr std::size_t granule = std::size_t{1} << 20;
  const std::size_t end = offset / granule * granule;
  if (mapped_ == nullptr || end <= released_) return;
  (void)::madvise(static_cast<char*>(mapped_) + released_, end - released_, MADV_DONTNEED);
  released_ = end;
#else
  (void)offset;
#endif
}

void file_bytes::cannot_read(const std::string& name, int failure) {
  throw event_file_error(name, 0, 0, "cannot read the file: " + std::generic_category().message(failure != 0 ? failure : EIO));
}

}  // namespace matchfund::detail
