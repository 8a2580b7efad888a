// SessionService: a login is audited as the user when accepted and as the anonymous caller when
// not; the throttle refuses a locked name before any password is checked; logout ends a session.
#include <gtest/gtest.h>

#include "tests/control/access/access_fixture.hpp"

namespace vergegrid::test {
namespace {

class Sessions : public AccessServices {
  protected:
    void SetUp() override {
        AccessServices::SetUp();
        olga_ = users_.create(kAdminActor, {"olga", "operator", kPassword}).value;
    }

    std::uint64_t password_checks() const {
        return dynamic_cast<plugins::builtin_auth::BuiltinAuth&>(*auth_.get()).password_checks();
    }

    plugin_api::User olga_;
};

TEST_F(Sessions, AnAcceptedLoginIsAuditedAsTheUserWithItsSession) {
    const auto result = sessions_.login(kAnonymous, {"olga", kPassword, "10.0.0.1"});
    ASSERT_TRUE(result.accepted());
    EXPECT_FALSE(result.retry_after);
    EXPECT_GT(result.max_age_s, 3600);
    EXPECT_EQ(result.session->record.kind, "session");
    const auto rows = audit("auth.login");
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].actor, "olga");
    EXPECT_EQ(rows[0].entity_id, olga_.id);
    EXPECT_EQ(rows[0].request_id, "req-login");
    const auto after = nlohmann::json::parse(rows[0].after);
    EXPECT_EQ(after.at("session_id"), result.session->record.id);
    EXPECT_EQ(after.at("address"), "10.0.0.1");
    EXPECT_EQ(rows[0].after.find(result.session->token), std::string::npos);
}

TEST_F(Sessions, ARefusedLoginIsAuditedAsTheAnonymousCallerWithoutThePassword) {
    const auto result = sessions_.login(kAnonymous, {"olga", "wrong password!", "10.0.0.1"});
    EXPECT_FALSE(result.accepted());
    EXPECT_FALSE(result.retry_after);
    const auto rows = audit("auth.login_failed");
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].actor, "anonymous");
    EXPECT_EQ(nlohmann::json::parse(rows[0].after),
              (nlohmann::json{{"username", "olga"}, {"address", "10.0.0.1"}}));
    EXPECT_TRUE(audit("auth.login").empty());
}

TEST_F(Sessions, ALockedNameIsRefusedBeforeAnyPasswordIsChecked) {
    // Two failures per name lock it (the fixture's throttle).
    EXPECT_FALSE(sessions_.login(kAnonymous, {"olga", "wrong password!", "10.0.0.1"}).accepted());
    EXPECT_FALSE(sessions_.login(kAnonymous, {"olga", "wrong password!", "10.0.0.2"}).accepted());
    const auto checks = password_checks();
    const auto result = sessions_.login(kAnonymous, {"olga", kPassword, "10.0.0.3"});
    EXPECT_FALSE(result.accepted()) << "even with the right password";
    ASSERT_TRUE(result.retry_after);
    EXPECT_GE(result.retry_after->count(), 1);
    EXPECT_EQ(password_checks(), checks) << "no Argon2 run for a throttled attempt";
    EXPECT_EQ(audit("auth.login_failed").size(), 2u) << "a throttled attempt writes no row";
    // Another name from a fresh address still gets through.
    users_.create(kAdminActor, {"vera", "viewer", kPassword});
    EXPECT_TRUE(sessions_.login(kAnonymous, {"vera", kPassword, "10.0.0.4"}).accepted());
}

TEST_F(Sessions, AnUnknownNameCostsOnePasswordCheckLikeAWrongPassword) {
    const auto checks = password_checks();
    EXPECT_FALSE(sessions_.login(kAnonymous, {"nobody", "wrong password!", "10.0.0.1"}).accepted());
    EXPECT_EQ(password_checks(), checks + 1);
}

TEST_F(Sessions, LogoutRevokesTheSessionAndForgetsCachedCallers) {
    const auto session = session_of("olga");
    const int changes = access_changes_;
    sessions_.logout(session.token);
    EXPECT_EQ(access_changes_, changes + 1);
    const auto tokens = tokens_.list(olga_.id);
    ASSERT_EQ(tokens.size(), 1u);
    EXPECT_FALSE(tokens[0].revoked_at.empty());
    EXPECT_NO_THROW(sessions_.logout("not-a-session")) << "an unknown token is no error";
}

TEST_F(Sessions, WithoutAnAuthProviderLoginIsUnavailable) {
    auth_.swap(nullptr);
    const auto error = domain_error_of([&] {
        sessions_.login(kAnonymous, {"olga", kPassword, "10.0.0.1"});
    });
    EXPECT_EQ(error.code(), "auth_unavailable");
}

}  // namespace
}  // namespace vergegrid::test
