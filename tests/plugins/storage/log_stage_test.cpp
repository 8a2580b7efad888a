// LogStage: the bookkeeping behind staged audit and outbox rows (Dialect::stages_log_rows). The
// SQL side (rows reach audit_log and events, seqs match) is the storage contract's
// event_outbox_test and audit_chain_test.
#include "log_stage.hpp"

#include <gmock/gmock.h>

#include <vector>

namespace vergegrid::plugins::sql {
namespace {

plugin_api::OutboxEvent event(const std::string& id) {
    plugin_api::OutboxEvent e;
    e.id = id;
    return e;
}

StagedAudit audit(const std::string& action) {
    StagedAudit a;
    a.entry.action = action;
    return a;
}

plugin_api::OutboxEvent event_of(const std::string& id, std::int64_t audit_id) {
    auto e = event(id);
    e.audit_id = audit_id;
    return e;
}

// "<event id>@<number>" for an event of its own, "[<action>]@<number>" for an audit row and
// "[<action>+<event id>]@<number>" for an audit row that keeps its event.
std::vector<std::string> ids(std::span<const StagedRow> rows) {
    std::vector<std::string> out;
    for (const auto& row : rows) {
        std::string text;
        if (row.audit) {
            EXPECT_EQ(row.audit->entry.id, row.number);
            text = "[" + row.audit->entry.action + (row.event ? "+" + row.event->id : "") + "]";
        } else {
            text = row.event->id;
        }
        if (row.event) {
            EXPECT_EQ(row.event->seq, row.number);
        }
        out.push_back(text + "@" + std::to_string(row.number));
    }
    return out;
}

TEST(LogStage, AssignsSeqsAfterTheGreatestStoredOne) {
    LogStage stage;
    EXPECT_FALSE(stage.knows_last_number());
    EXPECT_THROW(stage.add_event(event("a")), std::logic_error);
    EXPECT_THROW(stage.add_audit(audit("x")), std::logic_error);
    stage.start_from(41);
    EXPECT_EQ(stage.add_event(event("a")), 42);
    EXPECT_EQ(stage.add_event(event("b")), 43);
    EXPECT_THAT(ids(stage.unwritten()), ::testing::ElementsAre("a@42", "b@43"));
    stage.written();
    EXPECT_TRUE(stage.unwritten().empty());
    EXPECT_EQ(stage.add_event(event("c")), 44);
    EXPECT_THAT(ids(stage.unwritten()), ::testing::ElementsAre("c@44"));
}

// A group commit: each request in a savepoint of the same name, one of them rolled back.
TEST(LogStage, ARollbackToASavepointDropsOnlyTheRowsStagedSince) {
    LogStage stage;
    stage.start_from(0);
    stage.savepoint("request");
    stage.add_event(event("first"));
    stage.release("request");
    stage.savepoint("request");
    stage.add_event(event("failed"));
    stage.rollback_to("request");
    stage.release("request");
    stage.savepoint("request");
    EXPECT_EQ(stage.add_event(event("third")), 2) << "the rolled-back row's seq is taken again";
    stage.release("request");
    EXPECT_THAT(ids(stage.unwritten()), ::testing::ElementsAre("first@1", "third@2"));
}

// Written (a read of the outbox flushed them) after the savepoint: the database's ROLLBACK TO
// took them back, so they are written again, not lost.
TEST(LogStage, RowsWrittenAfterASavepointAreWrittenAgainAfterARollbackToIt) {
    LogStage stage;
    stage.start_from(10);
    stage.add_event(event("before"));
    stage.savepoint("s");
    stage.add_event(event("inside"));
    stage.written();
    EXPECT_TRUE(stage.unwritten().empty());
    stage.rollback_to("s");
    EXPECT_THAT(ids(stage.unwritten()), ::testing::ElementsAre("before@11"));
    EXPECT_EQ(stage.add_event(event("after")), 12);
}

TEST(LogStage, RowsWrittenBeforeASavepointStayWrittenAfterARollbackToIt) {
    LogStage stage;
    stage.start_from(10);
    stage.add_event(event("before"));
    stage.written();
    stage.savepoint("s");
    stage.add_event(event("inside"));
    stage.rollback_to("s");
    EXPECT_TRUE(stage.unwritten().empty());
    EXPECT_EQ(stage.add_event(event("after")), 12);
}

TEST(LogStage, ARollbackToASavepointBeforeTheFirstRowForgetsTheStoredSeq) {
    LogStage stage;
    stage.savepoint("s");
    stage.start_from(5);
    stage.add_event(event("inside"));
    stage.rollback_to("s");
    EXPECT_TRUE(stage.unwritten().empty());
    EXPECT_FALSE(stage.knows_last_number()) << "read again: rows written meanwhile may be gone";
}

TEST(LogStage, ReleaseForgetsTheNewestSavepointOfTheNameAndThoseAfterIt) {
    LogStage stage;
    stage.start_from(0);
    stage.savepoint("outer");
    stage.add_event(event("a"));
    stage.savepoint("inner");
    stage.add_event(event("b"));
    stage.release("outer");      // inner goes with it
    stage.rollback_to("inner");  // no such savepoint any more: nothing happens
    EXPECT_THAT(ids(stage.unwritten()), ::testing::ElementsAre("a@1", "b@2"));
}

TEST(LogStage, ClearForgetsEverything) {
    LogStage stage;
    stage.start_from(3);
    stage.savepoint("s");
    stage.add_event(event("a"));
    stage.clear();
    EXPECT_FALSE(stage.knows_last_number());
    EXPECT_TRUE(stage.unwritten().empty());
    stage.rollback_to("s");
    EXPECT_TRUE(stage.unwritten().empty());
}

// Audit rows and events share one numbering: an audit row's id is the seq of the event it keeps.
TEST(LogStage, AnEventRightAfterItsAuditRowIsKeptInIt) {
    LogStage stage;
    stage.start_from(7);
    EXPECT_EQ(stage.add_audit(audit("region.create")), 8);
    EXPECT_EQ(stage.add_event(event_of("created", 8)), 8);
    EXPECT_EQ(stage.add_audit(audit("user.create")), 9);  // publishes nothing
    EXPECT_EQ(stage.add_event(event("operation")), 10);   // no audit row
    EXPECT_THAT(ids(stage.unwritten()), ::testing::ElementsAre("[region.create+created]@8",
                                                               "[user.create]@9", "operation@10"));
}

TEST(LogStage, AnEventGetsARowOfItsOwnUnlessTheNewestRowIsItsUnwrittenAuditRowWithoutAnEvent) {
    LogStage stage;
    stage.start_from(0);
    stage.add_audit(audit("a"));
    stage.add_event(event("other"));
    EXPECT_EQ(stage.add_event(event_of("late", 1)), 3) << "not the newest row any more";
    stage.add_audit(audit("b"));
    stage.add_event(event_of("first", 4));
    EXPECT_EQ(stage.add_event(event_of("second", 4)), 5) << "the row keeps one event";
    stage.add_audit(audit("c"));
    EXPECT_EQ(stage.add_event(event_of("elsewhere", 4)), 7) << "another row's event";
    stage.add_audit(audit("d"));
    stage.written();
    EXPECT_EQ(stage.add_event(event_of("after the flush", 8)), 9) << "the row is written";
    EXPECT_THAT(ids(stage.unwritten()), ::testing::ElementsAre("after the flush@9"));
}

// The row stores the event's subject and time as '' where they are its entity_id and at: an
// event whose own subject or time is '' while the row's is not cannot be told apart there.
TEST(LogStage, AnEventWithAnEmptySubjectOrTimeBesideARowWithOneGetsARowOfItsOwn) {
    LogStage stage;
    stage.start_from(0);
    auto row = audit("a");
    row.entry.entity_id = "r-1";
    row.entry.at = "t";
    stage.add_audit(row);
    auto nameless = event_of("no subject", 1);
    nameless.time = "t";
    EXPECT_EQ(stage.add_event(nameless), 2);
    stage.add_audit(row);
    auto timeless = event_of("no time", 3);
    timeless.subject = "r-1";
    EXPECT_EQ(stage.add_event(timeless), 4);
    stage.add_audit(row);
    auto whole = event_of("whole", 5);
    whole.subject = "elsewhere";
    whole.time = "later";
    EXPECT_EQ(stage.add_event(whole), 5);
    EXPECT_THAT(ids(stage.unwritten()), ::testing::ElementsAre("[a]@1", "no subject@2", "[a]@3",
                                                               "no time@4", "[a+whole]@5"));
}

// A request rolled back to its savepoint after its event joined an audit row appended before the
// savepoint: the row stays, without the event.
TEST(LogStage, ARollbackToASavepointTakesAnEventBackOutOfTheAuditRowBeforeIt) {
    LogStage stage;
    stage.start_from(0);
    stage.add_audit(audit("a"));
    stage.savepoint("s");
    stage.add_event(event_of("e", 1));
    stage.rollback_to("s");
    EXPECT_THAT(ids(stage.unwritten()), ::testing::ElementsAre("[a]@1"));
    stage.release("s");
    stage.savepoint("s");
    EXPECT_EQ(stage.add_event(event_of("again", 1)), 1);
    stage.written();
    stage.rollback_to("s");
    EXPECT_THAT(ids(stage.unwritten()), ::testing::ElementsAre("[a]@1"))
        << "written with its event after the savepoint: written again without";
}

}  // namespace
}  // namespace vergegrid::plugins::sql
