// The cursor of the lists shown newest first: the last row's key goes out and comes back split,
// and a cursor this server did not issue is a 400 naming the request's own parameter.
#include "control/common/newest_first_cursor.hpp"

#include <gtest/gtest.h>

#include "control/domain/domain_error.hpp"

namespace vergegrid::control {
namespace {

TEST(NewestFirstCursor, TheLastRowsKeyComesBackSplit) {
    const auto key = split_newest_first_cursor(
        newest_first_cursor("2026-12-06T01:02:03.004Z", "a_b-c"), "after");
    EXPECT_EQ(key.created_at, "2026-12-06T01:02:03.004Z");
    EXPECT_EQ(key.id, "a_b-c");
}

TEST(NewestFirstCursor, NoCursorIsTheFirstPage) {
    const auto key = split_newest_first_cursor("", "after");
    EXPECT_TRUE(key.created_at.empty());
    EXPECT_TRUE(key.id.empty());
}

TEST(NewestFirstCursor, ACursorOfAnotherShapeNamesTheParameter) {
    try {
        split_newest_first_cursor("not-a-cursor", "before");
        FAIL() << "accepted";
    } catch (const DomainError& e) {
        EXPECT_EQ(e.field(), "before");
    }
}

}  // namespace
}  // namespace vergegrid::control
