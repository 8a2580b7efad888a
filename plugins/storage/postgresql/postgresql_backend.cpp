#include "postgresql_backend.hpp"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>

#include <algorithm>
#include <array>
#include <utility>

#include "config_values.hpp"
#include "postgresql_dialect.hpp"

namespace vergegrid::plugins::postgresql {

using plugin_api::ConfigError;

namespace {

constexpr std::array kSslModes{"disable", "allow", "prefer", "require", "verify-ca", "verify-full"};

std::string non_empty(const plugin_api::ConfigSection& section, const std::string& key,
                      const std::string& fallback) {
    std::string value = sql::value_or(section, key, fallback);
    if (value.empty()) {
        throw ConfigError(key, "must not be empty");
    }
    return value;
}

}  // namespace

PostgresqlConfig parse_config(const plugin_api::ConfigSection& section) {
    PostgresqlConfig c;
    c.host = non_empty(section, "host", c.host);
    c.port = sql::int_or(section, "port", c.port, 1, 65535, "TCP port");
    c.dbname = non_empty(section, "dbname", c.dbname);
    c.user = non_empty(section, "user", c.user);
    c.password = sql::value_or(section, "password", c.password);
    c.pool_size = sql::int_or(section, "pool_size", c.pool_size, 1, kMaxPoolSize, "connections");
    c.connect_timeout_s =
        sql::int_or(section, "connect_timeout_s", c.connect_timeout_s, 1, 3600, "seconds");
    c.sslmode = sql::value_or(section, "sslmode", c.sslmode);
    if (std::find(kSslModes.begin(), kSslModes.end(), c.sslmode) == kSslModes.end()) {
        throw ConfigError("sslmode",
                          "must be one of disable, allow, prefer, require, verify-ca, "
                          "verify-full, got '" +
                              c.sslmode + "'");
    }
    return c;
}

std::string connection_string(const PostgresqlConfig& c) {
    using sql::quote_connect_value;
    return "host=" + quote_connect_value(c.host) + " port=" + std::to_string(c.port) +
           " dbname=" + quote_connect_value(c.dbname) + " user=" + quote_connect_value(c.user) +
           " password=" + quote_connect_value(c.password) +
           " connect_timeout=" + std::to_string(c.connect_timeout_s) +
           " sslmode=" + quote_connect_value(c.sslmode) +
           // A server gone silent (a cut network, not a closed socket) fails a call within
           // about 20 s instead of the system's TCP timeout of minutes: /readyz then says so.
           " keepalives=1 keepalives_idle=10 keepalives_interval=3 keepalives_count=3"
           " tcp_user_timeout=20000" +
           " options='-c client_min_messages=warning'";
}

PostgresqlBackend::PostgresqlBackend(PostgresqlConfig config,
                                     std::shared_ptr<plugin_api::Logger> logger,
                                     std::vector<sql::Migration> migrations)
    : SociBackend(
          dialect(), std::move(migrations),
          {static_cast<std::size_t>(config.pool_size), std::chrono::milliseconds(kLockTimeoutMs)},
          logger),
      config_(std::move(config)),
      cluster_(connection_string(config_), std::move(logger)) {}

PostgresqlBackend::~PostgresqlBackend() {
    close();  // here, while connect() and describe() still exist
}

void PostgresqlBackend::close() noexcept {
    cluster_.close();
    SociBackend::close();
}

std::unique_ptr<soci::session> PostgresqlBackend::connect() {
    auto session =
        std::make_unique<soci::session>(*soci::factory_postgresql(), connection_string(config_));
    // A writer waiting this long for the grid lock gets SQLSTATE 55P03: StorageBusy.
    *session << "SET lock_timeout = " + std::to_string(kLockTimeoutMs);
    // Until schema 9 every region read joined seven tables by key. Left free, the planner spent
    // 1-19 ms per one-time statement searching join orders (docs/benchmarks.md: 69 % of
    // PostgreSQL's CPU per create), and, with statistics autovacuum had not yet gathered, hashed
    // whole tables to look up one region (O(regions) per lookup). No query joins tables now
    // (EXISTS subqueries aside); these stay so that one added later is planned the cheap way:
    // every lookup here goes by key, where a nested loop over an index costs what it returns.
    *session << "SET join_collapse_limit = 1";
    *session << "SET enable_hashjoin = off";
    *session << "SET enable_mergejoin = off";
    return session;
}

std::string PostgresqlBackend::describe() const {
    return "PostgreSQL database " + config_.dbname + " on " + config_.host + ":" +
           std::to_string(config_.port);
}

std::string PostgresqlBackend::opened_details(soci::session& first) {
    std::string version;
    first << "SHOW server_version", soci::into(version);
    return "server " + version + ", ";
}

}  // namespace vergegrid::plugins::postgresql
