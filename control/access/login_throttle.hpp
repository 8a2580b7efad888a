// Slows down password guessing at POST /api/v1/auth/login, per user name and per client address.
//
// A key (a name, an address) may fail `limit` times; the failure that reaches the limit locks it
// for `lockout`, and each further failure once a lockout has run out locks it again for twice as
// long, up to max(lockout, window). A key forgets its failures after `window` without a failure
// or a lockout. A successful login clears its user name (the password was known, so nobody was
// guessing it) but not its address: otherwise whoever owns one account could wipe the address's
// count between guesses at another. A locked key is refused before any password is checked.
// Attempts still being checked count against the limit too, so parallel guesses cannot overshoot
// it.
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace vergegrid::control {

// [auth] login_*: how many failed logins a user name and a client address may have before they
// are locked out, the first lockout (doubling with each further failure), and how long a key
// remembers its failures.
struct LoginThrottleSettings {
    int failures_per_name = 5;
    int failures_per_address = 20;
    std::chrono::seconds window{15 * 60};
    std::chrono::seconds lockout{60};
    int max_parallel_checks = 4;  // password checks (Argon2 runs) at once; more logins wait
};

class LoginThrottle {
  public:
    using Clock = std::chrono::steady_clock;

    explicit LoginThrottle(LoginThrottleSettings settings, std::size_t max_keys = 10'000);

    // nullopt: go ahead, and report the outcome with failed() or succeeded() (or abandoned()
    // when the attempt could not be judged). Otherwise the whole seconds to wait (at least 1).
    std::optional<std::chrono::seconds> admit(const std::string& name, const std::string& address,
                                              Clock::time_point now);
    void failed(const std::string& name, const std::string& address, Clock::time_point now);
    void succeeded(const std::string& name, const std::string& address);
    void abandoned(const std::string& name, const std::string& address);

  private:
    struct Entry {
        int failures = 0;
        int in_flight = 0;
        int lockouts = 0;  // doubles the next lockout
        Clock::time_point last_failure;
        Clock::time_point locked_until;
    };
    using Table = std::unordered_map<std::string, Entry>;

    Entry& entry(Table& table, const std::string& key, Clock::time_point now);
    std::optional<Clock::duration> wait_for(Table& table, const std::string& key, int limit,
                                            Clock::time_point now);
    void record_failure(Entry& entry, int limit, Clock::time_point now) const;
    bool forgotten(const Entry& entry, Clock::time_point now) const;
    void make_room(Table& table, Clock::time_point now);

    const LoginThrottleSettings settings_;
    const std::size_t max_keys_;
    std::mutex mutex_;
    Table names_;
    Table addresses_;
};

}  // namespace vergegrid::control
