#include "control/common/clock.hpp"

#include <Poco/DateTime.h>
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/DateTimeParser.h>
#include <Poco/Timestamp.h>
#include <Poco/UUIDGenerator.h>

#include <algorithm>
#include <mutex>

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
    return Poco::UUIDGenerator::defaultGenerator().createRandom().toString();
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
