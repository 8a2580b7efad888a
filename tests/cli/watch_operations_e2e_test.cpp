// vergegridctl watch operations against a real control plane, the test acting as two simulators
// through /api/v1/sim/*: an operation appears when its region is created, moves to delivered when
// the simulator pulls it and to succeeded when it reports; --simulator hides the other's; SIGINT
// and SIGTERM end the watch cleanly.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <csignal>
#include <sstream>

#include "tests/cli/control_plane_fixture.hpp"

namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using vergegrid::cli::test::CtlAgainstControlPlane;
using vergegrid::test::ApiClient;
using namespace std::chrono_literals;

class WatchOperations : public CtlAgainstControlPlane {
  protected:
    void SetUp() override {
        CtlAgainstControlPlane::SetUp();
        estate_id_ = created("/api/v1/estates", {{"name", "Main"}, {"owner", "Grid Ops"}}).at("id");
    }

    // A region placed on `simulator_id`; its id.
    std::string create_region(const std::string& name, int x, const std::string& simulator_id) {
        return created("/api/v1/regions", {{"name", name},
                                           {"estate_id", estate_id_},
                                           {"loc_x", x},
                                           {"loc_y", 1000},
                                           {"port", 9000 + x / 1000},
                                           {"host", "sim.example.org"},
                                           {"placement", {{"simulator_id", simulator_id}}}})
            .at("id");
    }

    // The simulator's side, as a bridge does it: pull what is due, report success.
    static json pull(const ApiClient& simulator) {
        const auto pulled = simulator.get("/api/v1/sim/operations?wait=0");
        EXPECT_EQ(pulled.status, 200) << pulled.raw;
        EXPECT_EQ(pulled.body.at("items").size(), 1U) << pulled.raw;
        return pulled.body.at("items").at(0);
    }
    static void succeed(const ApiClient& simulator, const json& operation) {
        const auto done = simulator.post(
            "/api/v1/sim/operations/" + std::to_string(operation.at("id").get<long>()) + "/result",
            {{"state", "succeeded"},
             {"result", {{"path", "test"}, {"detail", ""}, {"fields", {}}}}});
        EXPECT_EQ(done.status, 200) << done.raw;
    }

    // The JSON lines of a watch's output (stderr's notes are not JSON).
    static std::vector<json> documents(const std::string& output) {
        std::vector<json> out;
        std::istringstream lines(output);
        for (std::string line; std::getline(lines, line);) {
            if (!line.empty() && line.front() == '{') {
                out.push_back(json::parse(line));
            }
        }
        return out;
    }

    std::string estate_id_;
};

TEST_F(WatchOperations, FollowsAnOperationFromPendingToSucceededAndHidesOtherSimulators) {
    const auto [sim1, key1] =
        vergegrid::test::register_simulator(*api_, control_->port(), "sim1.example.org");
    const auto [sim2, key2] =
        vergegrid::test::register_simulator(*api_, control_->port(), "sim2.example.org");
    const ApiClient simulator1(control_->port(), key1);
    const ApiClient simulator2(control_->port(), key2);

    // One watch of sim1 (by hostname) as NDJSON, one of everything as lines (not a terminal).
    const auto json_watch =
        start_ctl({"watch", "operations", "--simulator", "sim1.example.org", "-o", "json"});
    const auto line_watch = start_ctl({"watch", "operations"});
    ASSERT_TRUE(line_watch->wait_for_output(std::regex("ID +KIND +CLASS +STATE"), 30s))
        << line_watch->output();

    const std::string alpha = create_region("Alpha", 1000, sim1);
    create_region("Beta", 2000, sim2);
    ASSERT_TRUE(json_watch->wait_for_output(std::regex(R"("state":"pending")"), 30s))
        << json_watch->output();
    ASSERT_TRUE(line_watch->wait_for_output(
        std::regex(R"(simulator )" + sim2 + R"(\): new, pending)"), 30s))
        << line_watch->output();

    const json operation = pull(simulator1);
    const std::string id = std::to_string(operation.at("id").get<long>());
    ASSERT_TRUE(json_watch->wait_for_output(std::regex(R"("previous_state":"pending")"), 30s))
        << json_watch->output();
    ASSERT_TRUE(line_watch->wait_for_output(
        std::regex("operation " + id + R"( \(create, region )" + alpha + " 1.0.0, simulator " +
                   sim1 + R"(\): pending -> delivered)"),
        30s))
        << line_watch->output();
    succeed(simulator1, operation);
    ASSERT_TRUE(json_watch->wait_for_output(std::regex(R"("state":"succeeded")"), 30s))
        << json_watch->output();
    ASSERT_TRUE(line_watch->wait_for_output(std::regex(id + R"(.*: delivered -> succeeded)"), 30s))
        << line_watch->output();
    succeed(simulator2, pull(simulator2));

    json_watch->send_signal(SIGTERM);
    EXPECT_EQ(json_watch->wait_for_exit(30s), 0);
    line_watch->send_signal(SIGINT);
    EXPECT_EQ(line_watch->wait_for_exit(30s), 0);
    json_watch->wait_for_output(std::regex("a^"), 5s);  // until its output is closed
    EXPECT_THAT(json_watch->output(), HasSubstr("stopped watching operations (SIGTERM)"));
    EXPECT_THAT(line_watch->output(), HasSubstr("stopped watching operations (SIGINT)"));

    // The JSON watch saw sim1's operation only, in each of its states, in order.
    std::vector<std::string> states;
    for (const auto& document : documents(json_watch->output())) {
        const json& op = document.at("operation");
        EXPECT_EQ(op.at("simulator_id"), sim1) << document;
        EXPECT_EQ(std::to_string(op.at("id").get<long>()), id) << document;
        states.push_back(op.at("state"));
        if (document.at("change") == "updated") {
            EXPECT_EQ(document.at("previous_state"),
                      states.size() > 1 ? json(states[states.size() - 2]) : json());
        }
    }
    EXPECT_EQ(states, (std::vector<std::string>{"pending", "delivered", "succeeded"}));
}

TEST_F(WatchOperations, AnUnknownSimulatorIsRefusedAndABadStateNamesTheOption) {
    const auto unknown = ctl({"watch", "operations", "--simulator", "nowhere.example.org"});
    EXPECT_EQ(unknown.code, 4) << unknown.output;
    EXPECT_THAT(unknown.output, HasSubstr("no simulator named 'nowhere.example.org'"));
    const auto bad = ctl({"watch", "operations", "--state", "queued"});
    EXPECT_EQ(bad.code, 2) << bad.output;
    EXPECT_THAT(bad.output, HasSubstr("--state"));
}

}  // namespace
