#include "control/api/auth_cache.hpp"

#include <iterator>

namespace vergegrid::control {

AuthCache::AuthCache(std::chrono::milliseconds ttl, std::size_t max_entries)
    : ttl_(ttl), max_entries_(max_entries) {}

std::uint64_t AuthCache::generation() const {
    const std::lock_guard lock(mutex_);
    return generation_;
}

std::optional<kernel::http::Caller> AuthCache::find(const std::string& credential_hash,
                                                    Clock::time_point now) const {
    if (!enabled()) {
        return std::nullopt;
    }
    const std::lock_guard lock(mutex_);
    const auto it = entries_.find(credential_hash);
    if (it == entries_.end() || it->second.expires <= now) {
        return std::nullopt;
    }
    return it->second.caller;
}

void AuthCache::remember(const std::string& credential_hash, const kernel::http::Caller& caller,
                         std::uint64_t generation, Clock::time_point now) {
    if (!enabled()) {
        return;
    }
    const std::lock_guard lock(mutex_);
    if (generation != generation_) {
        return;  // access changed while this caller was looked up: the answer may be stale
    }
    if (entries_.size() >= max_entries_) {
        for (auto it = entries_.begin(); it != entries_.end();) {
            it = it->second.expires <= now ? entries_.erase(it) : std::next(it);
        }
        if (entries_.size() >= max_entries_) {
            entries_.clear();  // that many live credentials at once: start over
        }
    }
    entries_.insert_or_assign(credential_hash, Entry{caller, now + ttl_});
}

void AuthCache::forget_all() {
    const std::lock_guard lock(mutex_);
    ++generation_;
    entries_.clear();
}

}  // namespace vergegrid::control
