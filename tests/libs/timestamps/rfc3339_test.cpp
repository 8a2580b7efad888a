// RFC 3339 UTC timestamps: what is read, what is refused, and the stored form.
#include "timestamps/rfc3339.hpp"

#include <gtest/gtest.h>

namespace {

using vergegrid::timestamps::format_utc;
using vergegrid::timestamps::parse_utc;

TEST(Rfc3339, ReadsUtcTimestampsToTheMillisecond) {
    const auto plain = parse_utc("2027-01-31T12:00:00Z");
    ASSERT_TRUE(plain);
    EXPECT_EQ(format_utc(*plain), "2027-01-31T12:00:00.000Z");
    EXPECT_EQ(format_utc(*parse_utc("2027-01-31t12:00:00.25z")), "2027-01-31T12:00:00.250Z");
    EXPECT_EQ(format_utc(*parse_utc("2027-01-31T12:00:00.123456789+00:00")),
              "2027-01-31T12:00:00.123Z");
    EXPECT_EQ(format_utc(*parse_utc("2028-02-29T23:59:59.999Z")), "2028-02-29T23:59:59.999Z");
    EXPECT_LT(*parse_utc("2026-12-03T10:00:00Z"), *parse_utc("2026-12-03T10:00:00.001Z"))
        << "compared as time: as text 'Z' sorts after '.'";
}

TEST(Rfc3339, RefusesWhatIsNotAUtcTimestamp) {
    for (const char* bad :
         {"", "9999", "garbage", "2027-01-31", "2027-01-31T12:00:00", "2027-01-31 12:00:00Z",
          "2027-02-29T00:00:00Z", "2027-13-01T00:00:00Z", "2027-01-31T24:00:00Z",
          "2027-01-31T12:60:00Z", "2027-01-31T12:00:60Z", "2027-01-31T12:00:00.Z",
          "2027-01-31T12:00:00.1234567890Z", "2027-01-31T12:00:00+01:00",
          "2027-01-31T12:00:00-00:00", "2027-01-31T12:00:00Z ", "+2027-01-31T12:00:00Z"}) {
        EXPECT_FALSE(parse_utc(bad)) << bad;
    }
}

}  // namespace
