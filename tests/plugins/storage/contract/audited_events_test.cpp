// Schema 13: the event of an audited change, appended right after its audit row (as the control
// plane does: the audit trail, then the outbox writer). On every backend it reads back with the
// outbox's other events in seq order, goes with its savepoint and is pruned like them; SQLite
// keeps it in the audit row (Dialect::stages_log_rows), the others in an events row. And a
// schema 12 database in use continues its seqs.
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

api::AuditEntry entry(int n, const std::string& action, const std::string& at) {
    return {0,
            at,
            "operator@example.org",
            action,
            "region",
            uuid(n),
            "req-" + std::to_string(n),
            "",
            R"({"name":"Région )" + std::to_string(n) + R"("})"};
}

std::string hash_of(int n) {
    return std::string(64, static_cast<char>('a' + n));
}

class AuditedChanges {
  public:
    explicit AuditedChanges(api::StorageTransaction& tx) : tx_(tx) {}

    // An audited change and its event, as the control plane appends them.
    api::OutboxEvent audited(int n, const std::string& at) {
        const auto audit_id = chain().append_chained_audit(entry(n, "region.create", at),
                                                           chain().last_audit_hash(), hash_of(n));
        auto event = sample_event(n, "org.vergegrid.region.created", uuid(n), at);
        event.audit_id = audit_id;
        event.seq = outbox(tx_).append_event(event);
        return event;
    }
    // An event of a change that is not audited (an operation's result).
    api::OutboxEvent own(int n, const std::string& at) {
        auto event = sample_event(n, "org.vergegrid.region.live", uuid(n), at);
        event.seq = outbox(tx_).append_event(event);
        return event;
    }
    // An audited change that publishes nothing (a token).
    std::int64_t quiet(int n, const std::string& at) {
        return chain().append_chained_audit(entry(n, "token.create", at), chain().last_audit_hash(),
                                            hash_of(n));
    }

  private:
    api::AuditChain& chain() { return audit_chain(tx_); }
    api::StorageTransaction& tx_;
};

constexpr const char* kDay1 = "2026-12-01T00:00:00.000Z";
constexpr const char* kDay2 = "2026-12-02T00:00:00.000Z";
constexpr const char* kDay3 = "2026-12-03T00:00:00.000Z";
constexpr const char* kDay9 = "2026-12-09T00:00:00.000Z";

TEST_P(StorageContract, EventsOfAuditedChangesAndOtherEventsAreListedTogetherInSeqOrder) {
    std::vector<api::OutboxEvent> events;
    {
        auto tx = write();
        AuditedChanges changes(*tx);
        events.push_back(changes.audited(1, kDay1));
        events.push_back(changes.own(2, kDay1));
        changes.quiet(3, kDay1);
        events.push_back(changes.audited(4, kDay1));
        // Inside the transaction the outbox reads them already, in order.
        EXPECT_EQ(dumps(outbox(*tx).list_events_after(0, 10)), dumps(events));
        tx->commit();
    }
    {
        auto tx = write();
        events.push_back(AuditedChanges(*tx).audited(5, kDay2));
        tx->commit();
    }
    std::int64_t previous = 0;
    for (const auto& event : events) {
        EXPECT_GT(event.seq, previous);
        previous = event.seq;
    }
    auto tx = read();
    auto& store = outbox(*tx);
    EXPECT_EQ(dumps(store.list_events_after(0, 10)), dumps(events));
    EXPECT_EQ(dumps(store.list_events_after(events[0].seq, 2)),
              dumps(std::vector<api::OutboxEvent>{events[1], events[2]}));
    EXPECT_EQ(dumps(store.list_events_after(events[1].seq, 10)),
              dumps(std::vector<api::OutboxEvent>{events[2], events[3]}));
    EXPECT_EQ(store.first_event_seq(), events[0].seq);
    EXPECT_EQ(store.last_event_seq(), events[3].seq);
    // The audit log is whole: four rows, each event naming its own.
    const auto rows = audit_chain(*tx).list_chained_audit(0, 10);
    ASSERT_EQ(rows.size(), 4U);
    EXPECT_EQ(rows[0].entry.id, events[0].audit_id);
    EXPECT_EQ(rows[1].entry.action, "token.create");
    EXPECT_EQ(rows[2].entry.id, events[2].audit_id);
    EXPECT_EQ(rows[3].entry.id, events[3].audit_id);
    EXPECT_EQ(rows[3].prev_hash, hash_of(4));
}

