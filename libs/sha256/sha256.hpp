// SHA-256 of a stream of bytes, and of a whole file read in bounded pieces (OpenSSL EVP): a
// snapshot's content address, computed by the bridge, checked by the snapshot store and by
// vergegridctl's downloads. Throws std::runtime_error when OpenSSL fails.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace vergegrid::sha256 {

class Sha256 {
  public:
    Sha256();
    ~Sha256();
    Sha256(const Sha256&) = delete;
    Sha256& operator=(const Sha256&) = delete;
    // Moving in a fresh Sha256 starts the digest again.
    Sha256(Sha256&&) noexcept;
    Sha256& operator=(Sha256&&) noexcept;

    void update(const void* data, std::size_t size);
    void update(std::string_view bytes) { update(bytes.data(), bytes.size()); }
    // Lower-case hex of the digest; the object cannot be updated afterwards.
    std::string hex();

  private:
    struct Context;
    std::unique_ptr<Context> context_;
};

struct FileDigest {
    std::string sha256;  // lower-case hex
    std::uint64_t size = 0;
};

// Reads the file in 1 MiB pieces. Throws std::runtime_error naming the file when it cannot be read.
FileDigest sha256_file(const std::filesystem::path& path);

}  // namespace vergegrid::sha256
