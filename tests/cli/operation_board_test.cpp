// watch operations' bookkeeping: which operations are shown and what changed between listings.
#include <gtest/gtest.h>

#include "cli/operation_board.hpp"

namespace operation_board_test {
namespace {

using vergegrid::cli::change_document;
using vergegrid::cli::change_line;
using vergegrid::cli::Json;
using vergegrid::cli::OperationBoard;

Json op(int id, const std::string& state) {
    return Json{{"id", id},         {"simulator_id", "sim-1"}, {"region_id", "reg-1"},
                {"kind", "create"}, {"class", "eager"},        {"region_version", "1.0.0"},
                {"state", state}};
}

TEST(OperationBoard, TheFirstListingIsListedOldestFirstThenOnlyChangesAreReported) {
    OperationBoard board({});
    const auto first = board.update(Json::array({op(2, "pending"), op(1, "succeeded")}));
    ASSERT_EQ(first.size(), 2u);
    EXPECT_EQ(first[0].change, "listed");
    EXPECT_EQ(first[0].operation.at("id"), 1);
    EXPECT_EQ(first[1].operation.at("id"), 2);
    EXPECT_TRUE(board.any_open());

    EXPECT_TRUE(board.update(Json::array({op(2, "pending"), op(1, "succeeded")})).empty());

    const auto next =
        board.update(Json::array({op(3, "pending"), op(2, "delivered"), op(1, "succeeded")}));
    ASSERT_EQ(next.size(), 2u);
    EXPECT_EQ(next[0].change, "updated");
    EXPECT_EQ(next[0].previous_state, "pending");
    EXPECT_EQ(change_line(next[0]),
              "operation 2 (create, region reg-1 1.0.0, simulator sim-1): pending -> delivered");
    EXPECT_EQ(next[1].change, "added");
    EXPECT_EQ(change_line(next[1]),
              "operation 3 (create, region reg-1 1.0.0, simulator sim-1): new, pending");
    EXPECT_EQ(change_document(next[0]),
              Json::parse(R"({"change":"updated","previous_state":"pending","operation":)" +
                          op(2, "delivered").dump() + "}"));
    EXPECT_EQ(change_document(next[1]).at("previous_state"), nullptr);
    EXPECT_EQ(board.rows().size(), 3u);

    board.update(Json::array({op(3, "succeeded"), op(2, "failed"), op(1, "succeeded")}));
    EXPECT_FALSE(board.any_open());
}

TEST(OperationBoard, AStateFilterShowsItsStatesAndReportsAnOperationLeavingThem) {
    OperationBoard board({"pending"});
    const auto first = board.update(Json::array({op(2, "pending"), op(1, "failed")}));
    ASSERT_EQ(first.size(), 1u);
    EXPECT_EQ(first[0].operation.at("id"), 2);
    ASSERT_EQ(board.rows().size(), 1u);

    const auto moved = board.update(Json::array({op(2, "delivered"), op(1, "failed")}));
    ASSERT_EQ(moved.size(), 1u) << "leaving the shown states is a change worth telling";
    EXPECT_EQ(moved[0].previous_state, "pending");
    EXPECT_TRUE(board.rows().empty());
    EXPECT_TRUE(board.update(Json::array({op(2, "succeeded"), op(1, "failed")})).empty())
        << "from one hidden state to another: nothing to tell";
    EXPECT_TRUE(board.update(Json::array({op(4, "succeeded")})).empty());
}

}  // namespace
}  // namespace operation_board_test
