#include "mysql_backend.hpp"

#include <soci/mysql/soci-mysql.h>
#include <soci/soci.h>

#include <utility>

#include "config_values.hpp"
#include "mysql_dialect.hpp"

namespace vergegrid::plugins::mysql {

using plugin_api::ConfigError;

namespace {

std::string non_empty(const plugin_api::ConfigSection& section, const std::string& key,
                      const std::string& fallback) {
    std::string value = sql::value_or(section, key, fallback);
    if (value.empty()) {
        throw ConfigError(key, "must not be empty");
    }
    return value;
}

}  // namespace

MysqlConfig parse_config(const plugin_api::ConfigSection& section) {
    MysqlConfig c;
    c.host = non_empty(section, "host", c.host);
    c.port = sql::int_or(section, "port", c.port, 1, 65535, "TCP port");
    c.db = non_empty(section, "db", c.db);
    c.user = non_empty(section, "user", c.user);
    c.password = sql::value_or(section, "password", c.password);
    c.pool_size = sql::int_or(section, "pool_size", c.pool_size, 1, kMaxPoolSize, "connections");
    c.connect_timeout_s =
        sql::int_or(section, "connect_timeout_s", c.connect_timeout_s, 1, 3600, "seconds");
    return c;
}

std::string connection_string(const MysqlConfig& c) {
    using sql::quote_connect_value;
    return "host=" + quote_connect_value(c.host) + " port=" + std::to_string(c.port) +
           " db=" + quote_connect_value(c.db) + " user=" + quote_connect_value(c.user) +
           " password=" + quote_connect_value(c.password) +
           " connect_timeout=" + std::to_string(c.connect_timeout_s) + " charset=utf8mb4";
}

MysqlBackend::MysqlBackend(MysqlConfig config, std::shared_ptr<plugin_api::Logger> logger,
                           std::vector<sql::Migration> migrations)
    : SociBackend(dialect(), std::move(migrations),
                  {static_cast<std::size_t>(config.pool_size),
                   std::chrono::milliseconds(kLockTimeoutS * 1000)},
                  std::move(logger)),
      config_(std::move(config)) {}

MysqlBackend::~MysqlBackend() {
    close();  // here, while connect() and describe() still exist
}

void MysqlBackend::close() noexcept {
    resign_leadership();
    SociBackend::close();
}

std::string leader_lock_name(const std::string& db) {
    return ("vergegrid.leader." + db).substr(0, 64);
}

bool MysqlBackend::hold_leadership() noexcept {
    const std::lock_guard lock(leader_mutex_);
    try {
        const std::string lock_name = leader_lock_name(config_.db);
        if (leader_) {
            // The lock lives as long as the session; asking the server also proves the session.
            int mine = 0;
            *leader_ << "SELECT COALESCE(IS_USED_LOCK(:name) = CONNECTION_ID(), 0)",
                soci::use(lock_name), soci::into(mine);
            if (mine == 1) {
                return true;
            }
            leader_.reset();
            return false;
        }
        auto session = connect();
        int taken = 0;
        *session << "SELECT COALESCE(GET_LOCK(:name, 0), 0)", soci::use(lock_name),
            soci::into(taken);
        if (taken == 1) {
            leader_ = std::move(session);
            return true;
        }
        return false;
    } catch (const std::exception& e) {
        if (leader_) {
            log(plugin_api::LogLevel::warn,
                std::string("the leadership session stopped answering (") + e.what() +
                    "): this control plane no longer leads");
        }
        leader_.reset();
        return false;
    }
}

void MysqlBackend::resign_leadership() noexcept {
    const std::lock_guard lock(leader_mutex_);
    try {
        if (leader_) {
            // Freed here, not by closing the session: the server ends a closed session after the
            // client has gone, and another control plane asking at once would find it still held.
            // (A named string: soci runs the statement after the full expression's temporaries.)
            const std::string lock_name = leader_lock_name(config_.db);
            int released = 0;
            *leader_ << "SELECT COALESCE(RELEASE_LOCK(:name), 0)", soci::use(lock_name),
                soci::into(released);
        }
    } catch (...) {
        // A session that cannot answer is ending: the server frees its lock with it.
    }
    try {
        leader_.reset();
    } catch (...) {
    }
}

void MysqlBackend::listen(const std::vector<std::string>&, plugin_api::ClusterListener& listener) {
    listener.on_gap();  // nothing will be heard: the re-check timers carry the news
}

std::unique_ptr<soci::session> MysqlBackend::connect() {
    auto session =
        std::make_unique<soci::session>(*soci::factory_mysql(), connection_string(config_));
    // Strict: a value that does not fit is an error, never silently truncated. No ANSI_QUOTES
    // and no NO_BACKSLASH_ESCAPES: SOCI escapes bound strings for the default syntax.
    *session << "SET SESSION sql_mode = 'STRICT_ALL_TABLES,ERROR_FOR_DIVISION_BY_ZERO,"
                "NO_ZERO_DATE,NO_ZERO_IN_DATE,NO_ENGINE_SUBSTITUTION'";
    // A writer waiting this long for the grid lock gets error 1205: StorageBusy.
    *session << "SET SESSION innodb_lock_wait_timeout = " + std::to_string(kLockTimeoutS);
    *session << "SET SESSION autocommit = 1";
    return session;
}

std::string MysqlBackend::describe() const {
    return "MySQL/MariaDB database " + config_.db + " on " + config_.host + ":" +
           std::to_string(config_.port);
}

std::string MysqlBackend::opened_details(soci::session& first) {
    std::string version;
    first << "SELECT VERSION()", soci::into(version);
    return "server " + version + ", ";
}

}  // namespace vergegrid::plugins::mysql
