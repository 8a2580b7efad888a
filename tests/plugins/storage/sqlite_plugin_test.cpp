// The real vg-storage-sqlite shared object, loaded the way the kernel loads plugins.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <boost/dll/shared_library.hpp>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <future>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <sys/stat.h>
#include "sqlite_backend.hpp"

#include "sqlite_test_support.hpp"
#include "vergegrid/plugin_api/plugin.hpp"
#include "vergegrid/plugin_api/storage.hpp"

namespace {

namespace api = vergegrid::plugin_api;
namespace fs = std::filesystem;
using ::testing::HasSubstr;
using vergegrid::test::storage::CollectingLogger;
using vergegrid::test::storage::TempDir;

class SqlitePluginTest : public ::testing::Test {
  protected:
    // Creates an object through the descriptor, as the host does. The fixture's library_ is
    // declared first, so it outlives every object a test creates.
    std::unique_ptr<api::PluginObject> create(const api::ConfigSection& config,
                                              const std::string& data_dir) {
        const api::HostContext host{api::kAbiVersion, logger_, config, data_dir};
        return std::unique_ptr<api::PluginObject>(descriptor_->create(host));
    }

    // Creates the object and checks it is a StorageBackend; `object` keeps ownership.
    api::StorageBackend* create_storage(std::unique_ptr<api::PluginObject>& object,
                                        const api::ConfigSection& config) {
        object = create(config, dir_.path().string());
        auto* storage = dynamic_cast<api::StorageBackend*>(object.get());
        EXPECT_NE(storage, nullptr) << "the sqlite plugin's object is not a StorageBackend";
        return storage;
    }

