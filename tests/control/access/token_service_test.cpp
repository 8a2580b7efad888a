// TokenService: expiries are never or a time in the future, stored in the control plane's form;
// a token is revoked only through its own user.
#include <gtest/gtest.h>

#include "tests/control/access/access_fixture.hpp"

namespace vergegrid::test {
namespace {

using control::checked_expiry;
using control::Fault;

constexpr const char* kNow = "2026-12-03T10:00:00.000Z";

TEST(CheckedExpiry, EmptyMeansNever) {
    EXPECT_EQ(checked_expiry("", kNow), "");
}

TEST(CheckedExpiry, AFutureTimeIsKeptInTheControlPlanesForm) {
    EXPECT_EQ(checked_expiry("2027-01-31T12:00:00Z", kNow), "2027-01-31T12:00:00.000Z");
    EXPECT_EQ(checked_expiry("2027-01-31T12:00:00.5Z", kNow), "2027-01-31T12:00:00.500Z");
}

TEST(CheckedExpiry, TextThatIsNoTimestampIsRefusedNamingTheField) {
    for (const char* text : {"9999", "garbage", "2027-01-31", "2027-13-01T00:00:00Z"}) {
        try {
            checked_expiry(text, kNow);
            ADD_FAILURE() << text << " was accepted";
        } catch (const control::DomainError& e) {
            EXPECT_EQ(e.fault(), Fault::invalid_input) << text;
            EXPECT_EQ(e.field(), "expires_at") << text;
        }
    }
}

TEST(CheckedExpiry, NowAndThePastAreRefused) {
    for (const char* text : {kNow, "2026-12-03T09:59:59Z", "1970-01-01T00:00:00Z"}) {
        try {
            checked_expiry(text, kNow);
            ADD_FAILURE() << text << " was accepted";
        } catch (const control::DomainError& e) {
            EXPECT_EQ(e.field(), "expires_at") << text;
            EXPECT_STREQ(e.what(), "must be in the future") << text;
        }
    }
}

TEST_F(AccessServices, ATokenIsIssuedOnceListedWithItsExpiryAndAudited) {
    const auto issued = tokens_.create(kAdminActor, admin_.id, {"ci", "2999-01-01T00:00:00Z"});
    EXPECT_FALSE(issued.value.token.empty());
    EXPECT_EQ(issued.value.record.expires_at, "2999-01-01T00:00:00.000Z");
    ASSERT_EQ(issued.events.size(), 1u);
    EXPECT_EQ(issued.events[0].type, "token.create");
    const auto tokens = tokens_.list(admin_.id);
    ASSERT_EQ(tokens.size(), 1u);
    EXPECT_EQ(tokens[0].label, "ci");
    const auto rows = audit("token.create");
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].after.find(issued.value.token), std::string::npos)
        << "the token itself never reaches the audit log";
}

TEST_F(AccessServices, APastExpiryIsRefusedBeforeAnythingIsStored) {
    const auto error = domain_error_of([&] {
        tokens_.create(kAdminActor, admin_.id, {"ci", "2001-01-01T00:00:00Z"});
    });
    EXPECT_EQ(error.field(), "expires_at");
    EXPECT_TRUE(tokens_.list(admin_.id).empty());
}

TEST_F(AccessServices, ATokenIsRevokedOnlyThroughItsOwnUser) {
    const auto olga = users_.create(kAdminActor, {"olga", "operator", std::nullopt}).value;
    const auto token = tokens_.create(kAdminActor, olga.id, {"ci", ""}).value.record;
    auto error = domain_error_of([&] { tokens_.revoke(kAdminActor, admin_.id, token.id); });
    EXPECT_EQ(error.fault(), Fault::not_found);
    EXPECT_TRUE(tokens_.list(olga.id)[0].revoked_at.empty());

    const int changes = access_changes_;
    const auto revoked = tokens_.revoke(kAdminActor, olga.id, token.id);
    ASSERT_EQ(revoked.events.size(), 1u);
    EXPECT_EQ(revoked.events[0].type, "token.revoke");
    EXPECT_FALSE(tokens_.list(olga.id)[0].revoked_at.empty());
    EXPECT_EQ(access_changes_, changes + 1);
}

TEST_F(AccessServices, TokensOfAnUnknownUserAreNotFound) {
    EXPECT_EQ(domain_error_of([&] { tokens_.list("no-such-id"); }).fault(), Fault::not_found);
    EXPECT_EQ(domain_error_of([&] { tokens_.create(kAdminActor, "no-such-id", {}); }).fault(),
              Fault::not_found);
}

}  // namespace
}  // namespace vergegrid::test
