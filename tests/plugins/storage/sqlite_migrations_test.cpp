// The shared migration runner (sql_common) on SQLite sessions and the sqlite backend's session
// settings, driven directly (not through the .so): these tests feed the runner migration lists of
// their own.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "migrations.hpp"
#include "sqlite_backend.hpp"
#include "sqlite_dialect.hpp"
#include "sqlite_test_support.hpp"

namespace {

namespace fs = std::filesystem;
namespace sqlite = vergegrid::plugins::sqlite;
namespace sqlcommon = vergegrid::plugins::sql;
using sqlcommon::Migration;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using vergegrid::test::storage::CollectingLogger;
using vergegrid::test::storage::TempDir;

const Migration kParents{1, "parents", "CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT);"};
// Statements end at a line ending in ';' (split_statements).
const Migration kChildren{2, "children",
                          "CREATE TABLE child (id INTEGER PRIMARY KEY,\n"
                          "  parent_id INTEGER NOT NULL REFERENCES parent (id));\n"
                          "CREATE INDEX child_parent ON child (parent_id);\n"};
// Violates the foreign key of child: there is no parent 42.
const Migration kOrphan{3, "orphan", "INSERT INTO child (id, parent_id) VALUES (1, 42);"};

class MigrationRunnerTest : public ::testing::Test {
  protected:
    // A session set up exactly as the plugin sets up its own.
    std::unique_ptr<soci::session> open_configured() {
        auto sql = open_plain();
        sqlite::configure_session(*sql, 1000);
        return sql;
    }
    std::unique_ptr<soci::session> open_plain() {
        return std::make_unique<soci::session>(*soci::factory_sqlite3(), file_.string());
    }

    static std::vector<int> recorded_versions(soci::session& sql) {
        std::vector<int> versions(16);
        sql << "SELECT version FROM schema_migrations ORDER BY version", soci::into(versions);
        return versions;
    }
    static bool has_table(soci::session& sql, const std::string& name) {
        int count = 0;
        sql << "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = :name",
            soci::use(name, "name"), soci::into(count);
        return count == 1;
    }

