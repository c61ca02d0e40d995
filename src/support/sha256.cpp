#include "support/sha256.hpp"

#include <openssl/evp.h>

#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <vector>

#include "matchfund/assert.hpp"

namespace matchfund::detail {

namespace {

EVP_MD_CTX* as_context(void* context) { return static_cast<EVP_MD_CTX*>(context); }

}  // namespace

sha256::sha256() : context_(EVP_MD_CTX_new()) {
  MATCHFUND_ASSERT(context_ != nullptr, "EVP_MD_CTX_new failed");
  const int ok = EVP_DigestInit_ex(as_context(context_), EVP_sha256(), nullptr);
  MATCHFUND_ASSERT(ok == 1, "EVP_DigestInit_ex(SHA-256) failed");
}

sha256::~sha256() { EVP_MD_CTX_free(as_context(context_)); }

void sha256::update(std::string_view bytes) {
  MATCHFUND_ASSERT(!finished_, "sha256 updated after its digest was taken");
  const int ok = EVP_DigestUpdate(as_context(context_), bytes.data(), bytes.size());
  MATCHFUND_ASSERT(ok == 1, "EVP_DigestUpdate failed");
}

std::string sha256::hex_digest() {
  MATCHFUND_ASSERT(!finished_, "sha256 digest taken twice");
  finished_ = true;
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  const int ok = EVP_DigestFinal_ex(as_context(context_), digest.data(), &length);
  MATCHFUND_ASSERT(ok == 1 && length == 32, "EVP_DigestFinal_ex failed");
  constexpr char hex[] = "0123456789abcdef";
  std::string text;
  text.reserve(2 * length);
  for (unsigned int i = 0; i < length; ++i) {
    text += hex[digest[i] >> 4];
    text += hex[digest[i] & 0x0F];
  }
  return text;
}

std::string sha256_hex(std::string_view bytes) {
  sha256 hash;
  hash.update(bytes);
  return hash.hex_digest();
}

std::string sha256_hex_of_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + file.generic_string());
  sha256 hash;
  std::vector<char> buffer(1 << 16);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    hash.update(std::string_view(buffer.data(), static_cast<std::size_t>(in.gcount())));
  }
  if (in.bad()) throw std::runtime_error("cannot read " + file.generic_string());
  return hash.hex_digest();
}

}  // namespace matchfund::detail
