// The access services over a real SQLite store and the built-in auth provider, with the audit
// trail consuming their events as the control plane does.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <semaphore>
#include <string>

#include "builtin_auth.hpp"
#include "control/access/session_service.hpp"
#include "control/access/token_service.hpp"
#include "control/access/user_service.hpp"
#include "control/audit/audit_log.hpp"
#include "control/audit/audit_trail.hpp"
#include "control/common/clock.hpp"
#include "control/common/extensions.hpp"
#include "sqlite_backend.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_logger.hpp"

namespace vergegrid::test {

inline constexpr const char* kPassword = "correct horse battery";

class AccessServices : public ::testing::Test {
  protected:
    void SetUp() override {
        plugins::sqlite::SqliteConfig config;
        config.path = dir_.path() / "access.db";
        auto backend = std::make_shared<plugins::sqlite::SqliteBackend>(config, logger_);
        backend->open();
        storage_.swap(backend);
        auth_.swap(std::make_shared<plugins::builtin_auth::BuiltinAuth>(
            plugins::builtin_auth::AuthSettings{}, logger_));
        admin_ = users_.create(kAdminActor, {"root", "admin", std::nullopt}).value;
    }

    // A session of `name` through the service; fails the test when the login is refused.
    plugin_api::IssuedToken session_of(const std::string& name) {
        const auto result = sessions_.login(kAnonymous, {name, kPassword, "10.0.0.1"});
        EXPECT_TRUE(result.accepted()) << name;
        return result.session.value_or(plugin_api::IssuedToken{});
    }

    std::vector<plugin_api::AuditEntry> audit(const std::string& action) const {
        AuditQuery query;
        query.filter.action = action;
        return AuditLog(store_).list(query);
    }

    static inline const control::Actor kAdminActor{"root", "req-admin"};
    static inline const control::Actor kAnonymous{"anonymous", "req-login"};

    using Store = control::Store;
    using AuditQuery = control::AuditQuery;
    using AuditLog = control::AuditLog;

    TempDir dir_;
    std::shared_ptr<SilentLogger> logger_ = std::make_shared<SilentLogger>();
    kernel::services::ActiveSlot<plugin_api::StorageBackend> storage_;
    control::AuthSlot auth_;
    Store store_{storage_, std::make_shared<const control::EventConsumers>(
                               control::EventConsumers{std::make_shared<control::AuditTrail>()})};
    int access_changes_ = 0;
    control::AccessChanged count_changes_ = [this] { ++access_changes_; };
    control::LoginThrottleSettings throttle_settings_{2, 20, std::chrono::seconds(900),
                                                      std::chrono::seconds(60), 2};
    control::UserService users_{store_, auth_, count_changes_};
    control::TokenService tokens_{store_, auth_, count_changes_};
    control::SessionService sessions_{
        store_, auth_,
        control::SessionSettings{std::make_shared<control::LoginThrottle>(throttle_settings_),
                                 std::make_shared<std::counting_semaphore<>>(2)},
        count_changes_};
    plugin_api::User admin_;
};

// The DomainError `work` throws, or a failed test.
template <typename Work>
control::DomainError domain_error_of(Work&& work) {
    try {
        work();
    } catch (const control::DomainError& e) {
        return e;
    }
    ADD_FAILURE() << "no DomainError";
    return control::DomainError(control::Fault::internal, "none", "none");
}

}  // namespace vergegrid::test