    TempDir dir_;
    fs::path file_ = dir_.path() / "migrations.db";
};

TEST_F(MigrationRunnerTest, EmptyListOnANewDatabaseOnlyCreatesTheLedger) {
    auto sql = open_configured();
    const auto result = sqlcommon::run_migrations(*sql, sqlite::dialect(), {});
    EXPECT_EQ(result.from_version, 0);
    EXPECT_EQ(result.to_version, 0);
    EXPECT_TRUE(result.applied.empty());
    EXPECT_TRUE(has_table(*sql, "schema_migrations"));
    EXPECT_EQ(sqlcommon::current_schema_version(*sql, sqlite::dialect()), 0);
}

TEST_F(MigrationRunnerTest, AppliesEveryMigrationInOrderAndRecordsIt) {
    auto sql = open_configured();
    CollectingLogger logger;
    const std::vector<Migration> migrations{kParents, kChildren};
    const auto result = sqlcommon::run_migrations(*sql, sqlite::dialect(), migrations, &logger);

    EXPECT_EQ(result.from_version, 0);
    EXPECT_EQ(result.to_version, 2);
    EXPECT_THAT(result.applied, ElementsAre(1, 2));
    EXPECT_TRUE(has_table(*sql, "parent"));
    EXPECT_TRUE(has_table(*sql, "child"));
    EXPECT_THAT(recorded_versions(*sql), ElementsAre(1, 2));

    std::string name;
    std::string applied_at;
    *sql << "SELECT name, applied_at FROM schema_migrations WHERE version = 2", soci::into(name),
        soci::into(applied_at);
    EXPECT_EQ(name, "children");
    EXPECT_THAT(applied_at,
                ::testing::MatchesRegex("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\\.[0-9]{3}Z"));

    EXPECT_THAT(logger.text(), HasSubstr("migration 1 (parents)"));
    EXPECT_THAT(logger.text(), HasSubstr("migration 2 (children)"));
}

TEST_F(MigrationRunnerTest, ARerunAppliesNothing) {
    auto sql = open_configured();
    const std::vector<Migration> migrations{kParents, kChildren};
    sqlcommon::run_migrations(*sql, sqlite::dialect(), migrations);
    const auto again = sqlcommon::run_migrations(*sql, sqlite::dialect(), migrations);
    EXPECT_EQ(again.from_version, 2);
    EXPECT_EQ(again.to_version, 2);
    EXPECT_TRUE(again.applied.empty());
}

TEST_F(MigrationRunnerTest, AppliesOnlyTheMissingOnes) {
    {
        auto sql = open_configured();
        const std::vector<Migration> first{kParents};
        EXPECT_THAT(sqlcommon::run_migrations(*sql, sqlite::dialect(), first).applied,
                    ElementsAre(1));
    }
    auto sql = open_configured();
    const std::vector<Migration> both{kParents, kChildren};
    const auto result = sqlcommon::run_migrations(*sql, sqlite::dialect(), both);
    EXPECT_EQ(result.from_version, 1);
    EXPECT_THAT(result.applied, ElementsAre(2));
}

TEST_F(MigrationRunnerTest, ForeignKeysAreEnforcedAndAFailedMigrationIsRolledBack) {
    auto sql = open_configured();
    // Statement one of migration 3 succeeds, statement two violates the foreign key: the whole
    // migration, its first statement included, must be rolled back.
    const Migration orphan{3, "orphan",
                           "CREATE TABLE extra (id INTEGER PRIMARY KEY);\n" + kOrphan.sql};
    const std::vector<Migration> migrations{kParents, kChildren, orphan};
    try {
        sqlcommon::run_migrations(*sql, sqlite::dialect(), migrations);
        FAIL() << "a migration violating a foreign key was applied";
    } catch (const std::runtime_error& e) {
        EXPECT_THAT(e.what(), HasSubstr("migration 3 (orphan)"));
        EXPECT_THAT(e.what(), HasSubstr("FOREIGN KEY constraint failed"));
    }
    EXPECT_EQ(sqlcommon::current_schema_version(*sql, sqlite::dialect()), 2)
        << "migrations 1 and 2 stay applied";
    EXPECT_FALSE(has_table(*sql, "extra")) << "migration 3 must leave nothing behind";
    int children = -1;
    *sql << "SELECT COUNT(*) FROM child", soci::into(children);
    EXPECT_EQ(children, 0);
}

TEST_F(MigrationRunnerTest, WithoutThePluginsPragmasTheSameInsertWouldPass) {
    // The control for the test above: SQLite leaves foreign keys off by default, so it is
    // configure_session() that makes the difference.
    auto sql = open_plain();
    const std::vector<Migration> migrations{kParents, kChildren, kOrphan};
    EXPECT_NO_THROW(sqlcommon::run_migrations(*sql, sqlite::dialect(), migrations));
}

TEST_F(MigrationRunnerTest, ThePluginsSessionsMapTheFileAndComparePrefixesByteForByte) {
    auto sql = open_configured();
    long long mmap_size = 0;
    *sql << "PRAGMA mmap_size", soci::into(mmap_size);
    EXPECT_EQ(mmap_size, sqlite::kMmapBytes);
    int temp_store = -1;  // 2: savepoint sub-journals in memory, not a pwrite() per page
    *sql << "PRAGMA temp_store", soci::into(temp_store);
    EXPECT_EQ(temp_store, 2);
    int upper_matches_lower = -1;
    *sql << "SELECT 'Abc' LIKE 'a%'", soci::into(upper_matches_lower);
    EXPECT_EQ(upper_matches_lower, 0);
}

TEST_F(MigrationRunnerTest, RefusesADatabaseNewerThanItsNewestMigration) {
    {
        auto sql = open_configured();
        const std::vector<Migration> newer{kParents, kChildren, {5, "five", "SELECT 1;"}};
        sqlcommon::run_migrations(*sql, sqlite::dialect(), newer);
    }
    auto sql = open_configured();
    const std::vector<Migration> older{kParents, kChildren};
    try {
        sqlcommon::run_migrations(*sql, sqlite::dialect(), older);
        FAIL() << "a database at version 5 was accepted by a runner that knows version 2";
    } catch (const std::runtime_error& e) {
        EXPECT_THAT(e.what(), HasSubstr("schema version 5"));
        EXPECT_THAT(e.what(), HasSubstr("newest this build knows (2)"));
    }
    EXPECT_EQ(sqlcommon::current_schema_version(*sql, sqlite::dialect()), 5)
        << "a refused database is not touched";
}

TEST_F(MigrationRunnerTest, RejectsAListOutOfOrder) {
    auto sql = open_configured();
    const std::vector<Migration> unordered{kChildren, kParents};
    EXPECT_THROW(sqlcommon::run_migrations(*sql, sqlite::dialect(), unordered),
                 std::invalid_argument);
    const std::vector<Migration> duplicate{kParents, kParents};
    EXPECT_THROW(sqlcommon::validate_migrations(duplicate), std::invalid_argument);
    const std::vector<Migration> zero{{0, "zero", "SELECT 1;"}};
    EXPECT_THROW(sqlcommon::validate_migrations(zero), std::invalid_argument);
}

TEST(BuiltinMigrations, AreAValidListEmbeddedFromSqlSqlite) {
    const auto& migrations = sqlite::builtin_migrations();
    EXPECT_NO_THROW(sqlcommon::validate_migrations(migrations));
    ASSERT_FALSE(migrations.empty());
    EXPECT_EQ(migrations.front().version, 1);
    EXPECT_EQ(migrations.front().name, "initial");
    EXPECT_THAT(migrations.front().sql, HasSubstr("CREATE TABLE regions"));
}

TEST(SplitStatements, EndsAStatementOnlyAtALineEndingInASemicolon) {
    const auto statements = sqlcommon::split_statements(
        "-- a comment line; not a statement\n"
        "CREATE TABLE a (\n"
        "    x INTEGER -- trailing comments stay; harmless\n"
        ");  \n"
        "\n"
        "INSERT INTO a VALUES (1);\r\n"
        "   -- indented comment;\n"
        "SELECT ';' FROM a;");
    ASSERT_EQ(statements.size(), 3U);
    EXPECT_EQ(statements[0],
              "CREATE TABLE a (\n    x INTEGER -- trailing comments stay; harmless\n)");
    EXPECT_EQ(statements[1], "INSERT INTO a VALUES (1)");
    EXPECT_EQ(statements[2], "SELECT ';' FROM a");
    EXPECT_TRUE(sqlcommon::split_statements("-- only comments\n\n").empty());
    EXPECT_THAT(sqlcommon::split_statements("SELECT 1"), ElementsAre("SELECT 1"));
}

TEST(SqliteBackend, OpensWithInjectedMigrationsAndEnforcesForeignKeys) {
    // The backend class as the plugin builds it, with a migration list of the test's own: its
    // session enforces foreign keys, so the orphan migration fails open().
    TempDir dir;
    auto logger = std::make_shared<CollectingLogger>();
    sqlite::SqliteConfig config{dir.path() / "backend.db", 200};
    sqlite::SqliteBackend backend(config, logger, {kParents, kChildren, kOrphan});
    try {
        backend.open();
        FAIL() << "open() applied a migration violating a foreign key";
    } catch (const std::runtime_error& e) {
        EXPECT_THAT(e.what(), HasSubstr("FOREIGN KEY constraint failed"));
        EXPECT_THAT(e.what(), HasSubstr("backend.db"));
    }
    EXPECT_FALSE(backend.health().ok);

    sqlite::SqliteBackend fixed(config, logger, {kParents, kChildren});
    fixed.open();
    EXPECT_TRUE(fixed.health().ok);
    EXPECT_THAT(logger->text(), HasSubstr("schema version 2"));
}

TEST(SqliteConfig, DefaultsAndValidation) {
    const auto defaults = sqlite::parse_config({}, "/var/lib/vergegrid");
    EXPECT_EQ(defaults.path, fs::path("/var/lib/vergegrid/vergegrid.db"));
    EXPECT_EQ(defaults.busy_timeout_ms, 5000);
    EXPECT_EQ(defaults.pool_size, 4);
    EXPECT_EQ(defaults.checkpoint_pages, sqlite::WalCheckpointer::kDefaultThresholdPages);

    const auto custom = sqlite::parse_config({{"path", "/srv/grid.db"},
                                              {"busy_timeout_ms", "250"},
                                              {"pool_size", "2"},
                                              {"checkpoint_pages", "20000"}},
                                             "/data");
    EXPECT_EQ(custom.path, fs::path("/srv/grid.db"));
    EXPECT_EQ(custom.busy_timeout_ms, 250);
    EXPECT_EQ(custom.pool_size, 2);
    EXPECT_EQ(custom.checkpoint_pages, 20000);

    EXPECT_THROW(sqlite::parse_config({}, ""), vergegrid::plugin_api::ConfigError);
    EXPECT_THROW(sqlite::parse_config({{"path", "/srv/a=b.db"}}, "/data"),
                 vergegrid::plugin_api::ConfigError);
    const std::pair<const char*, std::vector<const char*>> refused[] = {
        {"pool_size", {"0", "65", "-1", "four", ""}},
        {"checkpoint_pages", {"99", "1000001", "-5", "many", ""}}};
    for (const auto& [key, values] : refused) {
        for (const char* bad : values) {
            try {
                sqlite::parse_config({{key, bad}}, "/data");
                ADD_FAILURE() << key << "='" << bad << "' was accepted";
            } catch (const vergegrid::plugin_api::ConfigError& e) {
                EXPECT_EQ(e.key(), key);
            }
        }
    }
}

TEST(SqliteConfig, CheckpointPagesIsTheThresholdOfTheBackendsCheckpointer) {
    TempDir dir;
    const sqlite::SqliteBackend raised(
        sqlite::parse_config({{"checkpoint_pages", "10000"}}, dir.path().string()), nullptr);
    EXPECT_EQ(raised.checkpoint_threshold_pages(), 10000);
    const sqlite::SqliteBackend by_default(sqlite::parse_config({}, dir.path().string()), nullptr);
    EXPECT_EQ(by_default.checkpoint_threshold_pages(),
              sqlite::WalCheckpointer::kDefaultThresholdPages);
}

}  // namespace
