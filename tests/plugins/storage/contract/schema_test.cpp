// The schema as the plugin leaves it: migrations recorded, a newer database refused, reopening
// harmless; plus the plugin's descriptor, configuration errors and lifecycle.
#include <gmock/gmock.h>
#include <soci/soci.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <regex>

#include "storage_contract.hpp"

namespace vergegrid::test::storage {
namespace {

namespace api = plugin_api;
namespace fs = std::filesystem;
using ::testing::HasSubstr;

struct SqlFile {
    int version;
    std::string name;
};

// sql/<backend>/NNN_name.sql, ascending: what the plugin embedded at build time.
std::vector<SqlFile> sql_files(const std::string& backend) {
    std::vector<SqlFile> files;
    const std::regex pattern("([0-9]+)_([a-z0-9_]+)\\.sql");
    for (const auto& entry : fs::directory_iterator(sql_dir(backend))) {
        std::smatch match;
        const std::string file = entry.path().filename().string();
        if (std::regex_match(file, match, pattern)) {
            files.push_back({std::stoi(match[1].str()), match[2].str()});
        }
    }
    std::sort(files.begin(), files.end(),
              [](const SqlFile& a, const SqlFile& b) { return a.version < b.version; });
    return files;
}

TEST_P(StorageContract, EveryMigrationIsRecordedInSchemaMigrations) {
    const auto files = sql_files(GetParam());
    ASSERT_FALSE(files.empty());
    auto sql = harness_->direct();
    std::vector<std::string> recorded;
    int version = 0;
    std::string name;
    std::string applied_at;
    soci::statement st = (sql->prepare << "SELECT version, name, applied_at FROM "
                                          "schema_migrations ORDER BY version",
                          soci::into(version), soci::into(name), soci::into(applied_at));
    st.execute();
    while (st.fetch()) {
        recorded.push_back(std::to_string(version) + " " + name);
        EXPECT_THAT(applied_at,
                    ::testing::MatchesRegex("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\\.[0-9]{3}Z"));
    }
    std::vector<std::string> expected;
    for (const auto& f : files) {
        expected.push_back(std::to_string(f.version) + " " + f.name);
    }
    EXPECT_EQ(recorded, expected);

    // Every table of the latest schema exists, and the grid lock has its one row.
    for (const char* table : {"estates",
                              "templates",
                              "template_versions",
                              "regions",
                              "region_runtime",
                              "region_history",
                              "audit_log",
                              "schema_migrations",
                              "grid_lock",
                              "users",
                              "access_tokens",
                              "registration_tokens",
                              "simulators",
                              "operations",
                              "snapshots",
                              "region_state_policies",
                              "operation_progress",
                              "migrations",
                              "migration_batches",
                              "region_placement_pending",
                              "control_replicas",
                              "events",
                              "events_pruned",
                              "event_subscriptions",
                              "event_deliveries",
                              "rollouts",
                              "rollout_regions"}) {
        int count = -1;
        EXPECT_NO_THROW((*sql << std::string("SELECT COUNT(*) FROM ") + table, soci::into(count)))
            << table;
        EXPECT_GE(count, 0) << table;
    }
    // Schema 9 folded these into regions.
    for (const char* table : {"region_environment", "region_terrain", "region_permissions",
                              "region_flags", "region_placement_rules", "region_template_data"}) {
        int count = -1;
        EXPECT_ANY_THROW((*sql << std::string("SELECT COUNT(*) FROM ") + table, soci::into(count)))
            << table;
    }
    int lock_rows = 0;
    *sql << "SELECT COUNT(*) FROM grid_lock WHERE id = 1", soci::into(lock_rows);
    EXPECT_EQ(lock_rows, 1);
}

TEST_P(StorageContract, ReopeningAppliesNothingAndKeepsTheData) {
    const auto estate = seed_estate(1, "Persistent");
    storage().close();
    EXPECT_FALSE(storage().health().ok);
    EXPECT_THROW(storage().begin(api::Access::read), api::StorageError);
    storage().open();
    EXPECT_TRUE(storage().health().ok) << storage().health().detail;
    EXPECT_EQ(dump(*read()->find_estate(estate.id)), dump(estate));
    int recorded = 0;
    *harness_->direct() << "SELECT COUNT(*) FROM schema_migrations", soci::into(recorded);
    EXPECT_EQ(recorded, static_cast<int>(sql_files(GetParam()).size()));
}

TEST_P(StorageContract, ADatabaseFromANewerSchemaIsRefusedNamingBothVersions) {
    storage().close();
    const int newest = sql_files(GetParam()).back().version;
    *harness_->direct() << "INSERT INTO schema_migrations (version, name, applied_at) "
                           "VALUES (999, 'from the future', '2030-01-01T00:00:00.000Z')";
    auto& again = create_backend(harness_->config());
    try {
        again.open();
        FAIL() << "a database at schema version 999 was opened";
    } catch (const std::exception& e) {
        EXPECT_THAT(e.what(), HasSubstr("schema version 999"));
        EXPECT_THAT(e.what(),
                    HasSubstr("newest this build knows (" + std::to_string(newest) + ")"));
    }
    EXPECT_FALSE(again.health().ok) << "a refused database must not count as open";
}

TEST_P(StorageContract, DescriptorDescribesThePlugin) {
    EXPECT_EQ(descriptor_->struct_size, sizeof(api::PluginDescriptor));
    EXPECT_GT(std::strlen(descriptor_->version), 0U);
    const std::string summary = descriptor_->summary;
    EXPECT_FALSE(summary.empty());
    EXPECT_EQ(summary.find('\n'), std::string::npos) << "one line";
    std::vector<std::string> keys;
    for (const char* const* key = descriptor_->config_keys; *key != nullptr; ++key) {
        keys.emplace_back(*key);
    }
    EXPECT_THAT(keys, ::testing::Contains("pool_size"));
    for (const auto& [key, value] : harness_->config()) {
        EXPECT_THAT(keys, ::testing::Contains(key)) << "the harness uses an undeclared key";
    }
}

TEST_P(StorageContract, BadValuesAreConfigErrorsNamingTheKey) {
    for (const char* bad : {"0", "-1", "many", "65"}) {
        auto config = harness_->config();
        config["pool_size"] = bad;
        try {
            create_backend(config);
            ADD_FAILURE() << "pool_size='" << bad << "' was accepted";
        } catch (const api::ConfigError& e) {
            EXPECT_EQ(e.key(), "pool_size");
            EXPECT_THAT(e.what(), HasSubstr(std::string("'") + bad + "'"));
        }
    }
    if (GetParam() != "sqlite") {
        auto config = harness_->config();
        config["port"] = "70000";
        try {
            create_backend(config);
            ADD_FAILURE() << "port 70000 was accepted";
        } catch (const api::ConfigError& e) {
            EXPECT_EQ(e.key(), "port");
        }
    }
}

TEST_P(StorageContract, HealthIsOkWhileOpenAndLogsThroughTheHostLogger) {
    const auto health = storage().health();
    EXPECT_TRUE(health.ok) << health.detail;
    EXPECT_THAT(logger_->text(), HasSubstr("opened"));
    EXPECT_THAT(logger_->text(), HasSubstr("schema version"));
}

}  // namespace
}  // namespace vergegrid::test::storage
