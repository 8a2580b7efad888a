#include "timestamps/rfc3339.hpp"

#include <array>
#include <cstdio>

namespace vergegrid::timestamps {

namespace {

// Reads exactly `count` digits at `pos` and moves past them.
std::optional<int> digits(std::string_view text, std::size_t& pos, std::size_t count) {
    if (pos + count > text.size()) {
        return std::nullopt;
    }
    int value = 0;
    for (std::size_t i = 0; i < count; ++i) {
        const char c = text[pos + i];
        if (c < '0' || c > '9') {
            return std::nullopt;
        }
        value = value * 10 + (c - '0');
    }
    pos += count;
    return value;
}

bool expect(std::string_view text, std::size_t& pos, std::string_view choices) {
    if (pos >= text.size() || choices.find(text[pos]) == std::string_view::npos) {
        return false;
    }
    ++pos;
    return true;
}

}  // namespace

std::optional<UtcTime> parse_utc(std::string_view text) {
    using namespace std::chrono;
    std::size_t pos = 0;
    const auto year = digits(text, pos, 4);
    if (!year || !expect(text, pos, "-")) {
        return std::nullopt;
    }
    const auto month = digits(text, pos, 2);
    if (!month || !expect(text, pos, "-")) {
        return std::nullopt;
    }
    const auto day = digits(text, pos, 2);
    if (!day || !expect(text, pos, "Tt")) {
        return std::nullopt;
    }
    const auto hour = digits(text, pos, 2);
    if (!hour || !expect(text, pos, ":")) {
        return std::nullopt;
    }
    const auto minute = digits(text, pos, 2);
    if (!minute || !expect(text, pos, ":")) {
        return std::nullopt;
    }
    const auto second = digits(text, pos, 2);
    if (!second) {
        return std::nullopt;
    }
    int millis = 0;
    if (pos < text.size() && text[pos] == '.') {
        ++pos;
        std::size_t fraction_digits = 0;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
            if (fraction_digits < 3) {
                millis = millis * 10 + (text[pos] - '0');
            }
            ++fraction_digits;
            ++pos;
        }
        if (fraction_digits == 0 || fraction_digits > 9) {
            return std::nullopt;
        }
        for (std::size_t i = fraction_digits; i < 3; ++i) {
            millis *= 10;
        }
    }
    const std::string_view zone = text.substr(pos);
    if (zone != "Z" && zone != "z" && zone != "+00:00") {
        return std::nullopt;
    }
    const year_month_day date{std::chrono::year(*year), std::chrono::month(unsigned(*month)),
                              std::chrono::day(unsigned(*day))};
    if (!date.ok() || *hour > 23 || *minute > 59 || *second > 59) {
        return std::nullopt;
    }
    return UtcTime(sys_days(date) + hours(*hour) + minutes(*minute) + seconds(*second) +
                   milliseconds(millis));
}

std::string format_utc(UtcTime time) {
    using namespace std::chrono;
    const auto day_start = floor<days>(time);
    const year_month_day date(day_start);
    const hh_mm_ss clock(time - day_start);
    std::array<char, 40> text{};
    std::snprintf(text.data(), text.size(), "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ",
                  static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                  static_cast<unsigned>(date.day()), static_cast<int>(clock.hours().count()),
                  static_cast<int>(clock.minutes().count()),
                  static_cast<int>(clock.seconds().count()),
                  static_cast<int>(clock.subseconds().count()));
    return text.data();
}

}  // namespace vergegrid::timestamps
