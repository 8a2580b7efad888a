// LoginLinkService: a link opens one web session, once, before its expiry; its secret is no
// token of its own; a new password revokes unused links; exchanges are throttled and audited.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "control/access/login_link_service.hpp"
#include "tests/control/access/access_fixture.hpp"

namespace vergegrid::test {
namespace {

class LoginLinks : public AccessServices {
  protected:
    std::optional<plugin_api::Identity> authenticate(const plugin_api::Credentials& credentials) {
        return store_.read([&](plugin_api::StorageTransaction& tx) {
            return auth_.get()->authenticate(credentials, control::access_store(tx),
                                             control::now_iso8601());
        });
    }

    std::string clock_ = "2026-12-06T10:00:00.000Z";
    control::LoginLinkService links_{store_,
                                     std::make_shared<control::LoginThrottle>(throttle_settings_),
                                     [this] { return clock_; }};
};

TEST_F(LoginLinks, ALinkOpensOneSessionOfItsUserAuditedAsALoginByLink) {
    const auto link = links_.issue(kAdminActor, "root").value;
    EXPECT_EQ(link.user, "root");
    EXPECT_EQ(link.expires_at, "2026-12-06T10:15:00.000Z") << "15 minutes by default";
    EXPECT_EQ(link.secret.rfind("vgl_", 0), 0u);

    const auto result = links_.exchange(kAnonymous, link.secret, "10.0.0.1");
    ASSERT_TRUE(result.accepted());
    EXPECT_EQ(result.user, "root");
    EXPECT_EQ(result.max_age_s, 3600);
    EXPECT_EQ(result.session->record.kind, "session");
    EXPECT_EQ(result.session->record.expires_at, "2026-12-06T11:00:00.000Z");

    const auto issued = audit("auth.login_link");
    ASSERT_EQ(issued.size(), 1u);
    EXPECT_EQ(issued[0].actor, "root");
    EXPECT_EQ(issued[0].after.find(link.secret), std::string::npos);
    const auto logins = audit("auth.login");
    ASSERT_EQ(logins.size(), 1u);
    EXPECT_EQ(logins[0].actor, "root");
    EXPECT_EQ(logins[0].request_id, "req-login");
    const auto after = nlohmann::json::parse(logins[0].after);
    EXPECT_EQ(after.at("method"), "login_link");
    EXPECT_EQ(after.at("session_id"), result.session->record.id);
    EXPECT_EQ(logins[0].after.find(result.session->token), std::string::npos);
}

TEST_F(LoginLinks, TheSessionAuthenticatesButTheLinksSecretIsNoTokenAtAll) {
    const auto link = links_.issue(kAdminActor, "root").value;
    EXPECT_FALSE(authenticate({"", link.secret})) << "not a session cookie";
    EXPECT_FALSE(authenticate({link.secret, ""})) << "not a bearer token";
    const auto result = links_.exchange(kAnonymous, link.secret, "10.0.0.1");
    ASSERT_TRUE(result.accepted());
    // The fixture's clock is the real one here: the session's expiry is in the fixture's past
    // clock reading, so authenticate with a clock before it.
    const auto identity = store_.read([&](plugin_api::StorageTransaction& tx) {
        return auth_.get()->authenticate({"", result.session->token}, control::access_store(tx),
                                         clock_);
    });
    ASSERT_TRUE(identity);
    EXPECT_EQ(identity->subject, "root");
    EXPECT_EQ(identity->role, "admin");
}

TEST_F(LoginLinks, TheSecondUseIsRefusedAndAuditedAsAFailedLogin) {
    const auto link = links_.issue(kAdminActor, "root").value;
    ASSERT_TRUE(links_.exchange(kAnonymous, link.secret, "10.0.0.1").accepted());
    const auto again = links_.exchange(kAnonymous, link.secret, "10.0.0.1");
    EXPECT_FALSE(again.accepted());
    EXPECT_FALSE(again.retry_after);
    const auto failed = audit("auth.login_failed");
    ASSERT_EQ(failed.size(), 1u);
    EXPECT_EQ(failed[0].actor, "anonymous");
    EXPECT_EQ(nlohmann::json::parse(failed[0].after),
              (nlohmann::json{{"method", "login_link"}, {"address", "10.0.0.1"}}));
}

TEST_F(LoginLinks, AnExpiredLinkIsRefused) {
    const auto link = links_.issue(kAdminActor, "root", std::chrono::minutes(2)).value;
    clock_ = "2026-12-06T10:02:00.000Z";
    EXPECT_FALSE(links_.exchange(kAnonymous, link.secret, "10.0.0.1").accepted());
    clock_ = "2026-12-06T10:01:59.999Z";
    EXPECT_TRUE(links_.exchange(kAnonymous, link.secret, "10.0.0.2").accepted())
        << "still valid a millisecond before its expiry";
}

TEST_F(LoginLinks, AnUnknownOrEmptySecretIsRefused) {
    EXPECT_FALSE(links_.exchange(kAnonymous, "vgl_no-such-link", "10.0.0.1").accepted());
    EXPECT_FALSE(links_.exchange(kAnonymous, "", "10.0.0.2").accepted());
    EXPECT_EQ(audit("auth.login_failed").size(), 2u);
    EXPECT_TRUE(audit("auth.login").empty());
}

TEST_F(LoginLinks, ANewPasswordOrADisableRevokesUnusedLinks) {
    const auto olga = users_.create(kAdminActor, {"olga", "operator", kPassword}).value;
    const auto first = links_.issue(kAdminActor, "olga").value;
    users_.reset_password(kAdminActor, olga.id, "another good password");
    EXPECT_FALSE(links_.exchange(kAnonymous, first.secret, "10.0.0.1").accepted());
    const auto second = links_.issue(kAdminActor, "olga").value;
    users_.disable(kAdminActor, olga.id);
    EXPECT_FALSE(links_.exchange(kAnonymous, second.secret, "10.0.0.1").accepted());
}

TEST_F(LoginLinks, IssuingNamesTheFieldAtFault) {
    const auto olga = users_.create(kAdminActor, {"olga", "operator", kPassword}).value;
    users_.disable(kAdminActor, olga.id);
    EXPECT_EQ(domain_error_of([&] { links_.issue(kAdminActor, "nobody"); }).fault(),
              control::Fault::not_found);
    EXPECT_EQ(domain_error_of([&] { links_.issue(kAdminActor, "olga"); }).code(), "user_disabled");
    const auto ttl =
        domain_error_of([&] { links_.issue(kAdminActor, "root", std::chrono::minutes(0)); });
    EXPECT_EQ(ttl.field(), "ttl_min");
    EXPECT_EQ(domain_error_of([&] {
                  links_.issue(kAdminActor, "root", std::chrono::minutes(24 * 60 + 1));
              }).field(),
              "ttl_min");
}

TEST_F(LoginLinks, FailedExchangesFromOneAddressAreThrottled) {
    // The fixture's throttle locks a name key after two failures; link exchanges count per
    // address.
    EXPECT_FALSE(links_.exchange(kAnonymous, "vgl_guess-1", "10.0.0.9").accepted());
    EXPECT_FALSE(links_.exchange(kAnonymous, "vgl_guess-2", "10.0.0.9").accepted());
    const auto link = links_.issue(kAdminActor, "root").value;
    const auto throttled = links_.exchange(kAnonymous, link.secret, "10.0.0.9");
    EXPECT_FALSE(throttled.accepted());
    ASSERT_TRUE(throttled.retry_after);
    EXPECT_TRUE(links_.exchange(kAnonymous, link.secret, "10.0.0.10").accepted())
        << "another address is not locked, and the throttled attempt did not use the link";
}

TEST_F(LoginLinks, OfConcurrentExchangesOfOneLinkExactlyOneGetsIn) {
    const auto link = links_.issue(kAdminActor, "root").value;
    std::atomic<int> accepted{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; ++i) {
        threads.emplace_back([&, i] {
            if (links_.exchange(kAnonymous, link.secret, "10.0.1." + std::to_string(i))
                    .accepted()) {
                ++accepted;
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    EXPECT_EQ(accepted.load(), 1);
}

}  // namespace
}  // namespace vergegrid::test
