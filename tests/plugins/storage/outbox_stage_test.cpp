// OutboxStage: the bookkeeping behind staged outbox rows (Dialect::stages_outbox_rows). The SQL
// side (rows reach the events table, seqs match) is the storage contract's event_outbox_test.
#include "outbox_stage.hpp"

#include <gmock/gmock.h>

#include <vector>

namespace vergegrid::plugins::sql {
namespace {

plugin_api::OutboxEvent event(const std::string& id) {
    plugin_api::OutboxEvent e;
    e.id = id;
    return e;
}

std::vector<std::string> ids(std::span<const plugin_api::OutboxEvent> rows) {
    std::vector<std::string> out;
    for (const auto& row : rows) {
        out.push_back(row.id + "@" + std::to_string(row.seq));
    }
    return out;
}

TEST(OutboxStage, AssignsSeqsAfterTheGreatestStoredOne) {
    OutboxStage stage;
    EXPECT_FALSE(stage.knows_last_seq());
    EXPECT_THROW(stage.add(event("a")), std::logic_error);
    stage.start_from(41);
    EXPECT_EQ(stage.add(event("a")), 42);
    EXPECT_EQ(stage.add(event("b")), 43);
    EXPECT_THAT(ids(stage.unwritten()), ::testing::ElementsAre("a@42", "b@43"));
    stage.written();
    EXPECT_TRUE(stage.unwritten().empty());
    EXPECT_EQ(stage.add(event("c")), 44);
    EXPECT_THAT(ids(stage.unwritten()), ::testing::ElementsAre("c@44"));
}

// A group commit: each request in a savepoint of the same name, one of them rolled back.
TEST(OutboxStage, ARollbackToASavepointDropsOnlyTheRowsStagedSince) {
    OutboxStage stage;
    stage.start_from(0);
    stage.savepoint("request");
    stage.add(event("first"));
    stage.release("request");
    stage.savepoint("request");
    stage.add(event("failed"));
    stage.rollback_to("request");
    stage.release("request");
    stage.savepoint("request");
    EXPECT_EQ(stage.add(event("third")), 2) << "the rolled-back row's seq is taken again";
    stage.release("request");
    EXPECT_THAT(ids(stage.unwritten()), ::testing::ElementsAre("first@1", "third@2"));
}

// Written (a read of the outbox flushed them) after the savepoint: the database's ROLLBACK TO
// took them back, so they are written again, not lost.
TEST(OutboxStage, RowsWrittenAfterASavepointAreWrittenAgainAfterARollbackToIt) {
    OutboxStage stage;
    stage.start_from(10);
    stage.add(event("before"));
    stage.savepoint("s");
    stage.add(event("inside"));
    stage.written();
    EXPECT_TRUE(stage.unwritten().empty());
    stage.rollback_to("s");
    EXPECT_THAT(ids(stage.unwritten()), ::testing::ElementsAre("before@11"));
    EXPECT_EQ(stage.add(event("after")), 12);
}

TEST(OutboxStage, RowsWrittenBeforeASavepointStayWrittenAfterARollbackToIt) {
    OutboxStage stage;
    stage.start_from(10);
    stage.add(event("before"));
    stage.written();
    stage.savepoint("s");
    stage.add(event("inside"));
    stage.rollback_to("s");
    EXPECT_TRUE(stage.unwritten().empty());
    EXPECT_EQ(stage.add(event("after")), 12);
}

TEST(OutboxStage, ARollbackToASavepointBeforeTheFirstRowForgetsTheStoredSeq) {
    OutboxStage stage;
    stage.savepoint("s");
    stage.start_from(5);
    stage.add(event("inside"));
    stage.rollback_to("s");
    EXPECT_TRUE(stage.unwritten().empty());
    EXPECT_FALSE(stage.knows_last_seq()) << "read again: rows written meanwhile may be gone";
}

TEST(OutboxStage, ReleaseForgetsTheNewestSavepointOfTheNameAndThoseAfterIt) {
    OutboxStage stage;
    stage.start_from(0);
    stage.savepoint("outer");
    stage.add(event("a"));
    stage.savepoint("inner");
    stage.add(event("b"));
    stage.release("outer");      // inner goes with it
    stage.rollback_to("inner");  // no such savepoint any more: nothing happens
    EXPECT_THAT(ids(stage.unwritten()), ::testing::ElementsAre("a@1", "b@2"));
}

TEST(OutboxStage, ClearForgetsEverything) {
    OutboxStage stage;
    stage.start_from(3);
    stage.savepoint("s");
    stage.add(event("a"));
    stage.clear();
    EXPECT_FALSE(stage.knows_last_seq());
    EXPECT_TRUE(stage.unwritten().empty());
    stage.rollback_to("s");
    EXPECT_TRUE(stage.unwritten().empty());
}

}  // namespace
}  // namespace vergegrid::plugins::sql
