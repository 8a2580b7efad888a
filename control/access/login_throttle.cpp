#include "control/access/login_throttle.hpp"

#include <algorithm>

namespace vergegrid::control {

namespace {

// Past this many doublings the lockout has reached its cap anyway; keeps the shift defined.
constexpr int kMaxDoublings = 20;

}  // namespace

LoginThrottle::LoginThrottle(LoginThrottleSettings settings, std::size_t max_keys)
    : settings_(settings), max_keys_(max_keys) {}

bool LoginThrottle::forgotten(const Entry& entry, Clock::time_point now) const {
    return entry.in_flight == 0 && now >= entry.locked_until &&
           now - std::max(entry.last_failure, entry.locked_until) >= settings_.window;
}

// A full table first drops what it has forgotten, then the key idle longest: a flood of made-up
// names must not grow memory without bound.
void LoginThrottle::make_room(Table& table, Clock::time_point now) {
    if (table.size() < max_keys_) {
        return;
    }
    for (auto it = table.begin(); it != table.end();) {
        it = forgotten(it->second, now) ? table.erase(it) : std::next(it);
    }
    if (table.size() < max_keys_) {
        return;
    }
    auto oldest = table.end();
    for (auto it = table.begin(); it != table.end(); ++it) {
        if (it->second.in_flight == 0 &&
            (oldest == table.end() || it->second.last_failure < oldest->second.last_failure)) {
            oldest = it;
        }
    }
    if (oldest != table.end()) {
        table.erase(oldest);
    }
}

LoginThrottle::Entry& LoginThrottle::entry(Table& table, const std::string& key,
                                           Clock::time_point now) {
    auto it = table.find(key);
    if (it == table.end()) {
        make_room(table, now);
        return table[key];
    }
    if (forgotten(it->second, now)) {
        it->second = Entry{};
    }
    return it->second;
}

std::optional<LoginThrottle::Clock::duration> LoginThrottle::wait_for(Table& table,
                                                                      const std::string& key,
                                                                      int limit,
                                                                      Clock::time_point now) {
    auto it = table.find(key);
    if (it == table.end() || forgotten(it->second, now)) {
        return std::nullopt;
    }
    const Entry& e = it->second;
    if (e.locked_until > now) {
        return e.locked_until - now;
    }
    // Past a lockout one attempt at a time; before it, no more in flight than failures remain.
    if (e.in_flight > 0 && e.failures + e.in_flight >= limit) {
        return std::chrono::seconds(1);
    }
    return std::nullopt;
}

std::optional<std::chrono::seconds> LoginThrottle::admit(const std::string& name,
                                                         const std::string& address,
                                                         Clock::time_point now) {
    const std::lock_guard lock(mutex_);
    const auto by_name = wait_for(names_, name, settings_.failures_per_name, now);
    const auto by_address = wait_for(addresses_, address, settings_.failures_per_address, now);
    if (by_name || by_address) {
        const auto wait = std::max(by_name.value_or(Clock::duration::zero()),
                                   by_address.value_or(Clock::duration::zero()));
        return std::max(std::chrono::seconds(1), std::chrono::ceil<std::chrono::seconds>(wait));
    }
    ++entry(names_, name, now).in_flight;
    ++entry(addresses_, address, now).in_flight;
    return std::nullopt;
}

void LoginThrottle::record_failure(Entry& entry, int limit, Clock::time_point now) const {
    entry.in_flight = std::max(0, entry.in_flight - 1);
    ++entry.failures;
    entry.last_failure = now;
    if (entry.failures >= limit) {
        const auto cap = std::max<Clock::duration>(settings_.lockout, settings_.window);
        const auto doubled = Clock::duration(settings_.lockout) *
                             (std::int64_t{1} << std::min(entry.lockouts, kMaxDoublings));
        entry.locked_until = now + std::min(doubled, cap);
        ++entry.lockouts;
    }
}

void LoginThrottle::failed(const std::string& name, const std::string& address,
                           Clock::time_point now) {
    const std::lock_guard lock(mutex_);
    record_failure(entry(names_, name, now), settings_.failures_per_name, now);
    record_failure(entry(addresses_, address, now), settings_.failures_per_address, now);
}

void LoginThrottle::succeeded(const std::string& name, const std::string& address) {
    const std::lock_guard lock(mutex_);
    names_.erase(name);
    if (auto it = addresses_.find(address); it != addresses_.end()) {
        it->second.in_flight = std::max(0, it->second.in_flight - 1);
    }
}

void LoginThrottle::abandoned(const std::string& name, const std::string& address) {
    const std::lock_guard lock(mutex_);
    for (auto* table : {&names_, &addresses_}) {
        const std::string& key = table == &names_ ? name : address;
        if (auto it = table->find(key); it != table->end()) {
            it->second.in_flight = std::max(0, it->second.in_flight - 1);
        }
    }
}

}  // namespace vergegrid::control
