// SHA-256 over bytes that arrive in pieces (OpenSSL EVP), for archives far larger than memory.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

struct evp_md_ctx_st;

namespace vergegrid::snapshot_store {

class Sha256Stream {
  public:
    Sha256Stream();
    ~Sha256Stream();
    Sha256Stream(const Sha256Stream&) = delete;
    Sha256Stream& operator=(const Sha256Stream&) = delete;

    void update(const char* data, std::size_t size);
    // Lower-case hex of everything updated so far; the stream is spent afterwards.
    std::string finish_hex();

  private:
    struct Free {
        void operator()(evp_md_ctx_st* context) const noexcept;
    };
    std::unique_ptr<evp_md_ctx_st, Free> context_;
};

}  // namespace vergegrid::snapshot_store
