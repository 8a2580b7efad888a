#include "sqlite_backend.hpp"

#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <system_error>
#include <utility>

#include "config_values.hpp"
#include "hash_bytes.hpp"
#include "sqlite_dialect.hpp"

namespace vergegrid::plugins::sqlite {

namespace fs = std::filesystem;
using plugin_api::ConfigError;
using plugin_api::LogLevel;

namespace {

std::string display(const fs::path& path) {
    std::error_code ec;
    const fs::path absolute = fs::absolute(path, ec);
    return ec ? path.string() : absolute.lexically_normal().string();
}

// The database holds password hashes, token hashes and the whole grid: only the control plane's
// user reads it. Modes are set explicitly, never left to the process umask.
constexpr mode_t kDirectoryMode = 0700;
constexpr mode_t kFileMode = 0600;

std::string os_error(const std::string& what, const fs::path& path) {
    return "cannot " + what + " '" + path.string() + "': " + std::strerror(errno);
}

// Creates every missing directory of `dir` with mode 0700; directories that exist are left as
// the operator made them.
void create_private_directories(const fs::path& dir) {
    fs::path partial;
    for (const auto& part : dir) {
        partial /= part;
        if (::mkdir(partial.c_str(), kDirectoryMode) == 0) {
            if (::chmod(partial.c_str(), kDirectoryMode) != 0) {  // the umask may have cut it
                throw std::runtime_error(os_error("set the mode of directory", partial));
            }
        } else if (errno != EEXIST) {
            throw std::runtime_error(os_error("create directory", partial));
        }
    }
}

// Creates the database file with mode 0600 before SQLite opens it, which would otherwise create
// it 0644 less the umask. SQLite gives the -wal and -shm files the database file's mode, so they
// follow. Returns false when the file already existed (its mode is left alone).
bool create_private_file(const fs::path& file) {
    const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, kFileMode);
    if (fd < 0) {
        if (errno == EEXIST) {
            return false;
        }
        throw std::runtime_error(os_error("create", file));
    }
    const bool ok = ::fchmod(fd, kFileMode) == 0;  // the umask may have cut it
    ::close(fd);
    if (!ok) {
        throw std::runtime_error(os_error("set the mode of", file));
    }
    return true;
}

sql::PoolSettings pool_settings_for(const SqliteConfig& config) {
    return {static_cast<std::size_t>(config.pool_size),
            std::chrono::milliseconds(config.busy_timeout_ms)};
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

    config.busy_timeout_ms = sql::int_or(section, "busy_timeout_ms", kDefaultBusyTimeoutMs, 1,
                                         std::numeric_limits<int>::max(), "milliseconds");
    config.pool_size =
        sql::int_or(section, "pool_size", kDefaultPoolSize, 1, kMaxPoolSize, "connections");
    config.checkpoint_pages =
        sql::int_or(section, "checkpoint_pages", WalCheckpointer::kDefaultThresholdPages,
                    kMinCheckpointPages, kMaxCheckpointPages, "pages");
    return config;
}

std::string configure_session(soci::session& sql, int busy_timeout_ms) {
    // PRAGMA takes no bound parameters; the value is a validated int, not text from outside.
    // busy_timeout first, so that switching the journal mode waits for other connections' locks.
    sql << "PRAGMA busy_timeout = " + std::to_string(busy_timeout_ms);
    std::string journal_mode;
    sql << "PRAGMA journal_mode = WAL", soci::into(journal_mode);
    sql << "PRAGMA foreign_keys = ON";
    sql << "PRAGMA synchronous = NORMAL";
    // Reads copy pages from the mapping instead of a pread() each (10 per region read at 10,000
    // regions, see docs/benchmarks.md). The file is ours alone; nothing truncates it underneath.
    sql << "PRAGMA mmap_size = " + std::to_string(kMmapBytes);
    // LIKE (the name_prefix filter) then compares bytes, as PostgreSQL and utf8mb4_bin do.
    sql << "PRAGMA case_sensitive_like = ON";
    // Under group commit every request runs in a SAVEPOINT, and SQLite copies each page a
    // savepoint first changes into its sub-journal, a temporary file: a pwrite() per page, 60 % of
    // the writes a hand-placed create made (docs/benchmarks.md). In memory it costs a memcpy.
    // Sorts and temporary tables go there too; every listing is paged, so they stay small.
    sql << "PRAGMA temp_store = MEMORY";

    int foreign_keys = 0;
    sql << "PRAGMA foreign_keys", soci::into(foreign_keys);
    if (foreign_keys != 1) {
        throw std::runtime_error("this SQLite library cannot enforce foreign keys");
    }
    return journal_mode;
}

SqliteBackend::SqliteBackend(SqliteConfig config, std::shared_ptr<plugin_api::Logger> logger,
                             std::vector<sql::Migration> migrations)
    : SociBackend(dialect(), std::move(migrations), pool_settings_for(config), logger),
      config_(std::move(config)),
      checkpointer_(std::move(logger), config_.checkpoint_pages) {}

SqliteBackend::~SqliteBackend() {
    close();  // here, while connect() and describe() still exist
}

void SqliteBackend::open() {
    SociBackend::open();
    try {
        checkpointer_.start([this] { return connect(); });
    } catch (const std::exception& e) {
        SociBackend::close();
        throw std::runtime_error("cannot open " + describe() + ": " + e.what());
    }
}

void SqliteBackend::close() noexcept {
    checkpointer_.stop();
    SociBackend::close();
}

std::unique_ptr<soci::session> SqliteBackend::connect() {
    auto session = std::make_unique<soci::session>(*soci::factory_sqlite3(), config_.path.string());
    configure_session(*session, config_.busy_timeout_ms);
    add_hash_bytes_function(*session);
    checkpointer_.watch(*session);
    return session;
}

std::string SqliteBackend::describe() const {
    return "SQLite database " + display(config_.path);
}

void SqliteBackend::prepare_open() {
    // SQLite keeps memory statistics behind one process-wide mutex by default: every allocation
    // of every connection takes it, 10 % of a region read's CPU with four readers. We read no
    // statistics. Only possible before SQLite initialises; when another part of the process
    // already did, it stays on, which is merely slower.
    // (SOCI's header declares SQLite's API inside namespace sqlite_api.)
    sqlite_api::sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    if (const fs::path parent = config_.path.parent_path(); !parent.empty()) {
        create_private_directories(parent);
    }
    if (!create_private_file(config_.path)) {
        struct stat st {};
        if (::stat(config_.path.c_str(), &st) == 0 && (st.st_mode & 077) != 0) {
            log(LogLevel::warn, display(config_.path) +
                                    " is readable or writable by other users than its owner: "
                                    "chmod 600 it (and its -wal and -shm files)");
        }
    }
}

std::string SqliteBackend::opened_details(soci::session& first) {
    std::string journal_mode;
    first << "PRAGMA journal_mode", soci::into(journal_mode);
    if (journal_mode != "wal") {
        log(LogLevel::warn, "journal_mode is '" + journal_mode +
                                "', not 'wal': readers will block writers on " +
                                display(config_.path));
    }
    return "journal_mode=" + journal_mode +
           ", busy_timeout_ms=" + std::to_string(config_.busy_timeout_ms) + ", ";
}

}  // namespace vergegrid::plugins::sqlite
