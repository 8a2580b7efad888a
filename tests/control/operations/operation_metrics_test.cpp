// vergegrid_operation_results_total: every committed result counted by kind and state, a refused
// report not at all.
#include "control/operations/operation_metrics.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/null_sink.h>

#include "control/domain/domain_error.hpp"
#include "tests/control/simulators/simulator_fixture.hpp"

namespace {

using namespace vergegrid::control;
namespace api = vergegrid::plugin_api;

class OperationMetrics : public vergegrid::test::SimulatorFixture {
  protected:
    OperationMetrics() { operations_.on_result(count_operation_results(registry_)); }

    std::int64_t queue(const std::string& kind) {
        std::int64_t id = 0;
        sqlite_.write([&](auto& tx) {
            api::Operation operation;
            operation.simulator_id = "sim-1";
            operation.region_uuid = "5b0c1ad2-0000-4000-8000-000000000001";
            operation.kind = kind;
            operation.op_class = "eager";
            operation.state = "pending";
            operation.created_at = operation.updated_at = now_iso8601();
            id = operation_store(tx).insert_operation(operation);
        });
        return id;
    }

    SimulatorCaller bridge() {
        return {"sim-1", false, "Bearer vgs_test", "simulator:sim-1", "req"};
    }

    bool metrics_contain(const std::string& line) const {
        return registry_.render().find(line + "\n") != std::string::npos;
    }

    vergegrid::kernel::metrics::Registry registry_;
    OperationSignals signals_{
        std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::null_sink_mt>())};
    OperationService operations_{sqlite_.store(), signals_, pending_keys_, 2};
};

TEST_F(OperationMetrics, CommittedResultsAreCountedByKindAndState) {
    const auto created = queue("create");
    const auto deleted = queue("delete");
    operations_.pull(bridge(), 0);
    operations_.record_result(bridge(), {created, "succeeded", {}});
    operations_.record_result(bridge(), {deleted, "failed", nlohmann::json{{"error", "x"}}});
    EXPECT_TRUE(
        metrics_contain(R"(vergegrid_operation_results_total{kind="create",state="succeeded"} 1)"))
        << registry_.render();
    EXPECT_TRUE(
        metrics_contain(R"(vergegrid_operation_results_total{kind="delete",state="failed"} 1)"));
}

TEST_F(OperationMetrics, ARefusedReportCountsNothing) {
    const auto id = queue("create");  // not delivered yet: the report is refused
    EXPECT_THROW(operations_.record_result(bridge(), {id, "failed", {}}), DomainError);
    EXPECT_EQ(registry_.render().find("vergegrid_operation_results_total{"), std::string::npos)
        << registry_.render();
}

}  // namespace
