// SHA-256 digests of output files and of the rules file, for summary.json (OpenSSL's libcrypto).
#ifndef MATCHFUND_SRC_SHA256_HPP
#define MATCHFUND_SRC_SHA256_HPP

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace matchfund::detail {

// Incremental: feed the bytes as they are written, read the digest once at the end.
class sha256 {
 public:
  sha256();
  ~sha256();
  sha256(const sha256&) = delete;
  sha256& operator=(const sha256&) = delete;

  void update(std::string_view bytes);
  // The digest as 64 lower-case hexadecimal digits; the object cannot be updated afterwards.
  [[nodiscard]] std::string hex_digest();

 private:
  void* context_;  // EVP_MD_CTX, kept out of this header
  bool finished_ = false;
};

[[nodiscard]] std::string sha256_hex(std::string_view bytes);
// Throws std::runtime_error naming the file when it cannot be read.
[[nodiscard]] std::string sha256_hex_of_file(const std::filesystem::path& file);

}  // namespace matchfund::detail

#endif
