// The built-in auth provider as the control plane gets it, from vg-auth-builtin.so: passwords
// hashed with salted Argon2id and checked against their hash only, tokens stored as their SHA-256
// alone, an API token good as a bearer and a session only as a session, what ends a token, and
// its config keys.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "plugin_host/loaded_plugin.hpp"
#include "secrets/secrets.hpp"
#include "sqlite_backend.hpp"
#include "tests/support/builtin_plugin.hpp"
#include "tests/support/temp_dir.hpp"
#include "vergegrid/plugin_api/auth.hpp"

namespace {

namespace api = vergegrid::plugin_api;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr const char* kNow = "2026-12-03T10:00:00.000Z";
constexpr const char* kLater = "2026-12-03T11:00:00.000Z";
constexpr const char* kPassword = "correct horse battery";

class BuiltinAuthModule : public ::testing::Test {
  protected:
    // Runs `work` on the AccessStore of one committed transaction.
    template <typename Work>
    auto with_store(Work&& work) {
        auto tx = storage_->begin(api::Access::read_write);
        auto result = work(dynamic_cast<api::AccessStore&>(*tx));
        tx->commit();
        return result;
    }

    void SetUp() override {
        vergegrid::plugins::sqlite::SqliteConfig config;
        config.path = dir_.path() / "auth.db";
        storage_ =
            std::make_unique<vergegrid::plugins::sqlite::SqliteBackend>(config, plugin_.logger());
        storage_->open();
        with_store([&](api::AccessStore& store) {
            store.insert_user(
                {"u-olga", "olga", "operator", auth_->hash_password(kPassword), false, kNow});
            return 0;
        });
    }

    // Read in a transaction of its own: call it before with_store(), never inside.
    api::User olga() {
        return with_store([](api::AccessStore& store) { return *store.find_user("u-olga"); });
    }

    std::optional<api::Identity> as_bearer(const std::string& token, const char* now = kNow) {
        return with_store([&](api::AccessStore& store) {
            return auth_->authenticate({token, ""}, store, now);
        });
    }
    std::optional<api::Identity> as_session(const std::string& token, const char* now = kNow) {
        return with_store([&](api::AccessStore& store) {
            return auth_->authenticate({"", token}, store, now);
        });
    }
    std::optional<api::IssuedToken> login(const std::string& password) {
        return with_store(
            [&](api::AccessStore& store) { return auth_->login("olga", password, store, kNow); });
    }

