#include "control/access/admin_bootstrap.hpp"

#include <spdlog/spdlog.h>

#include "control/access/private_file.hpp"
#include "control/common/clock.hpp"
#include "control/common/extensions.hpp"
#include "secrets/secrets.hpp"

namespace vergegrid::control {

namespace {

constexpr std::size_t kMinimumTokenLength = 32;

}  // namespace

bool bootstrap_admin(const Store& store, plugin_api::AuthProvider& auth,
                     const std::filesystem::path& data_dir,
                     const std::optional<std::string>& token_from_env, spdlog::logger& log) {
    if (token_from_env && token_from_env->size() < kMinimumTokenLength) {
        throw std::runtime_error("VERGEGRID_ADMIN_TOKEN must be at least " +
                                 std::to_string(kMinimumTokenLength) + " characters");
    }
    return store.write([&](plugin_api::StorageTransaction& tx) {
        auto& access = access_store(tx);
        if (access.count_users() > 0) {
            return false;
        }
        const std::string now = now_iso8601();
        plugin_api::User admin{new_uuid(), "admin", "admin", "", false, now};
        access.insert_user(admin);
        if (token_from_env) {
            access.insert_access_token({new_uuid(), secrets::sha256_hex(*token_from_env), "api",
                                        admin.id, "bootstrap (VERGEGRID_ADMIN_TOKEN)", now, "",
                                        ""});
            log.info(
                "empty database: created user 'admin' with the token from VERGEGRID_ADMIN_TOKEN");
            return true;
        }
        const auto issued = auth.issue_api_token(admin, "bootstrap", "", access, now);
        const auto file = data_dir / "admin-token";
        write_private_file(file, issued.token);
        log.info("empty database: created user 'admin'; its API token is in {} (mode 0600)",
                 file.string());
        return true;
    });
}

}  // namespace vergegrid::control
