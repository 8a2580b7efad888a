// UserService over a real store: unique names, the last enabled admin, sessions that a disable or
// a new password ends, and the audit rows its events become.
#include <gtest/gtest.h>

#include "tests/control/access/access_fixture.hpp"

namespace vergegrid::test {
namespace {

using control::Fault;
using control::UserChange;

TEST_F(AccessServices, CreateStoresTheUserAndAuditsUserCreate) {
    const auto created = users_.create(kAdminActor, {"olga", "operator", kPassword});
    EXPECT_EQ(created.value.name, "olga");
    EXPECT_FALSE(created.value.password_hash.empty());
    ASSERT_EQ(created.events.size(), 1u);
    EXPECT_EQ(created.events[0].type, "user.create");
    EXPECT_EQ(users_.get(created.value.id).role, "operator");
    const auto rows = audit("user.create");
    ASSERT_EQ(rows.size(), 2u);  // root, then olga: newest first
    EXPECT_EQ(rows[0].entity_id, created.value.id);
    EXPECT_EQ(rows[0].actor, "root");
    EXPECT_EQ(rows[0].request_id, "req-admin");
    EXPECT_EQ(rows[0].after.find(created.value.password_hash), std::string::npos)
        << "no hash in the audit";
    EXPECT_EQ(nlohmann::json::parse(rows[0].after).at("has_password"), true);
}

TEST_F(AccessServices, CreateRefusesATakenNameAMissingOrUnknownRoleAndAShortPassword) {
    users_.create(kAdminActor, {"olga", "operator", std::nullopt});
    auto error = domain_error_of([&] { users_.create(kAdminActor, {"olga", "viewer", {}}); });
    EXPECT_EQ(error.fault(), Fault::conflict);
    EXPECT_EQ(error.code(), "name_taken");
    error = domain_error_of([&] { users_.create(kAdminActor, {"", "viewer", {}}); });
    EXPECT_EQ(error.field(), "name");
    error = domain_error_of([&] { users_.create(kAdminActor, {"vera", "", {}}); });
    EXPECT_EQ(error.field(), "role");
    error = domain_error_of([&] { users_.create(kAdminActor, {"vera", "root", {}}); });
    EXPECT_EQ(error.field(), "role");
    error = domain_error_of([&] { users_.create(kAdminActor, {"vera", "viewer", "short"}); });
    EXPECT_EQ(error.fault(), Fault::invalid_input);
    EXPECT_EQ(error.field(), "password");
    EXPECT_EQ(users_.list().size(), 2u);
}

TEST_F(AccessServices, TheLastEnabledAdminCannotBeDisabledNorDemoted) {
    auto error = domain_error_of([&] { users_.disable(kAdminActor, admin_.id); });
    EXPECT_EQ(error.fault(), Fault::conflict);
    EXPECT_EQ(error.code(), "last_admin");
    EXPECT_EQ(error.field(), "disabled");
    error = domain_error_of([&] {
        users_.update(kAdminActor, admin_.id, UserChange{"operator", {}, {}});
    });
    EXPECT_EQ(error.code(), "last_admin");
    EXPECT_EQ(error.field(), "role");
    EXPECT_TRUE(audit("user.update").empty()) << "a refused change writes no row";

    // With a second enabled admin the first may go.
    users_.create(kAdminActor, {"ada", "admin", std::nullopt});
    EXPECT_TRUE(users_.disable(kAdminActor, admin_.id).value.disabled);
    EXPECT_EQ(audit("user.update").size(), 1u);
}

TEST_F(AccessServices, ADisabledAdminDoesNotCountAsTheOneLeft) {
    const auto ada = users_.create(kAdminActor, {"ada", "admin", std::nullopt}).value;
    users_.disable(kAdminActor, ada.id);
    EXPECT_EQ(domain_error_of([&] { users_.disable(kAdminActor, admin_.id); }).code(),
              "last_admin");
}

TEST_F(AccessServices, DisablingAUserEndsItsSessionsButKeepsItsApiTokens) {
    const auto olga = users_.create(kAdminActor, {"olga", "operator", kPassword}).value;
    const auto session = session_of("olga");
    const auto api = tokens_.create(kAdminActor, olga.id, {"ci", ""}).value;
    const int changes = access_changes_;
    users_.disable(kAdminActor, olga.id);
    EXPECT_EQ(access_changes_, changes + 1) << "cached callers are forgotten after the commit";
    for (const auto& token : tokens_.list(olga.id)) {
        if (token.id == session.record.id) {
            EXPECT_FALSE(token.revoked_at.empty()) << "the session ended";
        } else {
            EXPECT_EQ(token.id, api.record.id);
            EXPECT_TRUE(token.revoked_at.empty()) << "the API token stays";
        }
    }
}

TEST_F(AccessServices, ANewPasswordEndsTheSessionsOfTheOldOne) {
    const auto olga = users_.create(kAdminActor, {"olga", "operator", kPassword}).value;
    const auto session = session_of("olga");
    users_.reset_password(kAdminActor, olga.id, "another long password");
    const auto tokens = tokens_.list(olga.id);
    ASSERT_EQ(tokens.size(), 1u);
    EXPECT_FALSE(tokens[0].revoked_at.empty());
    EXPECT_FALSE(sessions_.login(kAnonymous, {"olga", kPassword, "10.0.0.2"}).accepted());
    EXPECT_TRUE(
        sessions_.login(kAnonymous, {"olga", "another long password", "10.0.0.2"}).accepted());
}

TEST_F(AccessServices, ChangingAnUnknownUserIsNotFound) {
    EXPECT_EQ(domain_error_of([&] { users_.disable(kAdminActor, "no-such-id"); }).fault(),
              Fault::not_found);
    EXPECT_EQ(domain_error_of([&] { users_.get("no-such-id"); }).fault(), Fault::not_found);
}

TEST_F(AccessServices, WithoutAnAuthProviderPasswordsAreUnavailable) {
    auth_.swap(nullptr);
    const auto error = domain_error_of([&] {
        users_.create(kAdminActor, {"olga", "viewer", kPassword});
    });
    EXPECT_EQ(error.fault(), Fault::unavailable);
    EXPECT_EQ(error.code(), "auth_unavailable");
    // A user without a password needs no provider.
    EXPECT_NO_THROW(users_.create(kAdminActor, {"tim", "viewer", std::nullopt}));
}

}  // namespace
}  // namespace vergegrid::test