    vergegrid::test::BuiltinPlugin plugin_{"vg-auth-builtin.so", "auth", "builtin"};
    std::shared_ptr<api::AuthProvider> auth_ = plugin_.make<api::AuthProvider>();
    vergegrid::test::TempDir dir_;
    std::unique_ptr<vergegrid::plugins::sqlite::SqliteBackend> storage_;
};

TEST_F(BuiltinAuthModule, APasswordHashIsSaltedArgon2idAndMatchesOnlyItsPassword) {
    const auto first = auth_->hash_password(kPassword);
    const auto second = auth_->hash_password(kPassword);
    EXPECT_THAT(first, StartsWith("$argon2id$"));
    EXPECT_NE(first, second) << "each hash has its own salt";
    EXPECT_EQ(first.find(kPassword), std::string::npos);
    EXPECT_TRUE(login(kPassword));
    EXPECT_FALSE(login("correct horse battery "));
    EXPECT_FALSE(login(""));
}

TEST_F(BuiltinAuthModule, APasswordShorterThanTheMinimumIsRefused) {
    try {
        auth_->hash_password("123456789");
        FAIL() << "a 9-character password was hashed";
    } catch (const std::invalid_argument& e) {
        EXPECT_THAT(e.what(), HasSubstr("at least 10 characters"));
    }
    auto lenient = plugin_.make<api::AuthProvider>({{"min_password_length", "8"}});
    EXPECT_NO_THROW(lenient->hash_password("12345678"));
    EXPECT_THROW(lenient->hash_password("1234567"), std::invalid_argument);
}

TEST_F(BuiltinAuthModule, ATokenIsStoredOnlyAsItsSha256) {
    const auto user = olga();
    const auto issued = with_store([&](api::AccessStore& store) {
        return auth_->issue_api_token(user, "ci", "", store, kNow);
    });
    EXPECT_THAT(issued.token, StartsWith("vgo_"));
    EXPECT_EQ(issued.record.token_hash, vergegrid::secrets::sha256_hex(issued.token));
    EXPECT_EQ(issued.record.kind, "api");
    EXPECT_EQ(issued.record.label, "ci");
    const auto stored = with_store([&](api::AccessStore& store) {
        return store.find_access_token_by_hash(vergegrid::secrets::sha256_hex(issued.token));
    });
    ASSERT_TRUE(stored);
    EXPECT_EQ(stored->id, issued.record.id);
    EXPECT_NE(stored->token_hash, issued.token);
}

TEST_F(BuiltinAuthModule, AnApiTokenIsABearerAndASessionOnlyASession) {
    const auto user = olga();
    const auto api_token = with_store([&](api::AccessStore& store) {
                               return auth_->issue_api_token(user, "ci", "", store, kNow);
                           }).token;
    const auto identity = as_bearer(api_token);
    ASSERT_TRUE(identity);
    EXPECT_EQ(identity->subject, "olga");
    EXPECT_EQ(identity->role, "operator");
    EXPECT_EQ(identity->user_id, "u-olga");
    EXPECT_FALSE(as_session(api_token));

    const auto session = login(kPassword);
    ASSERT_TRUE(session);
    EXPECT_THAT(session->token, StartsWith("vgw_"));
    EXPECT_EQ(session->record.kind, "session");
    EXPECT_TRUE(as_session(session->token));
    EXPECT_FALSE(as_bearer(session->token));
    EXPECT_FALSE(as_bearer("vgo_not-a-token-anyone-issued"));
    EXPECT_FALSE(as_bearer(""));
}

TEST_F(BuiltinAuthModule, ASessionLastsTheConfiguredLifetime) {
    EXPECT_EQ(login(kPassword)->record.expires_at, "2026-12-03T22:00:00.000Z") << "12 h default";
    auth_ = plugin_.make<api::AuthProvider>({{"session_ttl_s", "60"}});
    const auto session = login(kPassword);
    ASSERT_TRUE(session);
    EXPECT_EQ(session->record.expires_at, "2026-12-03T10:01:00.000Z");
    EXPECT_TRUE(as_session(session->token, "2026-12-03T10:00:59.000Z"));
    EXPECT_FALSE(as_session(session->token, "2026-12-03T10:01:00.000Z"));
}

TEST_F(BuiltinAuthModule, ARevokedExpiredOrDisabledUsersTokenIsRefused) {
    const auto user = olga();
    const auto issue = [&](const std::string& expires_at) {
        return with_store([&](api::AccessStore& store) {
            return auth_->issue_api_token(user, "ci", expires_at, store, kNow);
        });
    };
    const auto revoked = issue("");
    with_store([&](api::AccessStore& store) {
        store.revoke_access_token(revoked.record.id, kNow);
        return 0;
    });
    EXPECT_FALSE(as_bearer(revoked.token));

    const auto expiring = issue("2026-12-03T10:30:00.000Z");
    EXPECT_TRUE(as_bearer(expiring.token, kNow));
    EXPECT_FALSE(as_bearer(expiring.token, kLater));

    const auto forever = issue("");
    EXPECT_TRUE(as_bearer(forever.token));
    with_store([&](api::AccessStore& store) {
        auto user = *store.find_user("u-olga");
        user.disabled = true;
        store.update_user(user);
        return 0;
    });
    EXPECT_FALSE(as_bearer(forever.token));
    EXPECT_FALSE(login(kPassword)) << "a disabled user cannot log in either";
}

TEST_F(BuiltinAuthModule, ConfigValuesOutOfRangeAreErrorsNamingTheKey) {
    const std::vector<std::pair<std::string, std::string>> bad{
        {"session_ttl_s", "59"},      {"session_ttl_s", "2592001"},   {"session_ttl_s", "1h"},
        {"min_password_length", "7"}, {"min_password_length", "129"}, {"min_password_length", ""}};
    for (const auto& [key, text] : bad) {
        try {
            plugin_.make<api::AuthProvider>({{key, text}});
            ADD_FAILURE() << "accepted " << key << " '" << text << "'";
        } catch (const vergegrid::plugin_host::PluginCreateError& e) {
            EXPECT_EQ(e.config_key, "auth.builtin." + key) << text;
            EXPECT_THAT(e.config_message, HasSubstr("is not an integer between")) << text;
        }
    }
    EXPECT_NO_THROW(plugin_.make<api::AuthProvider>({{"session_ttl_s", "2592000"}}));
}

}  // namespace
