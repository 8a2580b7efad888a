#include "control/common/clock.hpp"

#include <Poco/DateTime.h>
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/DateTimeParser.h>
#include <Poco/Timestamp.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <mutex>

#include "secrets/secrets.hpp"

namespace vergegrid::control {

namespace {

// The one format every timestamp here is written in and read back from.
std::string iso8601(const Poco::DateTime& time) {
    return Poco::DateTimeFormatter::format(time, "%Y-%m-%dT%H:%M:%S.%iZ");
}

Poco::DateTime parse_iso8601(const std::string& text) {
    int tzd = 0;
    return Poco::DateTimeParser::parse(Poco::DateTimeFormat::ISO8601_FRAC_FORMAT, text, tzd);
}

}  // namespace

std::string now_iso8601() {
    return iso8601(Poco::DateTime());
}

std::string creation_time_iso8601() {
    static std::mutex mutex;
    static Poco::Timestamp::TimeVal last_ms = 0;
    Poco::Timestamp::TimeVal ms = Poco::Timestamp().epochMicroseconds() / 1000;
    {
        const std::lock_guard lock(mutex);
        ms = std::max(ms, last_ms + 1);
        last_ms = ms;
    }
    return iso8601(Poco::DateTime(Poco::Timestamp(ms * 1000)));
}

namespace {

// Random bits for ids, drawn from the OS CSPRNG 64 values at a time: a create makes several ids
// (region, operation, event), and one getrandom call each was a measurable part of it. Per
// thread, so no lock; ids are identifiers, not secrets (tokens use secrets::random_token).
std::uint64_t id_random_bits() {
    thread_local std::array<std::uint64_t, 64> pool{};
    thread_local std::size_t next = pool.size();
    if (next == pool.size()) {
        secrets::fill_random(pool.data(), sizeof pool);
        next = 0;
    }
    return pool[next++];
}

// `digits` lower-case hex digits of `value` at `out`, most significant first.
void put_hex(char* out, std::uint64_t value, int digits) {
    static constexpr char kDigits[] = "0123456789abcdef";
    for (int i = digits - 1; i >= 0; --i) {
        out[i] = kDigits[value & 0xfU];
        value >>= 4;
    }
}

}  // namespace

std::string new_uuid() {
    // RFC 9562 version 7, with the 12 bits after the version as a counter within the millisecond
    // (its section 6.2, method 1) so that ids are strictly increasing within the process.
    static std::mutex mutex;
    static std::uint64_t last_stamp = 0;  // milliseconds << 12 | counter
    const auto ms = static_cast<std::uint64_t>(Poco::Timestamp().epochMicroseconds() / 1000);
    std::uint64_t stamp = ms << 12;
    {
        const std::lock_guard lock(mutex);
        // More than 4,096 ids in one millisecond carry into the milliseconds: still increasing.
        stamp = std::max(stamp, last_stamp + 1);
        last_stamp = stamp;
    }
    const std::uint64_t high = ((stamp >> 12) << 16) | 0x7000U | (stamp & 0xfffU);
    const std::uint64_t low = (id_random_bits() >> 2) | 0x8000000000000000ULL;  // variant 10
    std::string text(36, '-');                                                  // 8-4-4-4-12
    put_hex(text.data(), high >> 32, 8);
    put_hex(text.data() + 9, (high >> 16) & 0xffffU, 4);
    put_hex(text.data() + 14, high & 0xffffU, 4);
    put_hex(text.data() + 19, low >> 48, 4);
    put_hex(text.data() + 24, low & 0xffffffffffffULL, 12);
    return text;
}

std::string iso8601_plus_seconds(const std::string& now, long seconds) {
    Poco::DateTime time = parse_iso8601(now);
    time += Poco::Timespan(seconds, 0);
    return iso8601(time);
}

long seconds_between(const std::string& from, const std::string& to) {
    return static_cast<long>((parse_iso8601(to) - parse_iso8601(from)).totalSeconds());
}

}  // namespace vergegrid::control
