#include "control/common/clock.hpp"

#include <Poco/DateTime.h>
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/DateTimeParser.h>
#include <Poco/Timestamp.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
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
    const std::uint64_t low = (secrets::random_u64() >> 2) | 0x8000000000000000ULL;  // variant 10
    char text[37];
    std::snprintf(text, sizeof text, "%08llx-%04llx-%04llx-%04llx-%012llx",
                  static_cast<unsigned long long>(high >> 32),
                  static_cast<unsigned long long>((high >> 16) & 0xffffU),
                  static_cast<unsigned long long>(high & 0xffffU),
                  static_cast<unsigned long long>(low >> 48),
                  static_cast<unsigned long long>(low & 0xffffffffffffULL));
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
