// About how many events the sources of a replay hold (run/stream_replay.hpp).
#include <algorithm>
#include <cstdio>
#include <string>
#include <system_error>

#include "run/stream_replay.hpp"

namespace matchfund::detail {

std::size_t expected_events(std::span<const event_source> sources) {
  std::size_t events = 0;
  std::string head(std::size_t{64} << 10, '\0');
  for (const event_source& source : sources) {
    if (source.table != nullptr) {
      events += source.table->rows();
      continue;
    }
    std::error_code code;
    const std::uintmax_t bytes = std::filesystem::file_size(source.file, code);
    if (code) continue;
    std::FILE* stream = std::fopen(source.file.c_str(), "rb");
    if (stream == nullptr) continue;
    const std::size_t read = std::fread(head.data(), 1, head.size(), stream);
    std::fclose(stream);
    const auto lines = static_cast<std::size_t>(std::count(head.begin(), head.begin() + static_cast<std::ptrdiff_t>(read), '\n'));
    if (lines < 16) continue;  // too few to judge; a small file needs no sizing anyway
    events += static_cast<std::size_t>(bytes / (read / lines));
  }
  return events;
}

}  // namespace matchfund::detail
