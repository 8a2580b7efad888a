// The built-in auth provider over a real SQLite store: a login checks one password hash whoever
// the user is, and stored expiries are compared as time (text that is no timestamp has expired).
#include "builtin_auth.hpp"

#include <gtest/gtest.h>

#include "sqlite_backend.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_logger.hpp"
#include "vergegrid/plugin_api/storage_access.hpp"

namespace {

namespace api = vergegrid::plugin_api;
using vergegrid::plugins::builtin_auth::AuthSettings;
using vergegrid::plugins::builtin_auth::BuiltinAuth;
using vergegrid::plugins::sqlite::SqliteBackend;
using vergegrid::plugins::sqlite::SqliteConfig;
using vergegrid::test::SilentLogger;

constexpr const char* kNow = "2026-12-03T10:00:00.000Z";

class BuiltinAuthTest : public ::testing::Test {
  protected:
    void SetUp() override {
        SqliteConfig config;
        config.path = dir_.path() / "auth.db";
        storage_ = std::make_unique<SqliteBackend>(config, logger_);
        storage_->open();
        auto tx = storage_->begin(api::Access::read_write);
        auto& access = dynamic_cast<api::AccessStore&>(*tx);
        access.insert_user(
            {"u-olga", "olga", "operator", auth_.hash_password(kPassword), false, kNow});
        access.insert_user(
            {"u-dora", "dora", "operator", auth_.hash_password(kPassword), true, kNow});
        access.insert_user({"u-tim", "tim", "viewer", "", false, kNow});
        tx->commit();
    }

    // Runs `work` on the AccessStore of one committed transaction.
    template <typename Work>
    auto with_store(Work&& work) {
        auto tx = storage_->begin(api::Access::read_write);
        auto result = work(dynamic_cast<api::AccessStore&>(*tx));
        tx->commit();
        return result;
    }

    std::optional<api::IssuedToken> login(const std::string& name, const std::string& password) {
        return with_store(
            [&](api::AccessStore& store) { return auth_.login(name, password, store, kNow); });
    }

    static constexpr const char* kPassword = "correct horse battery";
    vergegrid::test::TempDir dir_;
    std::shared_ptr<SilentLogger> logger_ = std::make_shared<SilentLogger>();
    BuiltinAuth auth_{AuthSettings{}, logger_};
    std::unique_ptr<SqliteBackend> storage_;
};

TEST_F(BuiltinAuthTest, EveryLoginChecksOnePasswordHashSoUnknownNamesTakeAsLong) {
    const auto checks = [&] { return auth_.password_checks(); };
    auto before = checks();
    EXPECT_TRUE(login("olga", kPassword));
    EXPECT_EQ(checks(), before + 1) << "right password";
    before = checks();
    EXPECT_FALSE(login("olga", "wrong password!"));
    EXPECT_EQ(checks(), before + 1) << "wrong password";
    before = checks();
    EXPECT_FALSE(login("nobody", "wrong password!"));
    EXPECT_EQ(checks(), before + 1) << "unknown user: checked against the dummy hash";
    before = checks();
    EXPECT_FALSE(login("dora", kPassword));
    EXPECT_EQ(checks(), before + 1) << "disabled user";
    before = checks();
    EXPECT_FALSE(login("tim", ""));
    EXPECT_EQ(checks(), before + 1) << "user without a password";
}

TEST_F(BuiltinAuthTest, ExpiriesAreComparedAsTimeAndTextThatIsNoTimestampHasExpired) {
    // Rows as an older control plane stored them, before expires_at was validated.
    const auto token_with_expiry = [&](const std::string& expires_at) {
        auto issued = with_store([&](api::AccessStore& store) {
            return auth_.issue_api_token({"u-olga", "olga", "operator", "", false, kNow}, "t",
                                         expires_at, store, kNow);
        });
        return with_store([&](api::AccessStore& store) {
            return auth_.authenticate({issued.token, ""}, store, kNow).has_value();
        });
    };
    EXPECT_TRUE(token_with_expiry(""));
    EXPECT_TRUE(token_with_expiry("2026-12-03T10:00:01Z"));
    EXPECT_FALSE(token_with_expiry("2026-12-03T10:00:00Z"));
    EXPECT_FALSE(token_with_expiry("9999")) << "sorts after every date as text";
    EXPECT_FALSE(token_with_expiry("garbage")) << "sorts after every digit as text";
    EXPECT_FALSE(token_with_expiry("2026-12-03T10:00:00.5+01:00")) << "not UTC";
}

}  // namespace
