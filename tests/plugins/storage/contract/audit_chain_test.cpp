// ABI 1.10: AuditChain on every backend (schema 11's audit_log.prev_hash and hash), beside the
// unchained append_audit; and a schema 10 database in use upgraded to schema 11, its audit rows
// kept as unchained.
#include <gmock/gmock.h>
#include <soci/soci.h>

#include <vector>

#include "event_stores.hpp"
#include "old_schema.hpp"
#include "storage_contract.hpp"
#include "vergegrid/plugin_api/storage_savepoints.hpp"

namespace vergegrid::test::storage {
namespace {

namespace api = plugin_api;
using ::testing::HasSubstr;

api::AuditEntry entry(int n, const std::string& action) {
    return {999,  // ignored
            "2026-12-05T08:00:0" + std::to_string(n) + ".000Z",
            "operator@example.org",
            action,
            "region",
            uuid(n),
            "req-" + std::to_string(n),
            n == 1 ? "" : R"({"before":"ä"})",
            R"({"after":"✓"})"};
}

std::string hash_of(char c) {
    return std::string(64, c);
}

TEST_P(StorageContract, TheAuditChainKeepsEachRowsLinksBesideUnchainedRows) {
    {
        auto tx = read();
        EXPECT_EQ(audit_chain(*tx).last_audit_hash(), "");
        EXPECT_TRUE(audit_chain(*tx).list_chained_audit(0, 10).empty());
    }
    std::vector<api::AuditEntry> entries{entry(1, "region.create"), entry(2, "region.update"),
                                         entry(3, "region.update"), entry(4, "region.delete")};
    {
        auto tx = write();
        // A row from before the chain began: no links.
        entries[0].id = tx->append_audit(entries[0]);
        EXPECT_EQ(audit_chain(*tx).last_audit_hash(), "");
        entries[1].id = audit_chain(*tx).append_chained_audit(entries[1], "", hash_of('a'));
        EXPECT_EQ(audit_chain(*tx).last_audit_hash(), hash_of('a'));
        entries[2].id =
            audit_chain(*tx).append_chained_audit(entries[2], hash_of('a'), hash_of('b'));
        tx->commit();
    }
    {
        auto tx = write();
        entries[3].id =
            audit_chain(*tx).append_chained_audit(entries[3], hash_of('b'), hash_of('c'));
        tx->commit();
    }
    EXPECT_LT(entries[0].id, entries[1].id);
    EXPECT_LT(entries[1].id, entries[2].id);
    EXPECT_LT(entries[2].id, entries[3].id);

    auto tx = read();
    auto& chain = audit_chain(*tx);
    EXPECT_EQ(chain.last_audit_hash(), hash_of('c'));
    const auto rows = chain.list_chained_audit(0, 10);
    ASSERT_EQ(rows.size(), 4U);
    const std::string prev[] = {"", "", hash_of('a'), hash_of('b')};
    const std::string hash[] = {"", hash_of('a'), hash_of('b'), hash_of('c')};
    for (std::size_t i = 0; i < rows.size(); ++i) {
        EXPECT_EQ(dump(rows[i].entry), dump(entries[i])) << i;
        EXPECT_EQ(rows[i].prev_hash, prev[i]) << i;
        EXPECT_EQ(rows[i].hash, hash[i]) << i;
    }
    const auto after_first = chain.list_chained_audit(entries[0].id, 2);
    ASSERT_EQ(after_first.size(), 2U);
    EXPECT_EQ(after_first[0].entry.id, entries[1].id);
    EXPECT_EQ(after_first[1].entry.id, entries[2].id);
    EXPECT_TRUE(chain.list_chained_audit(entries[3].id, 10).empty());
    EXPECT_TRUE(chain.list_chained_audit(0, 0).empty());
    // The plain audit listing shows chained rows like any other.
    const auto listed = tx->list_audit({}, 0, 10);
    ASSERT_EQ(listed.size(), 4U);
    EXPECT_EQ(dump(listed[0]), dump(entries[3]));
    tx.reset();

    // A row appended the old way after the chain makes the newest row unchained again.
    auto writing = write();
    writing->append_audit(entry(5, "region.create"));
    EXPECT_EQ(audit_chain(*writing).last_audit_hash(), "");
}

// Group commit runs each request in a savepoint of one transaction: a request rolled back takes
// its audit rows with it, and the next request must link to the row before them, not to a row
// that is gone.
TEST_P(StorageContract, TheChainsNewestRowAfterARollbackToASavepointIsTheRowBeforeIt) {
    {
        auto tx = write();
        auto& chain = audit_chain(*tx);
        auto& sp = dynamic_cast<api::SavepointStore&>(*tx);
        chain.append_chained_audit(entry(1, "region.create"), "", hash_of('a'));
        sp.savepoint("request");
        EXPECT_EQ(chain.last_audit_hash(), hash_of('a'));
        chain.append_chained_audit(entry(2, "region.update"), hash_of('a'), hash_of('b'));
        EXPECT_EQ(chain.last_audit_hash(), hash_of('b'));
        sp.rollback_to("request");
        sp.release("request");
        EXPECT_EQ(chain.last_audit_hash(), hash_of('a'));
        chain.append_chained_audit(entry(3, "region.update"), hash_of('a'), hash_of('c'));
        tx->commit();
    }
    auto tx = read();
    EXPECT_EQ(audit_chain(*tx).last_audit_hash(), hash_of('c'));
    const auto rows = audit_chain(*tx).list_chained_audit(0, 10);
    ASSERT_EQ(rows.size(), 2U);
    EXPECT_EQ(rows[1].prev_hash, hash_of('a'));
}

// A transaction that another writer's rows came before (a commit between two transactions) sees
// them: what one transaction remembers of the chain ends with it.
TEST_P(StorageContract, EachTransactionReadsTheChainsNewestRowAsCommittedBeforeIt) {
    {
        auto tx = write();
        EXPECT_EQ(audit_chain(*tx).last_audit_hash(), "");
        audit_chain(*tx).append_chained_audit(entry(1, "region.create"), "", hash_of('a'));
        tx->commit();
    }
    {
        auto other = write();
        audit_chain(*other).append_chained_audit(entry(2, "region.update"), hash_of('a'),
                                                 hash_of('b'));
        other->commit();
    }
    auto tx = write();
    EXPECT_EQ(audit_chain(*tx).last_audit_hash(), hash_of('b'));
}

// SQLite keeps a hash of 64 lower-case hex digits as its 32 bytes (Dialect::store_hash), any
// other text as it is; the others keep text. Read back, each is what was written, beside a row
// another tool wrote as text.
TEST_P(StorageContract, TheChainsHashesReadBackAsWrittenWhicheverFormTheyAreKeptIn) {
    const std::string old_text = "5994471abb01112afcc18159f6cc74b4f511b99806da59b3caf5a9c173cacfc5";
    const std::string hex = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    const std::string upper = "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08";
    const std::string other = "not a digest";
    *harness_->direct()
        << "INSERT INTO audit_log (at, actor, action, entity_type, entity_id, request_id, "
           "before_doc, after_doc, prev_hash, hash) VALUES ('2026-12-05T07:00:00.000Z', 'alice', "
           "'estate.create', 'estate', 'e', 'r', '', '{}', '', '" +
               old_text + "')";
    {
        auto tx = write();
        audit_chain(*tx).append_chained_audit(entry(1, "region.create"),
                                              audit_chain(*tx).last_audit_hash(), hex);
        tx->commit();
    }
    {
        auto tx = read();
        EXPECT_EQ(audit_chain(*tx).last_audit_hash(), hex);
    }
    {
        auto tx = write();
        audit_chain(*tx).append_chained_audit(entry(2, "region.update"), hex, upper);
        audit_chain(*tx).append_chained_audit(entry(3, "region.update"), upper, other);
        tx->commit();
    }
    auto tx = read();
    EXPECT_EQ(audit_chain(*tx).last_audit_hash(), other);
    const auto rows = audit_chain(*tx).list_chained_audit(0, 10);
    ASSERT_EQ(rows.size(), 4U);
    const std::string prev[] = {"", old_text, hex, upper};
    const std::string hash[] = {old_text, hex, upper, other};
    for (std::size_t i = 0; i < rows.size(); ++i) {
        EXPECT_EQ(rows[i].prev_hash, prev[i]) << i;
        EXPECT_EQ(rows[i].hash, hash[i]) << i;
    }

    if (GetParam() != "sqlite") {
        return;
    }
    auto sql = harness_->direct();
    std::vector<std::string> kept;
    const soci::rowset<std::string> stored =
        (sql->prepare << "SELECT typeof(prev_hash) || ' ' || length(prev_hash) || ', ' || "
                         "typeof(hash) || ' ' || length(hash) FROM audit_log ORDER BY id");
    for (const auto& row : stored) {
        kept.push_back(row);
    }
    EXPECT_THAT(kept, ::testing::ElementsAre("text 0, text 64", "blob 32, blob 32",
                                             "blob 32, text 64", "text 64, text 12"));
}

// A database schema 13 left with a chain of text hashes: schema 14 keeps them as bytes on SQLite
// (and leaves them on the others); every row reads back as before and the chain goes on from its
// newest hash.
TEST_P(StorageContract, ASchemaThirteenChainReadsTheSameAfterTheUpgrade) {
    const std::string first = "5994471abb01112afcc18159f6cc74b4f511b99806da59b3caf5a9c173cacfc5";
    const std::string second = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    auto old_database = make_harness(GetParam());
    {
        auto sql = old_database->direct();
        build_schema_up_to(*sql, GetParam(), 13);
        for (const auto& [prev, hash] :
             {std::pair{std::string(), first}, std::pair{first, second}}) {
            *sql << "INSERT INTO audit_log (at, actor, action, entity_type, entity_id, request_id, "
                    "before_doc, after_doc, prev_hash, hash) VALUES ('2026-11-01T00:00:00.000Z', "
                    "'alice', 'estate.create', 'estate', 'e', 'r', '', '{}', '" +
                        prev + "', '" + hash + "')";
        }
    }
    {
        const auto logger = std::make_shared<CollectingLogger>();
        const auto object = create_backend_on(*old_database, logger);
        auto& backend = dynamic_cast<api::StorageBackend&>(*object);
        backend.open();
        EXPECT_THAT(logger->text(), HasSubstr("applying migration 14 (audit_hashes_as_bytes)"));
        {
            auto tx = backend.begin(api::Access::read_write);
            EXPECT_EQ(audit_chain(*tx).last_audit_hash(), second);
            audit_chain(*tx).append_chained_audit(entry(3, "region.create"), second, hash_of('e'));
            tx->commit();
        }
        auto tx = backend.begin(api::Access::read);
        const auto rows = audit_chain(*tx).list_chained_audit(0, 10);
        ASSERT_EQ(rows.size(), 3U);
        EXPECT_EQ(rows[0].prev_hash, "");
        EXPECT_EQ(rows[0].hash, first);
        EXPECT_EQ(rows[1].prev_hash, first);
        EXPECT_EQ(rows[1].hash, second);
        EXPECT_EQ(rows[2].prev_hash, second);
        EXPECT_EQ(rows[2].hash, hash_of('e'));
        tx.reset();
        backend.close();
    }
    if (GetParam() == "sqlite") {
        int blobs = 0;
        *old_database->direct()
            << "SELECT COUNT(*) FROM audit_log WHERE typeof(hash) = 'blob' AND length(hash) = 32",
            soci::into(blobs);
        EXPECT_EQ(blobs, 3) << "the rows schema 13 wrote, in the new form too";
    }
}

// A database the previous release (schema 10) left with audit rows and a replica: schema 11 adds
// the event tables beside them, and the rows come back unchained.
TEST_P(StorageContract, ASchemaTenDatabaseInUseGainsTheOutboxAndAnUnchainedAuditLog) {
    auto old_database = make_harness(GetParam());
    {
        auto sql = old_database->direct();
        build_schema_up_to(*sql, GetParam(), 10);
        *sql << "INSERT INTO audit_log (at, actor, action, entity_type, entity_id, request_id, "
                "before_doc, after_doc) VALUES ('2026-11-01T00:00:00.000Z', 'alice', "
                "'estate.create', 'estate', 'e', 'r', '', '{}')";
        *sql << "INSERT INTO control_replicas (id, name, url, version, started_at, seen_at, "
                "is_leader) VALUES ('r1', 'one', 'http://one', '0.1.0', 't', 't', 1)";
    }
    {
        // The backend object dies before the database is dropped (end of this block).
        const auto logger = std::make_shared<CollectingLogger>();
        const auto object = create_backend_on(*old_database, logger);
        auto& backend = dynamic_cast<api::StorageBackend&>(*object);
        backend.open();
        EXPECT_THAT(logger->text(), HasSubstr("applying migration 11 (event_outbox)"));
        EXPECT_THAT(logger->text(), ::testing::Not(HasSubstr("applying migration 10 ")));
        std::int64_t old_id = 0;
        {
            auto tx = backend.begin(api::Access::read_write);
            const auto rows = audit_chain(*tx).list_chained_audit(0, 10);
            ASSERT_EQ(rows.size(), 1U);
            old_id = rows[0].entry.id;
            EXPECT_EQ(rows[0].entry.actor, "alice");
            EXPECT_EQ(rows[0].prev_hash, "");
            EXPECT_EQ(rows[0].hash, "");
            EXPECT_EQ(audit_chain(*tx).last_audit_hash(), "");
            EXPECT_EQ(outbox(*tx).last_event_seq(), 0);
            EXPECT_GT(
                audit_chain(*tx).append_chained_audit(entry(2, "region.create"), "", hash_of('d')),
                old_id);
            EXPECT_GT(outbox(*tx).append_event(
                          sample_event(1, "org.vergegrid.region.created", uuid(2), "t")),
                      0);
            subscriptions(*tx).save_subscription(
                {"sink:nats", "nats", "", "{}", "", "", "active", 0, "t", "t"});
            tx->commit();
        }
        {
            auto tx = backend.begin(api::Access::read);
            EXPECT_EQ(audit_chain(*tx).last_audit_hash(), hash_of('d'));
            EXPECT_EQ(outbox(*tx).list_events_after(0, 10).size(), 1U);
            EXPECT_EQ(subscriptions(*tx).list_subscriptions("").size(), 1U);
        }
        backend.close();
    }
    int recorded = 0;
    *old_database->direct() << "SELECT COUNT(*) FROM schema_migrations WHERE version = 11",
        soci::into(recorded);
    EXPECT_EQ(recorded, 1);
}

}  // namespace
}  // namespace vergegrid::test::storage
