// The audit log read back through AuditLog: newest first, filtered, a page at a time, and a
// filter too long to be one the server wrote is refused naming it.
#include <gtest/gtest.h>

#include "tests/control/access/access_fixture.hpp"

namespace vergegrid::test {
namespace {

using AuditLogTest = AccessServices;

TEST_F(AuditLogTest, RowsComeNewestFirstFilteredAndPaged) {
    for (const char* name : {"ann", "bob", "cyd"}) {
        users_.create(kAdminActor, {name, "viewer", std::nullopt});
    }
    AuditQuery query;
    query.filter.action = "user.create";
    query.limit = 2;
    const auto first = AuditLog(store_).list(query);
    ASSERT_EQ(first.size(), 3u) << "limit + 1: the extra row says there is more";
    EXPECT_GT(first[0].id, first[1].id);
    query.before_id = first[1].id;
    const auto second = AuditLog(store_).list(query);
    ASSERT_EQ(second.size(), 2u) << "ann, then root";
    EXPECT_LT(second[0].id, first[1].id);
    query.filter.actor = "nobody";
    EXPECT_TRUE(AuditLog(store_).list(query).empty());
}

TEST_F(AuditLogTest, AFilterLongerThan256BytesIsRefusedNamingIt) {
    AuditQuery query;
    query.filter.entity_type = std::string(256, 'x');
    EXPECT_NO_THROW(AuditLog(store_).list(query));
    query.filter.until = std::string(257, 'x');
    const auto error = domain_error_of([&] { AuditLog(store_).list(query); });
    EXPECT_EQ(error.fault(), control::Fault::invalid_input);
    EXPECT_EQ(error.field(), "until");
}

}  // namespace
}  // namespace vergegrid::test
