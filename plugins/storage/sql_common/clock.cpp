#include "clock.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace vergegrid::plugins::sql {

std::string utc_now_iso8601() {
    using namespace std::chrono;
    const auto now = system_clock::now();
    const std::time_t seconds = system_clock::to_time_t(now);
    const auto millis = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char date_time[32];
    std::strftime(date_time, sizeof date_time, "%Y-%m-%dT%H:%M:%S", &utc);
    char text[48];
    std::snprintf(text, sizeof text, "%s.%03dZ", date_time, static_cast<int>(millis));
    return text;
}

}  // namespace vergegrid::plugins::sql