// Group commit: each request in a savepoint. A request rolled back takes its audit row and its
// event; an event rolled back alone leaves the audit row before it.
TEST_P(StorageContract, AnAuditedChangeRolledBackToItsSavepointTakesItsEventAlong) {
    std::vector<api::OutboxEvent> kept;
    {
        auto tx = write();
        auto& sp = dynamic_cast<api::SavepointStore&>(*tx);
        AuditedChanges changes(*tx);
        sp.savepoint("request");
        changes.audited(1, kDay1);
        sp.rollback_to("request");
        sp.release("request");
        sp.savepoint("request");
        kept.push_back(changes.audited(2, kDay1));
        sp.release("request");
        audit_chain(*tx).append_chained_audit(entry(3, "region.update", kDay1), hash_of(2),
                                              hash_of(3));
        sp.savepoint("request");
        auto lost = sample_event(3, "org.vergegrid.region.updated", uuid(3), kDay1);
        lost.audit_id = audit_chain(*tx).list_chained_audit(kept[0].audit_id, 1).at(0).entry.id;
        outbox(*tx).append_event(lost);
        sp.rollback_to("request");
        sp.release("request");
        kept.push_back(changes.own(4, kDay1));
        tx->commit();
    }
    auto tx = read();
    EXPECT_EQ(dumps(outbox(*tx).list_events_after(0, 10)), dumps(kept));
    const auto rows = audit_chain(*tx).list_chained_audit(0, 10);
    ASSERT_EQ(rows.size(), 2U);
    EXPECT_EQ(rows[0].entry.entity_id, uuid(2));
    EXPECT_EQ(rows[1].entry.entity_id, uuid(3));
}

TEST_P(StorageContract, DeleteEventsTakesTheOldestEventsOfAuditedChangesTooAndKeepsTheAuditLog) {
    std::vector<api::OutboxEvent> events;
    {
        auto tx = write();
        AuditedChanges changes(*tx);
        events.push_back(changes.audited(1, kDay1));
        events.push_back(changes.own(2, kDay1));
        // New by time (a clock stepped back after it): the walk from the oldest stops here.
        events.push_back(changes.audited(3, kDay9));
        events.push_back(changes.own(4, kDay2));
        tx->commit();
    }
    {
        auto tx = write();
        EXPECT_EQ(outbox(*tx).delete_events(events[3].seq, kDay3), 2);
        EXPECT_EQ(outbox(*tx).delete_events(events[3].seq, kDay3), 0);
        tx->commit();
    }
    {
        auto tx = read();
        EXPECT_EQ(dumps(outbox(*tx).list_events_after(0, 10)),
                  dumps(std::vector<api::OutboxEvent>{events[2], events[3]}));
        EXPECT_EQ(outbox(*tx).first_event_seq(), events[2].seq);
        EXPECT_EQ(outbox(*tx).last_event_seq(), events[3].seq);
    }
    {
        auto tx = write();
        EXPECT_EQ(outbox(*tx).delete_events(events[2].seq, "9999"), 1);
        EXPECT_EQ(dumps(outbox(*tx).list_events_after(0, 10)),
                  dumps(std::vector<api::OutboxEvent>{events[3]}));
        EXPECT_EQ(outbox(*tx).delete_events(events[3].seq, "9999"), 1);
        EXPECT_EQ(outbox(*tx).first_event_seq(), 0);
        EXPECT_EQ(outbox(*tx).last_event_seq(), events[3].seq);
        tx->commit();
    }
    auto tx = write();
    EXPECT_EQ(audit_chain(*tx).list_chained_audit(0, 10).size(), 2U) << "the audit log stays";
    const auto next = AuditedChanges(*tx).audited(5, kDay3);
    EXPECT_GT(next.seq, events[3].seq);
    EXPECT_EQ(dumps(outbox(*tx).list_events_after(0, 10)), dumps({next}));
}

// SQLite stores an audit row's event's subject and time as '' where they are the row's own: an
// event whose subject or time differs from its row's, or is empty, still reads back as appended.
TEST_P(StorageContract, AnAuditedChangesEventKeepsASubjectAndTimeOfItsOwn) {
    std::vector<api::OutboxEvent> events;
    {
        auto tx = write();
        auto& chain = audit_chain(*tx);
        const auto append = [&](int n, const std::string& subject, const std::string& time) {
            auto event = sample_event(n, "org.vergegrid.region.live", subject, time);
            event.audit_id = chain.append_chained_audit(entry(n, "region.update", kDay1),
                                                        chain.last_audit_hash(), hash_of(n));
            event.seq = outbox(*tx).append_event(event);
            events.push_back(event);
        };
        append(1, uuid(99), kDay2);
        append(2, "", "");
        append(3, uuid(3), kDay1);
        tx->commit();
    }
    auto tx = read();
    EXPECT_EQ(dumps(outbox(*tx).list_events_after(0, 10)), dumps(events));
}

