// Schema 2 (plugin ABI 1.1: AccessStore, OperationStore): recorded after schema 1 with its tables
// in place, and a database that a 1.0 plugin left at schema 1 upgraded in place, keeping its data.
// Schema 4's case check, schema 5 (ABI 1.5: SnapshotLedger) and schema 6 (ABI 1.6:
// MigrationLedger) added to a database in use.
#include <gmock/gmock.h>
#include <soci/soci.h>

#include <sstream>
#include <string>
#include <vector>

#include "migration_samples.hpp"
#include "old_schema.hpp"
#include "snapshot_samples.hpp"
#include "storage_contract.hpp"

namespace vergegrid::test::storage {
namespace {

namespace api = plugin_api;
namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<std::string> recorded_migrations(soci::session& sql) {
    std::vector<std::string> recorded;
    int version = 0;
    std::string name;
    soci::statement st =
        (sql.prepare << "SELECT version, name FROM schema_migrations ORDER BY version",
         soci::into(version), soci::into(name));
    st.execute();
    while (st.fetch()) {
        recorded.push_back(std::to_string(version) + " " + name);
    }
    return recorded;
}

constexpr const char* kNewTables[] = {"users", "access_tokens", "registration_tokens", "simulators",
                                      "operations"};

TEST_P(StorageContract, SchemaTwoIsRecordedAfterSchemaOneWithItsTables) {
    auto sql = harness_->direct();
    const auto recorded = recorded_migrations(*sql);
    ASSERT_GE(recorded.size(), 2U);
    EXPECT_THAT(std::vector<std::string>(recorded.begin(), recorded.begin() + 2),
                ElementsAre("1 initial", "2 access_and_operations"));
    for (const char* table : kNewTables) {
        int count = -1;
        EXPECT_NO_THROW((*sql << std::string("SELECT COUNT(*) FROM ") + table, soci::into(count)))
            << table;
        EXPECT_EQ(count, 0) << table;
    }
}

TEST_P(StorageContract, ADatabaseAtSchemaOneIsUpgradedToSchemaTwoKeepingItsData) {
    // A second, fresh database, brought to schema 1 the way a 1.0 plugin left it: the 001 file,
    // the runner's schema_migrations table with its one row, and some data.
    auto old_database = make_harness(GetParam());
    const api::Estate estate = sample_estate(1, "Kept Éstate");
    std::vector<long long> audit_ids;
    {
        auto sql = old_database->direct();
        for (const auto& statement :
             migration_statements(sql_dir(GetParam()) / "001_initial.sql")) {
            *sql << statement;
        }
        *sql << "CREATE TABLE schema_migrations (version INTEGER NOT NULL PRIMARY KEY, "
                "name VARCHAR(255) NOT NULL, applied_at VARCHAR(32) NOT NULL)";
        *sql << "INSERT INTO schema_migrations (version, name, applied_at) "
                "VALUES (1, 'initial', '2026-01-01T00:00:00.000Z')";
        *sql << "INSERT INTO estates (id, name, owner, created_at, updated_at) "
                "VALUES (:id, :name, :owner, :created_at, :updated_at)",
            soci::use(estate.id, "id"), soci::use(estate.name, "name"),
            soci::use(estate.owner, "owner"), soci::use(estate.created_at, "created_at"),
            soci::use(estate.updated_at, "updated_at");
        for (const char* actor : {"alice", "bob"}) {
            const std::string who = actor;
            const std::string at = "2026-01-01T00:00:00.000Z";
            *sql << "INSERT INTO audit_log (at, actor, action, entity_type, entity_id, "
                    "request_id, before_doc, after_doc) VALUES (:at, :actor, 'estate.create', "
                    "'estate', 'e', 'r', '', '{}')",
                soci::use(at, "at"), soci::use(who, "actor");
        }
        long long id = 0;
        soci::statement st =
            (sql->prepare << "SELECT id FROM audit_log ORDER BY id DESC", soci::into(id));
        st.execute();
        while (st.fetch()) {
            audit_ids.push_back(id);
        }
        ASSERT_EQ(audit_ids.size(), 2U);
        for (const char* table : kNewTables) {
            int count = 0;
            EXPECT_THROW((*sql << std::string("SELECT COUNT(*) FROM ") + table, soci::into(count)),
                         std::exception)
                << table << " exists before the upgrade";
        }
    }

    {
        // The backend object dies before the database is dropped (end of this block).
        const auto logger = std::make_shared<CollectingLogger>();
        const auto object = create_backend_on(*old_database, logger);
        auto& backend = dynamic_cast<api::StorageBackend&>(*object);
        backend.open();
        EXPECT_THAT(logger->text(), HasSubstr("applying migration 2 (access_and_operations)"));
        EXPECT_THAT(logger->text(), ::testing::Not(HasSubstr("applying migration 1 ")));
        {
            auto tx = backend.begin(api::Access::read);
            const auto kept = tx->find_estate(estate.id);
            ASSERT_TRUE(kept.has_value());
            EXPECT_EQ(dump(*kept), dump(estate));
            const auto audit = tx->list_audit({}, 0, 10);
            ASSERT_EQ(audit.size(), 2U);
            EXPECT_EQ(audit[0].id, audit_ids[0]);
            EXPECT_EQ(audit[0].actor, "bob");
            EXPECT_EQ(audit[1].id, audit_ids[1]);
            EXPECT_EQ(access_store(*tx).count_users(), 0);
            EXPECT_TRUE(operation_store(*tx).list_operations({}, 0, 10).empty());
        }
        {
            // The new tables work, and the old ones carry on where they were.
            auto tx = backend.begin(api::Access::read_write);
            access_store(*tx).insert_user(sample_user(2, "first-admin"));
            EXPECT_GT(operation_store(*tx).insert_operation(sample_operation(uuid(3), uuid(4))), 0);
            EXPECT_GT(tx->append_audit({0, "2026-02-01T00:00:00.000Z", "first-admin", "user.create",
                                        "user", uuid(2), "r2", "", "{}"}),
                      audit_ids[0]);
            tx->commit();
        }
        EXPECT_EQ(access_store(*backend.begin(api::Access::read)).count_users(), 1);
        backend.close();
    }

    auto sql = old_database->direct();
    const auto recorded = recorded_migrations(*sql);
    ASSERT_GE(recorded.size(), 2U);
    EXPECT_THAT(std::vector<std::string>(recorded.begin(), recorded.begin() + 2),
                ElementsAre("1 initial", "2 access_and_operations"));
    std::string applied_at;
    *sql << "SELECT applied_at FROM schema_migrations WHERE version = 1", soci::into(applied_at);
    EXPECT_EQ(applied_at, "2026-01-01T00:00:00.000Z") << "schema 1's record is left alone";
}

// A database brought to schema 3 the way the previous release left it, holding two estates and two
// regions whose names differ only in case (nothing refused them before schema 4).
class SchemaThreeWithCaseClashes {
  public:
    explicit SchemaThreeWithCaseClashes(const std::string& backend)
        : backend_(backend), database_(make_harness(backend)) {
        auto sql = database_->direct();
        build_schema_up_to(*sql, backend, 3);
        for (const auto& [n, name] : std::vector<std::pair<int, std::string>>{
                 {1, "Sandbox"}, {2, "SANDBOX"}, {3, "Mainland"}}) {
            const api::Estate e = sample_estate(n, name);
            *sql << "INSERT INTO estates (id, name, owner, created_at, updated_at) "
                    "VALUES (:id, :name, 'o', 't', 't')",
                soci::use(e.id, "id"), soci::use(e.name, "name");
        }
        for (const auto& [n, name] :
             std::vector<std::pair<int, std::string>>{{11, "Welcome"}, {12, "welcome"}}) {
            const std::string id = uuid(n);
            const std::string estate = uuid(3);
            const int port = 9000 + n;  // named: soci runs the statement after the temporaries die
            *sql << "INSERT INTO regions (uuid, name, estate_id, template_id, loc_x, loc_y, "
                    "size_x, size_y, port, host, physics_type, terrain_preset, "
                    "draw_distance_cap, version_major, version_minor, version_patch, "
                    "region_state_mode) VALUES (:id, :name, :estate, NULL, :x, 1000, 256, 256, "
                    ":port, 'h', 'ubODE', '', 0, 1, 0, 0, 'minimal')",
                soci::use(id, "id"), soci::use(name, "name"), soci::use(estate, "estate"),
                soci::use(n, "x"), soci::use(port, "port");
        }
    }

