// Who an operator's credential authenticated as, remembered for a short time so that a request
// does not pay a storage transaction (the token row, then the user row) just to learn its caller.
//
// Only successful authentications are kept, under the SHA-256 of the credential. A change made
// through this control plane that can take access away (logout, a user's role or disabled flag,
// a revoked token) forgets everything at once; a change made elsewhere (another control plane on
// the same database, an expiry) is seen within `ttl`. A ttl of zero turns the cache off.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "kernel/http/request.hpp"

namespace vergegrid::control {

class AuthCache {
  public:
    using Clock = std::chrono::steady_clock;

    explicit AuthCache(std::chrono::milliseconds ttl, std::size_t max_entries = 10'000);

    bool enabled() const noexcept { return ttl_.count() > 0; }

    // Taken before the storage lookup and handed to remember(): a forget_all() in between (a
    // revocation committing while the lookup ran) makes remember() keep nothing.
    std::uint64_t generation() const;

    std::optional<kernel::http::Caller> find(const std::string& credential_hash,
                                             Clock::time_point now) const;
    void remember(const std::string& credential_hash, const kernel::http::Caller& caller,
                  std::uint64_t generation, Clock::time_point now);
    void forget_all();

  private:
    struct Entry {
        kernel::http::Caller caller;
        Clock::time_point expires;
    };

    const std::chrono::milliseconds ttl_;
    const std::size_t max_entries_;
    mutable std::mutex mutex_;
    std::uint64_t generation_ = 0;
    std::unordered_map<std::string, Entry> entries_;
};

}  // namespace vergegrid::control
