// The outbox and the audit chain as commands write them: an event per published change in the
// change's own transaction, none for a change rolled back; each audit row linked to the one
// before, and a row changed or removed behind the control plane's back named by verify().
#include <gtest/gtest.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include "control/audit/audit_chain.hpp"
#include "control/events/event_feed.hpp"
#include "control/events/outbox_reader.hpp"
#include "tests/control/events/event_bus_fixture.hpp"

namespace vergegrid::test {
namespace {

using control::AuditChainCheck;
using control::Changes;
using control::DomainEvent;
using control::EventFeed;
using control::EventFilter;

using OutboxAndChain = EventBusFixture;

TEST_F(OutboxAndChain, ACommittedChangeAppendsItsEventAndWakesTheWaiters) {
    const auto seen = signals_->generation();
    change("e-1");
    const auto events = outbox();
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].type, "org.vergegrid.estate.created");
    EXPECT_EQ(events[0].subject, "e-1");
    EXPECT_EQ(nlohmann::json::parse(events[0].document).at("source"), "/test");
    EXPECT_NE(signals_->generation(), seen) << "woken after the commit";
}

TEST_F(OutboxAndChain, TheEntityIsStoredOnceInTheAuditRowAndReadersGetTheDocumentWhole) {
    events_store().command(actor(), [&](Changes& changes) {
        changes.record({"estate.create", "estate", "e-1", nullptr, {{"id", "e-1"}, {"n", 1}}});
        changes.record({"user.create", "user", "u-1", nullptr, {{"name", "ann"}}});
        changes.record({"estate.delete", "estate", "e-2", {{"id", "e-2"}, {"n", 2}}, nullptr});
    });
    const auto stored = outbox();
    ASSERT_EQ(stored.size(), 2u);
    EXPECT_NE(stored[0].audit_id, 0);
    EXPECT_EQ(stored[0].document, R"({"source":"/test"})")
        << "stored short: the audit row holds the entity, the actor and the request id";
    const auto read = store().read(
        [](plugin_api::StorageTransaction& tx) { return control::read_events_after(tx, 0, 10); });
    ASSERT_EQ(read.size(), 2u);
    const auto created = nlohmann::json::parse(read[0].document);
    EXPECT_EQ(created.at("data"), nlohmann::json({{"id", "e-1"}, {"n", 1}}));
    EXPECT_EQ(created.at("type"), "org.vergegrid.estate.created");
    const auto deleted = nlohmann::json::parse(read[1].document);
    EXPECT_EQ(deleted.at("data"), nlohmann::json({{"id", "e-2"}, {"n", 2}}))
        << "a deletion's data is the entity as it was";
    const auto page = EventFeed(store()).page(0, {}, 10);
    EXPECT_EQ(page.items[0].document, read[0].document);
}

// One moment, read from the clock once: the event's time is its audit row's.
TEST_F(OutboxAndChain, AnEventHappenedWhenItsAuditRowSaysItDid) {
    change("e-1");
    const auto events = outbox();
    ASSERT_EQ(events.size(), 1u);
    const auto rows = store().read([](plugin_api::StorageTransaction& tx) {
        return tx.list_audit(plugin_api::AuditFilter{}, 0, 10);
    });
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_FALSE(events[0].time.empty());
    EXPECT_EQ(events[0].time, rows[0].at);
    const auto read = store().read(
        [](plugin_api::StorageTransaction& tx) { return control::read_events_after(tx, 0, 10); });
    ASSERT_EQ(read.size(), 1u);
    EXPECT_EQ(nlohmann::json::parse(read[0].document).at("time"), rows[0].at);
}

// SQLite keeps a change's event in its audit row (schema 13): a row deleted behind the control
// plane's back takes its event along (verify() names the gap).
TEST_F(OutboxAndChain, AnEventGoesWithItsAuditRowWhenThatIsDeleted) {
    change("e-1");
    change("e-2");
    soci::session direct(*soci::factory_sqlite3(), (data_dir() / "vergegrid.db").string());
    direct << "DELETE FROM audit_log WHERE entity_id = 'e-1'";
    const auto read = store().read(
        [](plugin_api::StorageTransaction& tx) { return control::read_events_after(tx, 0, 10); });
    ASSERT_EQ(read.size(), 1u);
    EXPECT_EQ(nlohmann::json::parse(read[0].document).at("data").at("id"), "e-2");
}

