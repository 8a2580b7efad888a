#include "sqlite_backend.hpp"

#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <charconv>
#include <stdexcept>
#include <system_error>
#include <utility>

namespace vergegrid::plugins::sqlite {

namespace fs = std::filesystem;
using plugin_api::ConfigError;
using plugin_api::LogLevel;

namespace {

int parse_positive_int(const std::string& key, const std::string& text) {
    int value = 0;
    const char* first = text.data();
    const char* last = text.data() + text.size();
    const auto [end, ec] = std::from_chars(first, last, value);
    if (text.empty() || ec != std::errc{} || end != last || value <= 0) {
        throw ConfigError(key, "must be a positive integer (milliseconds), got '" + text + "'");
    }
    return value;
}

std::string display(const fs::path& path) {
    std::error_code ec;
    const fs::path absolute = fs::absolute(path, ec);
    return ec ? path.string() : absolute.lexically_normal().string();
}

}  // namespace

SqliteConfig parse_config(const plugin_api::ConfigSection& section, const std::string& data_dir) {
    SqliteConfig config;

    if (const auto it = section.find("path"); it != section.end()) {
        if (it->second.empty()) {
            throw ConfigError("path", "must not be empty");
        }
        config.path = it->second;
    } else if (!data_dir.empty()) {
        config.path = fs::path(data_dir) / kDefaultFileName;
    } else {
        throw ConfigError("path", "not set, and the host gave no data directory to default to");
    }
    // SOCI's sqlite3 backend reads its connect string as key=value pairs as soon as it holds an
    // '=', so such a path would be misread rather than opened.
    if (config.path.string().find('=') != std::string::npos) {
        throw ConfigError("path", "must not contain '=': '" + config.path.string() + "'");
    }

    if (const auto it = section.find("busy_timeout_ms"); it != section.end()) {
        config.busy_timeout_ms = parse_positive_int("busy_timeout_ms", it->second);
    }
    return config;
}

std::string configure_session(soci::session& sql, int busy_timeout_ms) {
    // busy_timeout first, so that switching the journal mode waits for other connections' locks.
    sql << "PRAGMA busy_timeout = " + std::to_string(busy_timeout_ms);
    std::string journal_mode;
    sql << "PRAGMA journal_mode = WAL", soci::into(journal_mode);
    sql << "PRAGMA foreign_keys = ON";
    sql << "PRAGMA synchronous = NORMAL";

    int foreign_keys = 0;
    sql << "PRAGMA foreign_keys", soci::into(foreign_keys);
    if (foreign_keys != 1) {
        throw std::runtime_error("this SQLite library cannot enforce foreign keys");
    }
    return journal_mode;
}

SqliteBackend::SqliteBackend(SqliteConfig config, std::shared_ptr<plugin_api::Logger> logger,
                             std::vector<Migration> migrations)
    : config_(std::move(config)), logger_(std::move(logger)), migrations_(std::move(migrations)) {
    validate_migrations(migrations_);
}

SqliteBackend::~SqliteBackend() {
    close();
}

void SqliteBackend::open() {
    const std::lock_guard lock(mutex_);
    if (session_) {
        return;
    }
    const std::string where = display(config_.path);
    try {
        const fs::path parent = config_.path.parent_path();
        if (!parent.empty()) {
            std::error_code ec;
            fs::create_directories(parent, ec);
            if (ec) {
                throw std::runtime_error("cannot create directory '" + parent.string() +
                                         "': " + ec.message());
            }
        }

        auto session =
            std::make_unique<soci::session>(*soci::factory_sqlite3(), config_.path.string());
        const std::string journal_mode = configure_session(*session, config_.busy_timeout_ms);
        const MigrationResult migrated = run_migrations(*session, migrations_, logger_.get());
        session_ = std::move(session);

        log(LogLevel::info, "opened SQLite database " + where + " (journal_mode=" + journal_mode +
                                ", busy_timeout_ms=" + std::to_string(config_.busy_timeout_ms) +
                                ", schema version " + std::to_string(migrated.to_version) + ")");
        if (journal_mode != "wal") {
            log(LogLevel::warn, "journal_mode is '" + journal_mode +
                                    "', not 'wal': readers will block writers on " + where);
        }
    } catch (const std::exception& e) {
        // Not logged here: the host reports the exception, with the plugin's name.
        throw std::runtime_error("cannot open SQLite database " + where + ": " + e.what());
    }
}

plugin_api::StorageHealth SqliteBackend::health() noexcept {
    try {
        const std::lock_guard lock(mutex_);
        if (!session_) {
            return {false, "SQLite database " + config_.path.string() + " is closed"};
        }
        int one = 0;
        *session_ << "SELECT 1", soci::into(one);
        if (one != 1) {
            return {false, "SELECT 1 returned " + std::to_string(one)};
        }
        return {true, "SQLite database " + config_.path.string()};
    } catch (const std::exception& e) {
        return {false, e.what()};
    } catch (...) {
        return {false, "unknown error"};
    }
}

void SqliteBackend::close() noexcept {
    try {
        const std::lock_guard lock(mutex_);
        if (!session_) {
            return;
        }
        session_.reset();
        log(LogLevel::info, "closed SQLite database " + config_.path.string());
    } catch (...) {
        // Nothing sensible to do: close() must not throw, and the session is gone either way.
    }
}

void SqliteBackend::log(LogLevel level, const std::string& message) const noexcept {
    if (logger_ && logger_->enabled(level)) {
        logger_->log(level, message);
    }
}

}  // namespace vergegrid::plugins::sqlite
