// OperationService on real storage: pulls deliver, the poll quota, what a woken poll answers, a
// rotated key handed to a pull, result recording, the operators' list.
#include "control/operations/operation_service.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/null_sink.h>

#include "control/domain/domain_error.hpp"
#include "tests/control/simulators/simulator_fixture.hpp"

namespace {

using namespace vergegrid::control;
namespace api = vergegrid::plugin_api;

class Operations : public vergegrid::test::SimulatorFixture {
  protected:
    // Queues an operation for `simulator` and notifies it, as a region change does.
    std::int64_t queue(const std::string& simulator,
                       const std::string& region = "5b0c1ad2-0000-4000-8000-000000000001") {
        std::int64_t id = 0;
        sqlite_.write([&](auto& tx) {
            api::Operation operation;
            operation.simulator_id = simulator;
            operation.region_uuid = region;
            operation.kind = "create";
            operation.op_class = "eager";
            operation.state = "pending";
            operation.created_at = operation.updated_at = now_iso8601();
            id = operation_store(tx).insert_operation(operation);
        });
        signals_.notify(simulator, "");
        return id;
    }

    SimulatorCaller bridge(const std::string& simulator, bool previous_key = false) {
        return {simulator, previous_key, "Bearer vgs_test", "simulator:" + simulator, "req"};
    }

    std::string refusal(const std::function<void()>& work) {
        try {
            work();
        } catch (const DomainError& e) {
            return e.code() + "/" + e.field();
        }
        return "none";
    }

    OperationSignals signals_{
        std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::null_sink_mt>())};
    OperationService operations_{sqlite_.store(), signals_, pending_keys_, 2};
};

TEST_F(Operations, APullDeliversItsSimulatorsOperationsUntilAResultArrives) {
    const auto id = queue("sim-1");
    queue("sim-2");
    auto first = operations_.pull(bridge("sim-1"), 0);
    const auto& answer = std::get<PullAnswer>(first);
    ASSERT_EQ(answer.operations.size(), 1u);
    EXPECT_EQ(answer.operations[0].id, id);
    EXPECT_EQ(answer.operations[0].state, "delivered");
    EXPECT_EQ(answer.operations[0].attempts, 1);
    const auto again = std::get<PullAnswer>(operations_.pull(bridge("sim-1"), 0));
    ASSERT_EQ(again.operations.size(), 1u) << "no result yet: delivered again";
    EXPECT_EQ(again.operations[0].attempts, 2);
    operations_.record_result(bridge("sim-1"), {id, "succeeded", {}});
    EXPECT_TRUE(std::get<PullAnswer>(operations_.pull(bridge("sim-1"), 0)).operations.empty());
}

TEST_F(Operations, AnEmptyPullThatMayWaitParksAndTheQuotaRefusesOneTooMany) {
    auto first = operations_.pull(bridge("sim-1"), 30);
    auto second = operations_.pull(bridge("sim-1"), 30);
    ASSERT_TRUE(std::holds_alternative<ParkedPoll>(first));
    ASSERT_TRUE(std::holds_alternative<ParkedPoll>(second));
    try {
        operations_.pull(bridge("sim-1"), 30);
        FAIL() << "a third waiting poll was allowed";
    } catch (const DomainError& e) {
        EXPECT_EQ(e.fault(), Fault::too_many);
        EXPECT_EQ(e.code(), "too_many_polls");
        EXPECT_EQ(e.field(), "wait");
    }
    EXPECT_TRUE(std::holds_alternative<ParkedPoll>(operations_.pull(bridge("sim-2"), 30)))
        << "the quota is per simulator";
    EXPECT_TRUE(std::holds_alternative<PullAnswer>(operations_.pull(bridge("sim-1"), 0)))
        << "a pull that does not wait takes no place";
    first = PullAnswer{};  // its answer went out: the place is free again
    EXPECT_TRUE(std::holds_alternative<ParkedPoll>(operations_.pull(bridge("sim-1"), 30)));
}

