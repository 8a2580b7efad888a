// Secrets the control plane hands out (API keys, tokens) and how they are kept: random from the
// OS CSPRNG (libsodium), stored only as SHA-256 hashes, compared in constant time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace vergegrid::secrets {

// `prefix` + 43 base64url characters of 32 random bytes, e.g. "vgs_Q2x...". The prefix tells
// humans and the authenticator what kind of secret it is; it carries no entropy.
std::string random_token(std::string_view prefix);

// `size` bytes from the OS CSPRNG, in one call (one system call for many values).
void fill_random(void* data, std::size_t size);

// Lower-case hex SHA-256: what storage keeps instead of the secret.
std::string sha256_hex(std::string_view secret);

bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace vergegrid::secrets
