// The append-only records: region history and the audit log.
#include <gmock/gmock.h>

#include "storage_contract.hpp"

// Filters are written with C++20 designated initializers naming only the fields a test sets;
// g++ 12 would warn that the others are not named, which is the point.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace vergegrid::test::storage {
namespace {

namespace api = plugin_api;
using ::testing::ElementsAre;

api::RegionHistoryEntry history(const std::string& region_uuid, api::SemVer version,
                                const std::string& change) {
    return {region_uuid,
            version,
            change,
            R"({"name":"r","version":")" + version.to_string() + R"(","note":"ünï"})",
            "operator@example.org",
            "req-" + version.to_string(),
            "2026-07-0" + std::to_string(version.minor + 1) + "T00:00:00.000Z"};
}

TEST_P(StorageContract, HistoryIsAppendedListedInVersionOrderAndFound) {
    // No foreign key: history can be written for any uuid (it outlives deleted regions).
    const std::string region = uuid(7);
    const auto v100 = history(region, {1, 0, 0}, "create");
    const auto v110 = history(region, {1, 1, 0}, "update");
    const auto v1010 = history(region, {1, 10, 0}, "upgrade-template");
    const auto v200 = history(region, {2, 0, 0}, "rollback");
    {
        auto tx = write();
        for (const auto& entry : {v200, v1010, v100, v110}) {
            tx->append_history(entry);
        }
        tx->append_history(history(uuid(8), {1, 0, 0}, "create"));
        tx->commit();
    }
    auto tx = read();
    std::vector<std::string> listed;
    for (const auto& entry : tx->list_history(region)) {
        listed.push_back(dump(entry));
    }
    // Numeric order of the version parts (1.10.0 after 1.1.0), not text order.
    EXPECT_THAT(listed, ElementsAre(dump(v100), dump(v110), dump(v1010), dump(v200)));
    const auto found = tx->find_history(region, {1, 10, 0});
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(dump(*found), dump(v1010));
    EXPECT_FALSE(tx->find_history(region, {3, 0, 0}).has_value());
    EXPECT_TRUE(tx->list_history(uuid(9)).empty());
}

TEST_P(StorageContract, HistoryNeverRecordsOneVersionTwice) {
    {
        auto tx = write();
        tx->append_history(history(uuid(7), {1, 0, 0}, "create"));
        tx->commit();
    }
    auto tx = write();
    EXPECT_THROW(tx->append_history(history(uuid(7), {1, 0, 0}, "update")), api::StorageConflict);
}

api::AuditEntry audit(const std::string& at, const std::string& actor, const std::string& action,
                      const std::string& type, const std::string& id) {
    return {0,
            at,
            actor,
            action,
            type,
            id,
            "req-" + at,
            action.ends_with("create") ? "" : R"({"before":"ä"})",
            action.ends_with("delete") ? "" : R"({"after":"✓"})"};
}

TEST_P(StorageContract, AuditIdsIncreaseAndListingIsNewestFirstWithFilters) {
    const std::vector<api::AuditEntry> entries{
        audit("2026-01-01T00:00:00.000Z", "alice", "estate.create", "estate", uuid(1)),
        audit("2026-01-02T00:00:00.000Z", "bob", "region.create", "region", uuid(2)),
        audit("2026-01-03T00:00:00.000Z", "alice", "region.update", "region", uuid(2)),
        audit("2026-01-04T00:00:00.000Z", "anonymous", "region.update", "region", uuid(3)),
        audit("2026-01-05T00:00:00.000Z", "bob", "region.delete", "region", uuid(2)),
    };
    std::vector<std::int64_t> ids;
    {
        auto tx = write();
        for (const auto& entry : entries) {
            ids.push_back(tx->append_audit(entry));
        }
        tx->commit();
    }
    {
        auto tx = write();  // ids keep increasing across transactions
        ids.push_back(tx->append_audit(
            audit("2026-01-06T00:00:00.000Z", "carol", "template.create", "template", uuid(4))));
        tx->commit();
    }
    for (std::size_t i = 1; i < ids.size(); ++i) {
        EXPECT_GT(ids[i], ids[i - 1]);
    }
    EXPECT_GT(ids.front(), 0);

    auto tx = read();
    const auto all = tx->list_audit({}, 0, 100);
    ASSERT_EQ(all.size(), 6U);
    for (std::size_t i = 0; i < entries.size(); ++i) {
        api::AuditEntry expected = entries[i];
        expected.id = ids[i];
        EXPECT_EQ(dump(all[all.size() - 1 - i]), dump(expected)) << "newest first";
    }

    const auto ids_of = [](const std::vector<api::AuditEntry>& list) {
        std::vector<std::int64_t> out;
        for (const auto& e : list) {
            out.push_back(e.id);
        }
        return out;
    };
    EXPECT_THAT(ids_of(tx->list_audit({.actor = "alice"}, 0, 100)), ElementsAre(ids[2], ids[0]));
    EXPECT_THAT(ids_of(tx->list_audit({.action = "region.update"}, 0, 100)),
                ElementsAre(ids[3], ids[2]));
    EXPECT_THAT(ids_of(tx->list_audit({.entity_type = "region", .entity_id = uuid(2)}, 0, 100)),
                ElementsAre(ids[4], ids[2], ids[1]));
    // since is inclusive, until exclusive.
    EXPECT_THAT(
        ids_of(tx->list_audit(
            {.since = "2026-01-02T00:00:00.000Z", .until = "2026-01-04T00:00:00.000Z"}, 0, 100)),
        ElementsAre(ids[2], ids[1]));
    EXPECT_THAT(
        ids_of(tx->list_audit({.actor = "bob", .since = "2026-01-03T00:00:00.000Z"}, 0, 100)),
        ElementsAre(ids[4]));

    // Keyset pages of 4, newest first: before_id is the last id of the previous page.
    const auto first = tx->list_audit({}, 0, 4);
    EXPECT_THAT(ids_of(first), ElementsAre(ids[5], ids[4], ids[3], ids[2]));
    const auto second = tx->list_audit({}, first.back().id, 4);
    EXPECT_THAT(ids_of(second), ElementsAre(ids[1], ids[0]));
    EXPECT_TRUE(tx->list_audit({}, ids[0], 4).empty());
    EXPECT_THAT(ids_of(tx->list_audit({.actor = "bob"}, ids[4], 10)), ElementsAre(ids[1]));
    EXPECT_TRUE(tx->list_audit({.actor = "nobody"}, 0, 10).empty());
}

}  // namespace
}  // namespace vergegrid::test::storage