// An event in a row of its own that names an audit row (PostgreSQL and MariaDB store every event
// so; SQLite when something came between the row and its event): with that row gone, the event
// is still read, its data null.
TEST_F(OutboxAndChain, AnEventWhoseAuditRowIsGoneHasNullData) {
    change("e-1");
    const auto audit_id = audit().at(0).id;
    store().write([&](plugin_api::StorageTransaction& tx) {
        plugin_api::OutboxEvent event;
        event.id = "ev-late";
        event.type = "org.vergegrid.estate.updated";
        event.subject = "e-1";
        event.time = "2026-12-06T00:00:00.000Z";
        event.document = R"({"specversion":"1.0","id":"ev-late"})";
        event.audit_id = audit_id;
        dynamic_cast<plugin_api::EventOutbox&>(tx).append_event(event);
    });
    soci::session direct(*soci::factory_sqlite3(), (data_dir() / "vergegrid.db").string());
    direct << "DELETE FROM audit_log";
    const auto read = store().read(
        [](plugin_api::StorageTransaction& tx) { return control::read_events_after(tx, 0, 10); });
    ASSERT_EQ(read.size(), 1u);
    EXPECT_EQ(read[0].id, "ev-late");
    EXPECT_TRUE(nlohmann::json::parse(read[0].document).at("data").is_null());
}

TEST_F(OutboxAndChain, ARolledBackChangeLeavesNoEventAndWakesNobody) {
    const auto seen = signals_->generation();
    EXPECT_THROW(
        events_store().command(
            actor(),
            [&](Changes& changes) {
                changes.record({"estate.create", "estate", "e-1", nullptr, {{"id", "e-1"}}});
                throw std::runtime_error("refused later");
            }),
        std::runtime_error);
    EXPECT_TRUE(outbox().empty());
    EXPECT_TRUE(audit().empty());
    EXPECT_EQ(signals_->generation(), seen);
}

TEST_F(OutboxAndChain, BookkeepingIsPublishedButNotAudited) {
    events_store().command(actor(), [&](Changes& changes) {
        changes.record(DomainEvent{"operation.succeed",
                                   "operation",
                                   "5",
                                   nullptr,
                                   {{"id", 5}, {"kind", "create"}, {"region_id", "r-1"}},
                                   false});
    });
    EXPECT_TRUE(audit().empty());
    ASSERT_EQ(outbox().size(), 1u);
    EXPECT_EQ(outbox()[0].type, "org.vergegrid.region.live");
}

TEST_F(OutboxAndChain, AccessEventsAreAuditedButNotPublished) {
    events_store().command(actor(), [&](Changes& changes) {
        changes.record({"user.create", "user", "u-1", nullptr, {{"name", "ann"}}});
    });
    EXPECT_EQ(audit().size(), 1u);
    EXPECT_TRUE(outbox().empty());
}

TEST_F(OutboxAndChain, EachAuditRowLinksToThePreviousAndVerifyWalksTheChain) {
    for (int i = 0; i < 5; ++i) {
        change("e-" + std::to_string(i));
    }
    const auto rows = store().read([](plugin_api::StorageTransaction& tx) {
        return dynamic_cast<plugin_api::AuditChain&>(tx).list_chained_audit(0, 100);
    });
    ASSERT_EQ(rows.size(), 5u);
    EXPECT_EQ(rows[0].prev_hash, "");
    for (std::size_t i = 0; i < rows.size(); ++i) {
        EXPECT_EQ(rows[i].hash, control::audit_row_hash(rows[i].prev_hash, rows[i].entry));
        if (i > 0) {
            EXPECT_EQ(rows[i].prev_hash, rows[i - 1].hash);
        }
    }
    const auto report = AuditChainCheck(store()).verify();
    EXPECT_FALSE(report.broken);
    EXPECT_EQ(report.checked, 5);
    EXPECT_EQ(report.last_id, rows.back().entry.id);
    EXPECT_EQ(report.last_hash, rows.back().hash);
    const auto head = AuditChainCheck(store()).head();
    ASSERT_TRUE(head);
    EXPECT_EQ(head->id, rows.back().entry.id);
    EXPECT_EQ(head->hash, rows.back().hash);
}

