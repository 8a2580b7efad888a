#include "sha256/sha256.hpp"

#include <openssl/evp.h>

#include <array>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <vector>

namespace vergegrid::sha256 {

struct Sha256::Context {
    EVP_MD_CTX* md = nullptr;
    ~Context() { EVP_MD_CTX_free(md); }
};

namespace {

struct MethodFree {
    void operator()(EVP_MD* method) const { EVP_MD_free(method); }
};

// Fetched once: OpenSSL 3 looks EVP_sha256() up in its provider store on every DigestInit
// otherwise, a lock and a search per digest (the audit chain hashes every audited change).
// Owned, not a bare pointer: this code is linked into plugins, and a plugin that is unloaded
// takes the pointer with it, leaking the method (LeakSanitizer's finding in the CI).
const EVP_MD* sha256_method() {
    static const std::unique_ptr<EVP_MD, MethodFree> method(
        EVP_MD_fetch(nullptr, "SHA256", nullptr));
    return method.get();
}

}  // namespace

Sha256::Sha256() : context_(std::make_unique<Context>()) {
    context_->md = EVP_MD_CTX_new();
    const EVP_MD* method = sha256_method();
    if (context_->md == nullptr || method == nullptr ||
        EVP_DigestInit_ex(context_->md, method, nullptr) != 1) {
        throw std::runtime_error("OpenSSL could not start a SHA-256 digest");
    }
}

Sha256::~Sha256() = default;
Sha256::Sha256(Sha256&&) noexcept = default;
Sha256& Sha256::operator=(Sha256&&) noexcept = default;

void Sha256::update(const void* data, std::size_t size) {
    if (EVP_DigestUpdate(context_->md, data, size) != 1) {
        throw std::runtime_error("OpenSSL's SHA-256 update failed");
    }
}

std::string Sha256::hex() {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int length = 0;
    if (EVP_DigestFinal_ex(context_->md, digest.data(), &length) != 1) {
        throw std::runtime_error("OpenSSL's SHA-256 final failed");
    }
    static constexpr char kDigits[] = "0123456789abcdef";
    // Filled in place: the audit chain hexes a digest on every audited change.
    std::string text(static_cast<std::size_t>(length) * 2, '\0');
    for (unsigned int i = 0; i < length; ++i) {
        text[2 * i] = kDigits[digest[i] >> 4];
        text[2 * i + 1] = kDigits[digest[i] & 0x0f];
    }
    return text;
}

FileDigest sha256_file(const std::filesystem::path& path) {
    std::ifstream file(path, std::ios::binary);
    if (!file) {
        throw std::runtime_error("cannot read " + path.string());
    }
    Sha256 digest;
    FileDigest result;
    std::vector<char> piece(1024 * 1024);
    while (file.read(piece.data(), static_cast<std::streamsize>(piece.size())) ||
           file.gcount() > 0) {
        const auto got = static_cast<std::size_t>(file.gcount());
        digest.update(piece.data(), got);
        result.size += got;
    }
    if (file.bad()) {
        throw std::runtime_error("reading " + path.string() + " failed");
    }
    result.sha256 = digest.hex();
    return result;
}

}  // namespace vergegrid::sha256
