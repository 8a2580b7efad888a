#include "secrets/secrets.hpp"

#include <sodium.h>

#include <array>
#include <stdexcept>

namespace vergegrid::secrets {

namespace {
void ensure_sodium() {
    // sodium_init is idempotent and thread-safe; it fails only when no entropy source exists.
    if (sodium_init() < 0) {
        throw std::runtime_error("libsodium cannot initialise (no entropy source)");
    }
}
}  // namespace

std::string random_token(std::string_view prefix) {
    ensure_sodium();
    std::array<unsigned char, 32> bytes{};
    randombytes_buf(bytes.data(), bytes.size());
    std::array<char, sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_URLSAFE_NO_PADDING)>
        text{};
    sodium_bin2base64(text.data(), text.size(), bytes.data(), bytes.size(),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(bytes.data(), bytes.size());
    return std::string(prefix) + text.data();
}

std::string sha256_hex(std::string_view secret) {
    ensure_sodium();
    std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
    crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(secret.data()),
                       secret.size());
    std::array<char, crypto_hash_sha256_BYTES * 2 + 1> hex{};
    sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
    return hex.data();
}

void fill_random(void* data, std::size_t size) {
    ensure_sodium();
    randombytes_buf(data, size);
}

bool constant_time_equal(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) {
        return false;
    }
    ensure_sodium();
    return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace vergegrid::secrets