    // boost::dll 1.74 spells the flags load_mode::rtld_now / rtld_local. Braces: with parentheses
    // `shared_library lib(fs::path(x), ...)` could parse as a function declaration.
    boost::dll::shared_library library_{
        boost::dll::fs::path{VG_STORAGE_SQLITE_PLUGIN},
        boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local};
    const api::PluginDescriptor* descriptor_ =
        library_.get_alias<api::EntryPoint>(api::kEntryPointName)();
    std::shared_ptr<CollectingLogger> logger_ = std::make_shared<CollectingLogger>();
    TempDir dir_;
};

// A connection of the test's own, independent of the plugin's.
std::unique_ptr<soci::session> open_directly(const fs::path& file) {
    return std::make_unique<soci::session>(*soci::factory_sqlite3(), file.string());
}

TEST_F(SqlitePluginTest, DescriptorDescribesTheSqliteStoragePlugin) {
    ASSERT_NE(descriptor_, nullptr);
    EXPECT_EQ(descriptor_->struct_size, sizeof(api::PluginDescriptor));
    EXPECT_EQ(descriptor_->abi_major, api::kAbiMajor);
    EXPECT_EQ(descriptor_->abi_minor, api::kAbiMinor);
    EXPECT_STREQ(descriptor_->kind, "storage");
    EXPECT_STREQ(descriptor_->name, "sqlite");
    EXPECT_GT(std::strlen(descriptor_->version), 0U);
    EXPECT_GT(std::strlen(descriptor_->summary), 0U);
    ASSERT_NE(descriptor_->create, nullptr);

    std::vector<std::string> keys;
    for (const char* const* key = descriptor_->config_keys; *key != nullptr; ++key) {
        keys.emplace_back(*key);
    }
    EXPECT_THAT(keys, ::testing::UnorderedElementsAre("path", "busy_timeout_ms", "pool_size",
                                                      "checkpoint_pages"));
}

TEST_F(SqlitePluginTest, OpenCreatesTheFileAndItsDirectoryInWalMode) {
    const fs::path file = dir_.path() / "nested" / "dirs" / "grid.db";
    std::unique_ptr<api::PluginObject> object;
    auto* storage = create_storage(object, {{"path", file.string()}});
    ASSERT_NE(storage, nullptr);
    EXPECT_FALSE(fs::exists(file)) << "create() must not touch the database; open() does";

    storage->open();
    EXPECT_TRUE(fs::is_regular_file(file));

    auto other = open_directly(file);
    std::string journal_mode;
    *other << "PRAGMA journal_mode", soci::into(journal_mode);
    EXPECT_EQ(journal_mode, "wal");
    int tables = 0;
    *other << "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = "
              "'schema_migrations'",
        soci::into(tables);
    EXPECT_EQ(tables, 1);
}

// Schema 15: the rows a create, a heartbeat and an operation write are checked without building a
// temporary b-tree of allowed values (EXPLAIN: OpenEphemeral), a standard region writes no entry
// in the size indexes, and the grid change log is its table alone, with no index beside it.
TEST_F(SqlitePluginTest, TheRowsWrittenMostAreCheckedWithoutTemporaryTables) {
    const fs::path file = dir_.path() / "grid.db";
    std::unique_ptr<api::PluginObject> object;
    auto* storage = create_storage(object, {{"path", file.string()}});
    ASSERT_NE(storage, nullptr);
    storage->open();
    auto sql = open_directly(file);
    const auto opcodes = [&](const std::string& statement) {
        std::vector<std::string> result;
        soci::rowset<soci::row> rows = (sql->prepare << "EXPLAIN " + statement);
        for (const auto& row : rows) {
            result.push_back(row.get<std::string>(1));
        }
        return result;
    };
    for (const std::string statement :
         {"INSERT INTO regions (uuid, name, estate_id, loc_x, loc_y, size_x, size_y, "
          "physics_type, terrain_preset, draw_distance_cap, version_major, version_minor, "
          "version_patch, region_state_mode) VALUES ('u', 'n', 'e', 1, 1, 256, 256, 'p', 't', 0, "
          "1, 0, 0, 'full')",
          "UPDATE simulators SET state = 'online' WHERE id = 's'",
          "UPDATE operations SET state = 'delivered' WHERE id = 1",
          "INSERT INTO grid_changes (generation, kind, entity_id) VALUES (1, 'region', 'u')"}) {
        const auto program = opcodes(statement);
        ASSERT_FALSE(program.empty()) << statement;
        EXPECT_THAT(program, ::testing::Not(::testing::Contains("OpenEphemeral"))) << statement;
    }
    EXPECT_THAT(opcodes("INSERT INTO grid_changes (generation, kind, entity_id) VALUES (1, "
                        "'region', 'u')"),
                ::testing::Not(::testing::Contains("IdxInsert")));
    for (const std::string index : {"regions_size_x", "regions_size_y"}) {
        std::string create;
        // A named value: SOCI runs the statement after the full expression's temporaries died.
        *sql << "SELECT sql FROM sqlite_master WHERE name = :name", soci::use(index),
            soci::into(create);
        EXPECT_THAT(create, HasSubstr("> 256")) << index;
    }
}

// The database holds password and token hashes: whatever the umask, the directories the plugin
// creates are 0700 and the database with its -wal and -shm files 0600.
TEST_F(SqlitePluginTest, TheDatabaseItsWalAndShmAndNewDirectoriesArePrivateWhateverTheUmask) {
    const mode_t previous_umask = ::umask(022);
    const fs::path file = dir_.path() / "data" / "nested" / "grid.db";
    std::unique_ptr<api::PluginObject> object;
    auto* storage = create_storage(object, {{"path", file.string()}});
    ASSERT_NE(storage, nullptr);
    storage->open();
    {
        auto tx = storage->begin(api::Access::read_write);
        tx->insert_estate(
            {"e1", "Estate", "Owner", "2026-01-01T00:00:00.000Z", "2026-01-01T00:00:00.000Z"});
        tx->commit();
    }
    ::umask(previous_umask);
    auto mode = [](const fs::path& path) {
        struct stat st {};
        EXPECT_EQ(::stat(path.c_str(), &st), 0) << path << " is missing";
        return st.st_mode & 0777;
    };
    EXPECT_EQ(mode(dir_.path() / "data"), 0700U);
    EXPECT_EQ(mode(dir_.path() / "data" / "nested"), 0700U);
    EXPECT_EQ(mode(file), 0600U);
    EXPECT_EQ(mode(fs::path(file.string() + "-wal")), 0600U);
    EXPECT_EQ(mode(fs::path(file.string() + "-shm")), 0600U);
    storage->close();
}

TEST_F(SqlitePluginTest, DefaultPathIsVergegridDbInTheDataDir) {
    std::unique_ptr<api::PluginObject> object;
    auto* storage = create_storage(object, {});
    ASSERT_NE(storage, nullptr);
    storage->open();
    EXPECT_TRUE(fs::is_regular_file(dir_.path() / "vergegrid.db"));
}

TEST_F(SqlitePluginTest, HealthIsOkWhileOpenAndNotAfterClose) {
    std::unique_ptr<api::PluginObject> object;
    auto* storage = create_storage(object, {{"busy_timeout_ms", "250"}});
    ASSERT_NE(storage, nullptr);

    const api::StorageHealth before = storage->health();
    EXPECT_FALSE(before.ok);

    storage->open();
    const api::StorageHealth open = storage->health();
    EXPECT_TRUE(open.ok) << open.detail;

    storage->close();
    const api::StorageHealth closed = storage->health();
    EXPECT_FALSE(closed.ok);
    EXPECT_THAT(closed.detail, HasSubstr("closed"));

    storage->close();  // twice is harmless
    storage->open();   // and it can come back
    EXPECT_TRUE(storage->health().ok);
}

TEST_F(SqlitePluginTest, HealthIsSafeFromManyThreads) {
    std::unique_ptr<api::PluginObject> object;
    auto* storage = create_storage(object, {});
    ASSERT_NE(storage, nullptr);
    storage->open();

    std::vector<int> failures(4, 0);
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < failures.size(); ++t) {
        threads.emplace_back([storage, &failures, t] {
            for (int i = 0; i < 200; ++i) {
                if (!storage->health().ok) {
                    ++failures[t];
                }
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    EXPECT_THAT(failures, ::testing::Each(0));
}

// Writers queue in the process (WriterGate) before they take a connection, rather than each taking
// one and polling SQLite's lock from its busy handler.
TEST_F(SqlitePluginTest, AWriterWaitingForItsTurnHoldsNoConnection) {
    std::unique_ptr<api::PluginObject> object;
    auto* storage = create_storage(object, {{"pool_size", "2"}, {"busy_timeout_ms", "5000"}});
    ASSERT_NE(storage, nullptr);
    storage->open();

    auto first = storage->begin(api::Access::read_write);
    std::promise<void> second_began;
    std::thread second_writer([&] {
        auto second = storage->begin(api::Access::read_write);
        second_began.set_value();
        second->commit();
    });
    // The second writer either waits for its turn or has not started yet: either way the pool's
    // other connection is free for a reader.
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_NO_THROW(storage->begin(api::Access::read)->commit());
    auto began = second_began.get_future();
    EXPECT_EQ(began.wait_for(std::chrono::milliseconds(0)), std::future_status::timeout)
        << "a second write transaction began while the first was open";
    first->commit();
    began.get();  // the waiting writer runs as soon as the first one ends
    second_writer.join();
}

TEST_F(SqlitePluginTest, AWriterThatDoesNotGetItsTurnInTimeIsBusy) {
    std::unique_ptr<api::PluginObject> object;
    auto* storage = create_storage(object, {{"busy_timeout_ms", "200"}});
    ASSERT_NE(storage, nullptr);
    storage->open();

    auto first = storage->begin(api::Access::read_write);
    try {
        storage->begin(api::Access::read_write);
        FAIL() << "two write transactions were open at once";
    } catch (const api::StorageBusy& e) {
        EXPECT_THAT(e.what(), HasSubstr("another write transaction"));
    }
    first.reset();  // rolled back: the turn passes on
    EXPECT_NO_THROW(storage->begin(api::Access::read_write)->commit());
}

struct BadValue {
    const char* label;  // the test's name
    const char* value;
};

class SqlitePluginBadBusyTimeout : public SqlitePluginTest,
                                   public ::testing::WithParamInterface<BadValue> {};

TEST_P(SqlitePluginBadBusyTimeout, IsAConfigErrorNamingTheKey) {
    const std::string value = GetParam().value;
    try {
        auto object = create({{"busy_timeout_ms", value}}, dir_.path().string());
        FAIL() << "busy_timeout_ms='" << value << "' was accepted";
    } catch (const api::ConfigError& e) {
        EXPECT_EQ(e.key(), "busy_timeout_ms");
        EXPECT_THAT(e.what(), HasSubstr("positive integer"));
        EXPECT_THAT(e.what(), HasSubstr("'" + value + "'"));
    }
}

INSTANTIATE_TEST_SUITE_P(Values, SqlitePluginBadBusyTimeout,
                         ::testing::Values(BadValue{"Zero", "0"}, BadValue{"Negative", "-5"},
                                           BadValue{"Word", "abc"},
                                           BadValue{"TrailingGarbage", "12abc"},
                                           BadValue{"Empty", ""}, BadValue{"LeadingSpace", " 100"},
                                           BadValue{"Fraction", "1.5"},
                                           BadValue{"Overflow", "99999999999"}),
                         [](const auto& info) { return std::string(info.param.label); });

TEST_F(SqlitePluginTest, EmptyPathIsAConfigError) {
    try {
        auto object = create({{"path", ""}}, dir_.path().string());
        FAIL() << "an empty path was accepted";
    } catch (const api::ConfigError& e) {
        EXPECT_EQ(e.key(), "path");
    }
}

TEST_F(SqlitePluginTest, RefusesADatabaseFromANewerSchema) {
    const fs::path file = dir_.path() / "newer.db";
    {
        auto other = open_directly(file);
        *other << "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT "
                  "NULL, applied_at TEXT NOT NULL)";
        *other << "INSERT INTO schema_migrations VALUES (41, 'from the future', "
                  "'2030-01-01T00:00:00Z')";
    }
    std::unique_ptr<api::PluginObject> object;
    auto* storage = create_storage(object, {{"path", file.string()}});
    ASSERT_NE(storage, nullptr);

    try {
        storage->open();
        FAIL() << "a database at schema version 41 was opened";
    } catch (const std::exception& e) {
        EXPECT_THAT(e.what(), HasSubstr("schema version 41"));
        // The module embeds the same sql/sqlite files as the backend library linked here.
        const int newest = vergegrid::plugins::sqlite::builtin_migrations().back().version;
        EXPECT_THAT(e.what(),
                    HasSubstr("newest this build knows (" + std::to_string(newest) + ")"));
        EXPECT_THAT(e.what(), HasSubstr(file.filename().string()));
    }
    EXPECT_FALSE(storage->health().ok) << "a refused database must not count as open";
}

TEST_F(SqlitePluginTest, OpenFailureNamesTheFile) {
    const fs::path blocker = dir_.path() / "not-a-dir";
    std::ofstream{blocker} << "a file where a directory should be\n";
    std::unique_ptr<api::PluginObject> object;
    auto* storage = create_storage(object, {{"path", (blocker / "grid.db").string()}});
    ASSERT_NE(storage, nullptr);
    try {
        storage->open();
        FAIL() << "opened a database below a regular file";
    } catch (const std::exception& e) {
        EXPECT_THAT(e.what(), HasSubstr("not-a-dir"));
    }
    EXPECT_FALSE(storage->health().ok);
}

TEST_F(SqlitePluginTest, LogsThePathAndJournalModeThroughTheHostLogger) {
    const fs::path file = dir_.path() / "logged.db";
    std::unique_ptr<api::PluginObject> object;
    auto* storage = create_storage(object, {{"path", file.string()}});
    ASSERT_NE(storage, nullptr);
    storage->open();
    storage->close();

    const std::string text = logger_->text();
    EXPECT_THAT(text, HasSubstr(file.string()));
    EXPECT_THAT(text, HasSubstr("journal_mode=wal"));
    EXPECT_THAT(text, HasSubstr("closed"));
    for (const auto& [level, line] : logger_->lines()) {
        EXPECT_LT(static_cast<int>(level), static_cast<int>(api::LogLevel::warn)) << line;
    }
}

// The module defines no STB_GNU_UNIQUE symbol (see plugins/storage/sqlite/CMakeLists.txt), so the
// dynamic loader really unmaps it once the last handle is gone: a host can unload or reload it.
TEST(SqlitePluginUnload, TheModuleIsUnmappedWhenTheLastHandleGoes) {
    const auto mapped = [] {
        std::ifstream maps("/proc/self/maps");
        std::string line;
        while (std::getline(maps, line)) {
            if (line.find(VG_STORAGE_SQLITE_PLUGIN) != std::string::npos) {
                return true;
            }
        }
        return false;
    };
    ASSERT_FALSE(mapped());
    {
        boost::dll::shared_library library{
            boost::dll::fs::path{VG_STORAGE_SQLITE_PLUGIN},
            boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local};
        const auto* descriptor = library.get_alias<api::EntryPoint>(api::kEntryPointName)();
        TempDir dir;
        const api::ConfigSection config;
        const api::HostContext host{api::kAbiVersion, nullptr, config, dir.path().string()};
        std::unique_ptr<api::PluginObject> object(descriptor->create(host));
        dynamic_cast<api::StorageBackend&>(*object).open();
        EXPECT_TRUE(mapped());
        object.reset();  // objects first, then the library
    }
    EXPECT_FALSE(mapped());
}

}  // namespace