    // Opens the database with the plugin: throws what open() throws.
    void open(const api::PluginDescriptor& descriptor) {
        const auto logger = std::make_shared<CollectingLogger>();
        const api::HostContext host{api::kAbiVersion, logger, database_->config(),
                                    database_->data_dir()};
        std::unique_ptr<api::PluginObject> object(descriptor.create(host));
        auto& backend = dynamic_cast<api::StorageBackend&>(*object);
        backend.open();
        backend.close();
    }

    BackendHarness& database() { return *database_; }

  private:
    std::string backend_;
    std::unique_ptr<BackendHarness> database_;
};

int count_rows(soci::session& sql, const std::string& table) {
    int count = -1;
    sql << "SELECT COUNT(*) FROM " + table, soci::into(count);
    return count;
}

TEST_P(StorageContract, NamesClashingInCaseRefuseSchemaFourNamingThemAndChangingNothing) {
    SchemaThreeWithCaseClashes old(GetParam());
    try {
        old.open(*descriptor_);
        FAIL() << "a database with names differing only in case was migrated";
    } catch (const std::exception& e) {
        const std::string message = e.what();
        EXPECT_THAT(message, HasSubstr("case_insensitive_names"));
        EXPECT_THAT(message, HasSubstr("estates named 'SANDBOX', 'Sandbox'"));
        EXPECT_THAT(message, HasSubstr("regions named 'Welcome', 'welcome'"));
        EXPECT_THAT(message, HasSubstr("Nothing was changed"));
        EXPECT_THAT(message, ::testing::Not(HasSubstr("Mainland")));
    }
    auto sql = old.database().direct();
    EXPECT_EQ(recorded_migrations(*sql).size(), 3U);
    EXPECT_EQ(count_rows(*sql, "estates"), 3);
    EXPECT_EQ(count_rows(*sql, "regions"), 2);

    // Once the operator renamed one of each, the same database migrates.
    *sql << "UPDATE estates SET name = 'Sandbox 2' WHERE name = 'SANDBOX'";
    *sql << "UPDATE regions SET name = 'Welcome 2' WHERE name = 'welcome'";
    EXPECT_NO_THROW(old.open(*descriptor_));
    const auto recorded = recorded_migrations(*sql);
    ASSERT_GE(recorded.size(), 4U);
    EXPECT_EQ(recorded[3], "4 case_insensitive_names");
    EXPECT_EQ(count_rows(*sql, "estates"), 3);
    EXPECT_EQ(count_rows(*sql, "regions"), 2);
}

// A database the previous release (schema 4) left holding a region and an operation: schema 5
// adds its tables beside them, and the new supplements attach to the rows already there.
TEST_P(StorageContract, ASchemaFourDatabaseInUseGainsTheRuntimeStateTables) {
    auto old_database = make_harness(GetParam());
    const std::string region = uuid(11);
    long long operation = 0;
    {
        auto sql = old_database->direct();
        build_schema_up_to(*sql, GetParam(), 4);
        const std::string estate = uuid(1);
        *sql << "INSERT INTO estates (id, name, owner, created_at, updated_at) "
                "VALUES (:id, 'Kept', 'o', 't', 't')",
            soci::use(estate, "id");
        *sql << "INSERT INTO regions (uuid, name, estate_id, template_id, loc_x, loc_y, size_x, "
                "size_y, port, host, physics_type, terrain_preset, draw_distance_cap, "
                "version_major, version_minor, version_patch, region_state_mode) VALUES (:id, "
                "'Kept region', :estate, NULL, 1000, 1000, 256, 256, 9000, 'h', 'ubODE', '', 0, "
                "1, 0, 0, 'hybrid')",
            soci::use(region, "id"), soci::use(estate, "estate");
        *sql << "INSERT INTO operations (simulator_id, region_uuid, kind, op_class, "
                "region_version_major, region_version_minor, region_version_patch, spec, state, "
                "attempts, result, created_at, updated_at, due_at) VALUES ('sim', :region, "
                "'create', 'eager', 1, 0, 0, '{}', 'succeeded', 1, '{}', 't', 't', '')",
            soci::use(region, "region");
        *sql << "SELECT MAX(id) FROM operations", soci::into(operation);
    }
    {
        // The backend object dies before the database is dropped (end of this block).
        const auto logger = std::make_shared<CollectingLogger>();
        const auto object = create_backend_on(*old_database, logger);
        auto& backend = dynamic_cast<api::StorageBackend&>(*object);
        backend.open();
        EXPECT_THAT(logger->text(), HasSubstr("applying migration 5 (snapshots)"));
        EXPECT_THAT(logger->text(), ::testing::Not(HasSubstr("applying migration 4 ")));
        {
            auto tx = backend.begin(api::Access::read_write);
            auto& ledger = snapshot_ledger(*tx);
            EXPECT_TRUE(ledger.list_snapshots({}, "", "", 10).empty());
            ledger.put_region_state_policy(sample_policy(region, "premium"));
            ledger.put_operation_progress(sample_progress(operation));
            ledger.insert_snapshot(
                sample_snapshot(2, region, "2026-09-01T10:00:00.000Z", operation));
            tx->commit();
        }
        {
            auto tx = backend.begin(api::Access::read_write);
            EXPECT_EQ(dump(snapshot_ledger(*tx).find_region_state_policy(region).value()),
                      dump(sample_policy(region, "premium")));
            EXPECT_EQ(dump(snapshot_ledger(*tx).find_operation_progress(operation).value()),
                      dump(sample_progress(operation)));
            tx->delete_region(region);
            EXPECT_FALSE(snapshot_ledger(*tx).find_region_state_policy(region).has_value());
            EXPECT_EQ(snapshot_ledger(*tx).find_snapshot_by_operation(operation).value().id,
                      uuid(2));
            tx->commit();
        }
        backend.close();
    }
    const auto recorded = recorded_migrations(*old_database->direct());
    ASSERT_GE(recorded.size(), 5U);
    EXPECT_EQ(recorded[4], "5 snapshots");
}

// A database the previous release (schema 5) left holding a region and its snapshot: schema 6
// adds the migration tables beside them, and a move's record outlives the region it moved.
TEST_P(StorageContract, ASchemaFiveDatabaseInUseGainsTheMigrationTables) {
    auto old_database = make_harness(GetParam());
    const std::string region = uuid(11);
    {
        auto sql = old_database->direct();
        build_schema_up_to(*sql, GetParam(), 5);
        const std::string estate = uuid(1);
        *sql << "INSERT INTO estates (id, name, owner, created_at, updated_at) "
                "VALUES (:id, 'Kept', 'o', 't', 't')",
            soci::use(estate, "id");
        *sql << "INSERT INTO regions (uuid, name, estate_id, template_id, loc_x, loc_y, size_x, "
                "size_y, port, host, physics_type, terrain_preset, draw_distance_cap, "
                "version_major, version_minor, version_patch, region_state_mode) VALUES (:id, "
                "'Kept region', :estate, NULL, 1000, 1000, 256, 256, 9000, 'h', 'ubODE', '', 0, "
                "1, 0, 0, 'hybrid')",
            soci::use(region, "id"), soci::use(estate, "estate");
    }
    {
        // The backend object dies before the database is dropped (end of this block).
        const auto logger = std::make_shared<CollectingLogger>();
        const auto object = create_backend_on(*old_database, logger);
        auto& backend = dynamic_cast<api::StorageBackend&>(*object);
        backend.open();
        EXPECT_THAT(logger->text(), HasSubstr("applying migration 6 (migrations)"));
        EXPECT_THAT(logger->text(), ::testing::Not(HasSubstr("applying migration 5 ")));
        const auto move = sample_migration(2, region, "2026-09-01T10:00:00.000Z", 3, uuid(4));
        const auto drain = sample_batch(4, "sim-a", "2026-09-01T09:59:59.000Z");
        {
            auto tx = backend.begin(api::Access::read_write);
            auto& ledger = migration_ledger(*tx);
            EXPECT_TRUE(ledger.list_migrations({}, "", "", 10).empty());
            EXPECT_TRUE(ledger.list_migration_batches("", 10).empty());
            ledger.insert_migration_batch(drain);
            ledger.insert_migration(move);
            tx->delete_region(region);
            tx->commit();
        }
        {
            auto tx = backend.begin(api::Access::read);
            EXPECT_EQ(dump(migration_ledger(*tx).find_migration(move.id).value()), dump(move));
            EXPECT_EQ(dump(migration_ledger(*tx).find_migration_batch(drain.id).value()),
                      dump(drain));
        }
        backend.close();
    }
    auto sql = old_database->direct();
    EXPECT_EQ(count_rows(*sql, "regions"), 0) << "the region kept from schema 5 was deleted";
    EXPECT_EQ(count_rows(*sql, "migrations"), 1);
    const auto recorded = recorded_migrations(*sql);
    ASSERT_GE(recorded.size(), 6U);
    EXPECT_EQ(recorded[5], "6 migrations");
}

}  // namespace
}  // namespace vergegrid::test::storage
