#include "control/access/admin_bootstrap.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include "control/common/clock.hpp"
#include "control/common/extensions.hpp"
#include "secrets/secrets.hpp"

namespace vergegrid::control {

namespace {

constexpr std::size_t kMinimumTokenLength = 32;

// Created with mode 0600 from the start, so the token is never readable by others, not even
// for a moment.
void write_private_file(const std::filesystem::path& file, const std::string& text) {
    const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        throw std::runtime_error("cannot write " + file.string());
    }
    const std::string line = text + "\n";
    const bool written = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
    ::fchmod(fd, 0600);
    ::close(fd);
    if (!written) {
        throw std::runtime_error("cannot write " + file.string());
    }
}

}  // namespace

void bootstrap_admin(const Store& store, plugin_api::AuthProvider& auth,
                     const std::filesystem::path& data_dir,
                     const std::optional<std::string>& token_from_env, spdlog::logger& log) {
    if (token_from_env && token_from_env->size() < kMinimumTokenLength) {
        throw std::runtime_error("VERGEGRID_ADMIN_TOKEN must be at least " +
                                 std::to_string(kMinimumTokenLength) + " characters");
    }
    store.write([&](plugin_api::StorageTransaction& tx) {
        auto& access = access_store(tx);
        if (access.count_users() > 0) {
            return;
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
            return;
        }
        const auto issued = auth.issue_api_token(admin, "bootstrap", "", access, now);
        const auto file = data_dir / "admin-token";
        write_private_file(file, issued.token);
        log.info("empty database: created user 'admin'; its API token is in {} (mode 0600)",
                 file.string());
    });
}

}  // namespace vergegrid::control