TEST_F(Operations, AWaitingPollAnswersWhenNotifiedOfItsOperationsOrAtItsDeadline) {
    auto outcome = operations_.pull(bridge("sim-1"), 30);
    auto& poll = std::get<ParkedPoll>(outcome);
    EXPECT_FALSE(operations_.resume(poll, false)) << "a stale wake-up: waits on";

    signals_.notify("sim-1", "");  // notified, but nothing for it (another request took it)
    EXPECT_FALSE(operations_.resume(poll, false));

    const auto id = queue("sim-1");
    const auto answer = operations_.resume(poll, false);
    ASSERT_TRUE(answer);
    ASSERT_EQ(answer->operations.size(), 1u);
    EXPECT_EQ(answer->operations[0].id, id);

    const auto at_deadline = operations_.resume(poll, true);
    ASSERT_TRUE(at_deadline) << "the wait ended: an empty answer";
    EXPECT_TRUE(at_deadline->operations.empty());
}

TEST_F(Operations, APullWithARotatedKeyIsHandedTheNewOne) {
    pending_keys_.hold("sim-1", "vgs_new", std::chrono::seconds(60));
    const auto answer = std::get<PullAnswer>(operations_.pull(bridge("sim-1", true), 30));
    EXPECT_EQ(answer.new_api_key, "vgs_new") << "answered at once, without waiting";

    // A poll parked with the previous key before the rotation is woken and answered with it.
    auto outcome = operations_.pull(bridge("sim-2", true), 30);
    auto& poll = std::get<ParkedPoll>(outcome);
    pending_keys_.hold("sim-2", "vgs_newer", std::chrono::seconds(60));
    signals_.notify("sim-2", "");
    const auto woken = operations_.resume(poll, false);
    ASSERT_TRUE(woken);
    EXPECT_EQ(woken->new_api_key, "vgs_newer");
}

TEST_F(Operations, AResultIsRecordedOnlyForTheSimulatorsOwnDeliveredOperation) {
    const auto id = queue("sim-1");
    EXPECT_EQ(refusal([&] {
                  operations_.record_result(bridge("sim-1"), {id, "succeeded", {}});
              }),
              "not_delivered/id");
    operations_.pull(bridge("sim-1"), 0);
    EXPECT_EQ(refusal([&] {
                  operations_.record_result(bridge("sim-2"), {id, "succeeded", {}});
              }),
              "not_found/")
        << "another simulator's operation is as invisible as a missing one";
    EXPECT_EQ(refusal([&] {
                  operations_.record_result(bridge("sim-1"), {id + 100, "failed", {}});
              }),
              "not_found/");
    EXPECT_EQ(refusal([&] {
                  operations_.record_result(bridge("sim-1"), {id, "done", {}});
              }),
              "invalid_field/state");

    const auto recorded =
        operations_.record_result(bridge("sim-1"), {id, "failed", nlohmann::json{{"log", "x"}}});
    EXPECT_EQ(recorded.state, "failed");
    EXPECT_EQ(recorded.result, R"({"log":"x"})");
    EXPECT_EQ(operations_.record_result(bridge("sim-1"), {id, "succeeded", {}}).state, "succeeded")
        << "the last report wins";
    EXPECT_TRUE(sqlite_.audit("").empty()) << "results are not audited";
}

TEST_F(Operations, OperatorsListNewestFirstFiltered) {
    const auto a = queue("sim-1");
    const auto b = queue("sim-2");
    const auto c = queue("sim-1");
    OperationQuery query;
    query.limit = 10;
    auto all = operations_.list(query);
    ASSERT_EQ(all.size(), 3u);
    EXPECT_EQ(all[0].id, c);
    query.filter.simulator_id = "sim-1";
    auto mine = operations_.list(query);
    ASSERT_EQ(mine.size(), 2u);
    query.before_id = c;
    auto older = operations_.list(query);
    ASSERT_EQ(older.size(), 1u);
    EXPECT_EQ(older[0].id, a);
    EXPECT_NE(a, b);
}

}  // namespace