TEST_F(OutboxAndChain, TheHashCoversEveryFieldAndCannotBeShiftedBetweenThem) {
    plugin_api::AuditEntry a;
    a.actor = "ab";
    a.action = "c";
    plugin_api::AuditEntry b = a;
    b.actor = "a";
    b.action = "bc";
    EXPECT_NE(control::audit_row_hash("", a), control::audit_row_hash("", b));
    EXPECT_NE(control::audit_row_hash("", a), control::audit_row_hash("x", a));
    plugin_api::AuditEntry c = a;
    c.request_id = "r";
    EXPECT_NE(control::audit_row_hash("", a), control::audit_row_hash("", c));
}

class TamperedChain : public EventBusFixture {
  protected:
    void SetUp() override {
        for (int i = 0; i < 6; ++i) {
            change("e-" + std::to_string(i));
        }
    }
    void sql(const std::string& statement) {
        soci::session direct(*soci::factory_sqlite3(), (data_dir() / "vergegrid.db").string());
        direct << statement;
    }
};

TEST_F(TamperedChain, AChangedRowIsNamed) {
    sql("UPDATE audit_log SET actor = 'mallory' WHERE id = 3");
    const auto report = AuditChainCheck(store()).verify();
    ASSERT_TRUE(report.broken);
    EXPECT_EQ(report.broken->id, 3);
    EXPECT_EQ(report.checked, 2);
    EXPECT_NE(report.broken->reason.find("content"), std::string::npos);
}

TEST_F(TamperedChain, ARemovedRowIsNamedByTheRowAfterIt) {
    sql("DELETE FROM audit_log WHERE id = 4");
    const auto report = AuditChainCheck(store()).verify();
    ASSERT_TRUE(report.broken);
    EXPECT_EQ(report.broken->id, 5);
    EXPECT_NE(report.broken->reason.find("prev_hash"), std::string::npos);
}

TEST_F(TamperedChain, ARewrittenHashIsNamedByTheRowAfterIt) {
    sql("UPDATE audit_log SET actor = 'mallory', hash = 'feed' WHERE id = 2");
    const auto report = AuditChainCheck(store()).verify();
    ASSERT_TRUE(report.broken);
    EXPECT_EQ(report.broken->id, 2) << "its own hash no longer matches its content";
}

TEST_F(TamperedChain, RemovingTheFirstRowIsNamed) {
    sql("DELETE FROM audit_log WHERE id = 1");
    const auto report = AuditChainCheck(store()).verify();
    ASSERT_TRUE(report.broken);
    EXPECT_EQ(report.broken->id, 2);
}

TEST_F(OutboxAndChain, RowsFromBeforeTheChainAreCountedNotJudged) {
    store().write([](plugin_api::StorageTransaction& tx) {
        plugin_api::AuditEntry old;
        old.at = "2026-01-01T00:00:00.000Z";
        old.actor = "root";
        old.action = "estate.create";
        tx.append_audit(old);
    });
    change("e-1");
    const auto report = AuditChainCheck(store()).verify();
    EXPECT_FALSE(report.broken);
    EXPECT_EQ(report.unchained, 1);
    EXPECT_EQ(report.checked, 1);
}

TEST_F(OutboxAndChain, TheFeedFiltersAndSaysWhereItsScanEnded) {
    change("a");
    change("b");
    change("a", "update");
    change("c");
    const EventFeed feed(store());
    EXPECT_EQ(feed.last_seq(), 4);
    const auto all = feed.page(0, {}, 100);
    ASSERT_EQ(all.items.size(), 4u);
    EXPECT_EQ(all.last_seq, 4);
    const auto only_a = feed.page(0, EventFilter{{}, {"a"}}, 100);
    ASSERT_EQ(only_a.items.size(), 2u);
    EXPECT_EQ(only_a.items[1].type, "org.vergegrid.estate.updated");
    EXPECT_EQ(only_a.last_seq, 4) << "scanned to the end";
    const auto first_a = feed.page(0, EventFilter{{}, {"a"}}, 1);
    ASSERT_EQ(first_a.items.size(), 1u);
    EXPECT_EQ(first_a.last_seq, 1) << "stops at the page's last event";
    const auto none = feed.page(0, EventFilter{{"org.vergegrid.region.*"}, {}}, 100);
    EXPECT_TRUE(none.items.empty());
    EXPECT_EQ(none.last_seq, 4);
}

}  // namespace
}  // namespace vergegrid::test