// Where the event of an audited change is stored, looked at underneath: in its audit row on SQLite
// (one row per change), in an events row elsewhere. Nothing else tells the two apart.
TEST_P(StorageContract, SqliteKeepsAnAuditedChangesEventInItsAuditRowTheOthersInAnEventsRow) {
    api::OutboxEvent event;
    {
        auto tx = write();
        event = AuditedChanges(*tx).audited(1, kDay1);
        tx->commit();
    }
    const bool in_audit_row = GetParam() == "sqlite";
    auto sql = harness_->direct();
    int events_rows = -1;
    *sql << "SELECT COUNT(*) FROM events", soci::into(events_rows);
    EXPECT_EQ(events_rows, in_audit_row ? 0 : 1);
    std::string event_id;
    *sql << "SELECT event_id FROM audit_log", soci::into(event_id);
    EXPECT_EQ(event_id, in_audit_row ? event.id : "");
}

// Someone deleted the newest audit rows by hand: a seq a subscriber has seen is not given again.
TEST_P(StorageContract, ASeqIsNotGivenAgainAfterTheNewestAuditRowsAreDeleted) {
    api::OutboxEvent first;
    {
        auto tx = write();
        first = AuditedChanges(*tx).audited(1, kDay1);
        tx->commit();
    }
    *harness_->direct() << "DELETE FROM audit_log";
    auto tx = write();
    const auto second = AuditedChanges(*tx).audited(2, kDay1);
    EXPECT_GT(second.seq, first.seq);
}

// A database schema 12 left in use, its outbox ahead of its audit log in one case and behind it
// in the other: after schema 13 the next event's seq is past every earlier one, listed after them.
TEST_P(StorageContract, ASchemaTwelveDatabaseInUseContinuesItsSeqs) {
    for (const auto& [audit_rows, events_rows] : {std::pair{2, 5}, std::pair{6, 1}}) {
        SCOPED_TRACE(std::to_string(audit_rows) + " audit rows, " + std::to_string(events_rows) +
                     " events");
        auto old_database = make_harness(GetParam());
        {
            auto sql = old_database->direct();
            build_schema_up_to(*sql, GetParam(), 12);
            for (int i = 0; i < audit_rows; ++i) {
                *sql << "INSERT INTO audit_log (at, actor, action, entity_type, entity_id, "
                        "request_id, before_doc, after_doc) VALUES ('2026-11-01T00:00:00.000Z', "
                        "'alice', 'estate.create', 'estate', 'e', 'r', '', '{}')";
            }
            for (int i = 0; i < events_rows; ++i) {
                *sql << "INSERT INTO events (id, type, subject, time, document) VALUES ('id-" +
                            std::to_string(i) +
                            "', 'org.vergegrid.estate.created', 'e', "
                            "'2026-11-01T00:00:00.000Z', '{}')";
            }
        }
        const auto logger = std::make_shared<CollectingLogger>();
        const auto object = create_backend_on(*old_database, logger);
        auto& backend = dynamic_cast<api::StorageBackend&>(*object);
        backend.open();
        EXPECT_THAT(logger->text(), HasSubstr("applying migration 13 (events_in_audit_rows)"));
        std::int64_t old_last = 0;
        api::OutboxEvent next;
        {
            auto tx = backend.begin(api::Access::read_write);
            old_last = outbox(*tx).last_event_seq();
            EXPECT_EQ(outbox(*tx).list_events_after(0, 10).size(),
                      static_cast<std::size_t>(events_rows));
            next = AuditedChanges(*tx).audited(1, kDay1);
            EXPECT_GT(next.seq, old_last);
            tx->commit();
        }
        {
            auto tx = backend.begin(api::Access::read);
            EXPECT_EQ(dumps(outbox(*tx).list_events_after(old_last, 10)), dumps({next}));
            EXPECT_EQ(outbox(*tx).list_events_after(0, 10).size(),
                      static_cast<std::size_t>(events_rows + 1));
            EXPECT_EQ(outbox(*tx).last_event_seq(), next.seq);
            EXPECT_EQ(audit_chain(*tx).list_chained_audit(0, 10).size(),
                      static_cast<std::size_t>(audit_rows + 1));
        }
        backend.close();
        if (GetParam() == "sqlite") {
            // Reading the outbox starts above the audit rows the database already had.
            long long after = -1;
            *old_database->direct() << "SELECT audit_events_after FROM events_pruned",
                soci::into(after);
            EXPECT_EQ(after, audit_rows);
        }
    }
}

}  // namespace
}  // namespace vergegrid::test::storage
