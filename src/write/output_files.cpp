#include "write/output_files.hpp"

#include <cerrno>
#include <cstring>
#include <system_error>

#include "matchfund/assert.hpp"

namespace matchfund::detail {

output_file::output_file(std::filesystem::path final_path, std::filesystem::path temporary_path)
    : final_path_(std::move(final_path)), temporary_path_(std::move(temporary_path)) {
  stream_ = std::fopen(temporary_path_.c_str(), "wb");
  if (stream_ == nullptr) {
    throw error("cannot write " + final_path_.generic_string() + ": " + std::strerror(errno));
  }
}

output_file::~output_file() {
  if (stream_ != nullptr) std::fclose(stream_);
}

void output_file::write(std::string_view bytes) {
  MATCHFUND_ASSERT(hex_digest_.empty(), "an output file written after it was completed");
  if (bytes.empty()) return;
  digest_.update(bytes);
  if (std::fwrite(bytes.data(), 1, bytes.size(), stream_) != bytes.size()) failed_ = true;
}

void output_file::close() {
  const bool closed = std::fclose(stream_) == 0;
  stream_ = nullptr;
  if (failed_ || !closed) throw error("cannot write " + final_path_.generic_string() + ": " + std::strerror(errno));
  complete();
}

std::string output_file::content_so_far() {
  if (stream_ != nullptr && std::fflush(stream_) != 0) failed_ = true;
  if (failed_) throw error("cannot write " + final_path_.generic_string());
  std::FILE* in = std::fopen(temporary_path_.c_str(), "rb");
  if (in == nullptr) throw error("cannot read back " + temporary_path_.generic_string());
  std::string content;
  char buffer[1 << 16];
  for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, in)) > 0;) content.append(buffer, n);
  std::fclose(in);
  return content;
}

const std::string& output_file::complete() {
  if (hex_digest_.empty()) hex_digest_ = digest_.hex_digest();
  return hex_digest_;
}

output_set::output_set(std::filesystem::path directory) : directory_(std::move(directory)) {
  std::error_code code;
  std::filesystem::create_directories(directory_, code);
  if (code || !std::filesystem::is_directory(directory_)) {
    throw error("cannot create the output directory " + directory_.generic_string() +
                (code ? ": " + code.message() : ": a file of that name exists"));
  }
}

output_set::~output_set() {
  if (!committed_) remove_temporaries();
}

output_file& output_set::create(const std::string& name) {
  files_.push_back(std::make_unique<output_file>(directory_ / name, directory_ / ("." + name + ".partial")));
  return *files_.back();
}

std::vector<std::pair<std::string, std::string>> output_set::commit() {
  std::vector<std::pair<std::string, std::string>> digests;
  for (auto& file : files_) file->close();  // every file complete before any appears
  for (auto& file : files_) {
    std::error_code code;
    std::filesystem::rename(file->temporary_path_, file->final_path_, code);
    if (code) throw error("cannot write " + file->final_path_.generic_string() + ": " + code.message());
    digests.emplace_back(file->final_path_.filename().string(), file->hex_digest_);
  }
  committed_ = true;
  return digests;
}

void output_set::remove_temporaries() noexcept {
  for (auto& file : files_) {
    if (file->stream_ != nullptr) {
      std::fclose(file->stream_);
      file->stream_ = nullptr;
    }
    std::error_code ignored;
    std::filesystem::remove(file->temporary_path_, ignored);
  }
}

}  // namespace matchfund::detail
