#include "postgresql_cluster.hpp"

#include <fcntl.h>
#include <libpq-fe.h>
#include <poll.h>
#include <unistd.h>

#include <chrono>
#include <string_view>

#include "identifier.hpp"
#include "vergegrid/plugin_api/storage_transaction.hpp"

namespace vergegrid::plugins::postgresql {

namespace api = plugin_api;

namespace {

// Client side: a server gone silent fails a call within about 5 s. Server side (options): the
// server drops a silent client's session, and with it the leadership lock, within about 6 s
// (3 s idle, then 3 probes 1 s apart), so that another replica can lead (docs/ha.md).
constexpr const char* kSessionOptions =
    " keepalives=1 keepalives_idle=3 keepalives_interval=1 keepalives_count=3"
    " tcp_user_timeout=5000";
constexpr const char* kServerKeepalives =
    " -c tcp_keepalives_idle=3 -c tcp_keepalives_interval=1 -c tcp_keepalives_count=3";

// The pool's conninfo ends with options='...'; the server-side keepalives go inside it, and
// the shorter client-side ones after the pool's.
std::string with_session_options(std::string conninfo) {
    const std::string marker = "options='";
    const auto at = conninfo.rfind(marker);
    if (at != std::string::npos) {
        const auto close = conninfo.find('\'', at + marker.size());
        if (close != std::string::npos) {
            conninfo.insert(close, kServerKeepalives);
        }
    } else {
        conninfo += std::string(" options='") + (kServerKeepalives + 1) + "'";
    }
    return conninfo + kSessionOptions;  // libpq takes a key's last value
}

struct ResultGuard {
    PGresult* result;
    ~ResultGuard() { PQclear(result); }
};

// Runs `sql` (no parameters); true when it succeeded.
bool exec_ok(PGconn* conn, const char* sql) {
    const ResultGuard r{PQexec(conn, sql)};
    const auto status = PQresultStatus(r.result);
    return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
}

std::string error_of(PGconn* conn) {
    std::string message = conn ? PQerrorMessage(conn) : "out of memory";
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) {
        message.pop_back();
    }
    return message;
}

void finish(PGconn*& conn) noexcept {
    if (conn) {
        PQfinish(conn);
        conn = nullptr;
    }
}

}  // namespace

std::string text_array_literal(const std::vector<std::string>& payloads) {
    std::string literal = "{";
    for (std::size_t i = 0; i < payloads.size(); ++i) {
        literal += i == 0 ? "\"" : ",\"";
        for (char c : payloads[i]) {
            if (c == '"' || c == '\\') {
                literal += '\\';
            }
            literal += c;
        }
        literal += '"';
    }
    return literal + "}";
}

PostgresqlCluster::PostgresqlCluster(std::string conninfo,
                                     std::shared_ptr<plugin_api::Logger> logger)
    : conninfo_(with_session_options(std::move(conninfo))), logger_(std::move(logger)) {}

PostgresqlCluster::~PostgresqlCluster() {
    close();
}

void PostgresqlCluster::close() noexcept {
    stop_listening();
    resign_leadership();
    const std::lock_guard lock(publish_mutex_);
    finish(publisher_);
}

PGconn* PostgresqlCluster::connect_session() const {
    PGconn* conn = PQconnectdb(conninfo_.c_str());
    if (!conn || PQstatus(conn) != CONNECTION_OK) {
        const auto message = error_of(conn);
        PQfinish(conn);
        throw api::StorageError("cannot connect to PostgreSQL: " + message);
    }
    return conn;
}

bool PostgresqlCluster::hold_leadership() noexcept {
    const std::lock_guard lock(leader_mutex_);
    try {
        if (leader_) {
            // The lock lives as long as the session: a session that still answers holds it.
            if (PQstatus(leader_) == CONNECTION_OK && exec_ok(leader_, "SELECT 1")) {
                return true;
            }
            log(api::LogLevel::warn, "the leadership session stopped answering (" +
                                         error_of(leader_) +
                                         "): this control plane no longer leads");
            finish(leader_);
            return false;
        }
        PGconn* conn = connect_session();
        const std::string query =
            "SELECT pg_try_advisory_lock(" + std::to_string(kLeaderLockKey) + ")";
        const ResultGuard r{PQexec(conn, query.c_str())};
        if (PQresultStatus(r.result) == PGRES_TUPLES_OK && PQntuples(r.result) == 1 &&
            std::string_view(PQgetvalue(r.result, 0, 0)) == "t") {
            leader_ = conn;
            return true;
        }
        PQfinish(conn);  // another session holds it
        return false;
    } catch (const std::exception& e) {
        log(api::LogLevel::debug, std::string("leadership not taken: ") + e.what());
        return false;
    }
}

void PostgresqlCluster::resign_leadership() noexcept {
    const std::lock_guard lock(leader_mutex_);
    if (leader_) {
        // Freed here, not by closing the session: the server ends a closed session after the
        // client has gone, and another control plane asking at once could find it still held.
        // A session that cannot answer is ending, and its lock with it.
        try {
            const std::string unlock =
                "SELECT pg_advisory_unlock(" + std::to_string(kLeaderLockKey) + ")";
            exec_ok(leader_, unlock.c_str());
        } catch (...) {
        }
    }
    finish(leader_);
}

