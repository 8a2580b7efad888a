#include "sha256_stream.hpp"

#include <openssl/evp.h>

#include "vergegrid/plugin_api/snapshot_store.hpp"

namespace vergegrid::snapshot_store {

void Sha256Stream::Free::operator()(evp_md_ctx_st* context) const noexcept {
    EVP_MD_CTX_free(context);
}

Sha256Stream::Sha256Stream() : context_(EVP_MD_CTX_new()) {
    if (!context_ || EVP_DigestInit_ex(context_.get(), EVP_sha256(), nullptr) != 1) {
        throw plugin_api::SnapshotStoreError("cannot start a SHA-256 digest (OpenSSL)");
    }
}

Sha256Stream::~Sha256Stream() = default;

void Sha256Stream::update(const char* data, std::size_t size) {
    if (size > 0 && EVP_DigestUpdate(context_.get(), data, size) != 1) {
        throw plugin_api::SnapshotStoreError("SHA-256 digest update failed (OpenSSL)");
    }
}

std::string Sha256Stream::finish_hex() {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_DigestFinal_ex(context_.get(), digest, &length) != 1) {
        throw plugin_api::SnapshotStoreError("SHA-256 digest failed (OpenSSL)");
    }
    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex;
    hex.reserve(length * 2);
    for (unsigned int i = 0; i < length; ++i) {
        hex += kHex[digest[i] >> 4];
        hex += kHex[digest[i] & 0x0f];
    }
    return hex;
}

}  // namespace vergegrid::snapshot_store