void PostgresqlCluster::publish(const std::string& channel,
                                const std::vector<std::string>& payloads) {
    if (!sql::plain_identifier(channel)) {
        throw api::StorageError("notification channel '" + channel +
                                "' is not an identifier of letters, digits and '_'");
    }
    if (payloads.empty()) {
        return;
    }
    const std::string array = text_array_literal(payloads);
    const char* values[] = {channel.c_str(), array.c_str()};
    const std::lock_guard lock(publish_mutex_);
    // Once more on a new session when the kept one broke since the last call.
    for (int attempt = 0; attempt < 2; ++attempt) {
        if (!publisher_) {
            publisher_ = connect_session();
            publisher_pid_ = PQbackendPID(publisher_);
        }
        const ResultGuard r{PQexecParams(publisher_,
                                         "SELECT pg_notify($1, payload) FROM "
                                         "unnest($2::text[]) AS payload",
                                         2, nullptr, values, nullptr, nullptr, 0)};
        if (PQresultStatus(r.result) == PGRES_TUPLES_OK) {
            return;
        }
        const auto message = error_of(publisher_);
        if (PQstatus(publisher_) == CONNECTION_OK || attempt == 1) {
            if (PQstatus(publisher_) != CONNECTION_OK) {
                finish(publisher_);
            }
            throw api::StorageError("NOTIFY " + channel + " failed: " + message);
        }
        finish(publisher_);
    }
}

void PostgresqlCluster::listen(const std::vector<std::string>& channels,
                               plugin_api::ClusterListener& listener) {
    for (const auto& channel : channels) {
        if (!sql::plain_identifier(channel)) {
            throw api::StorageError("notification channel '" + channel +
                                    "' is not an identifier of letters, digits and '_'");
        }
    }
    stop_listening();
    const std::lock_guard lock(listen_mutex_);
    if (pipe2(stop_pipe_, O_CLOEXEC) != 0) {
        throw api::StorageError("cannot listen for notifications: no pipe");
    }
    listener_thread_ = std::thread([this, channels, listener = &listener, fd = stop_pipe_[0]] {
        run_listener(channels, listener, fd);
    });
}

void PostgresqlCluster::stop_listening() noexcept {
    const std::lock_guard lock(listen_mutex_);
    if (listener_thread_.joinable()) {
        const char byte = 1;
        [[maybe_unused]] const auto written = ::write(stop_pipe_[1], &byte, 1);
        listener_thread_.join();
    }
    for (int& fd : stop_pipe_) {
        if (fd >= 0) {
            ::close(fd);
            fd = -1;
        }
    }
}

void PostgresqlCluster::run_listener(std::vector<std::string> channels,
                                     plugin_api::ClusterListener* listener, int stop_fd) {
    using namespace std::chrono_literals;
    auto retry_after = 250ms;
    // Waits on the stop pipe for `wait` (or on the session's socket too); false: stop.
    const auto wait_for = [stop_fd](int socket, std::chrono::milliseconds wait) {
        pollfd fds[2] = {{stop_fd, POLLIN, 0}, {socket, POLLIN, 0}};
        ::poll(fds, socket >= 0 ? 2 : 1, static_cast<int>(wait.count()));
        return (fds[0].revents & POLLIN) == 0;
    };
    bool reported_down = false;
    for (;;) {
        PGconn* conn = nullptr;
        try {
            conn = connect_session();
            for (const auto& channel : channels) {
                if (!exec_ok(conn, ("LISTEN " + channel).c_str())) {
                    throw api::StorageError("LISTEN " + channel + ": " + error_of(conn));
                }
            }
        } catch (const std::exception& e) {
            finish(conn);
            if (!reported_down) {
                log(api::LogLevel::warn,
                    std::string("not listening for other control planes' notifications (polls "
                                "re-check on their timer meanwhile): ") +
                        e.what());
                reported_down = true;
            }
            if (!wait_for(-1, retry_after)) {
                return;
            }
            retry_after = std::min(retry_after * 2, std::chrono::milliseconds(2000));
            continue;
        }
        if (reported_down) {
            log(api::LogLevel::info, "listening for other control planes' notifications again");
        }
        reported_down = false;
        retry_after = 250ms;
        listener->on_gap();
        const int socket = PQsocket(conn);
        for (;;) {
            if (!wait_for(socket, 1000ms)) {
                finish(conn);
                return;
            }
            if (PQconsumeInput(conn) == 0 || PQstatus(conn) != CONNECTION_OK) {
                log(api::LogLevel::warn,
                    "the notification session broke (" + error_of(conn) + "); reconnecting");
                break;
            }
            while (PGnotify* notify = PQnotifies(conn)) {
                if (notify->be_pid != publisher_pid_.load()) {
                    listener->on_message(notify->relname, notify->extra);
                }
                PQfreemem(notify);
            }
        }
        finish(conn);
    }
}

void PostgresqlCluster::log(plugin_api::LogLevel level, const std::string& message) const noexcept {
    try {
        if (logger_ && logger_->enabled(level)) {
            logger_->log(level, message);
        }
    } catch (...) {
    }
}

}  // namespace vergegrid::plugins::postgresql
