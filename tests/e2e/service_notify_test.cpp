// Readiness for systemd (Type=notify, deploy/systemd/): both programs, started with NOTIFY_SOCKET
// naming a socket the test owns, send READY=1 once they serve and STOPPING=1 when a SIGTERM
// begins their shutdown.
#include <gtest/gtest.h>
#include <signal.h>

#include <nlohmann/json.hpp>

#include "tests/e2e/bridge/bridge_stack.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/listen_port.hpp"
#include "tests/support/notify_socket.hpp"
#include "tests/support/temp_dir.hpp"

namespace service_notify_test {
namespace {

using nlohmann::json;
using vergegrid::test::BridgeStack;
using vergegrid::test::ChildProcess;
using vergegrid::test::http_get;
using vergegrid::test::NotifySocket;
using vergegrid::test::TempDir;
using namespace std::chrono_literals;

TEST(ServiceNotify, ControlPlaneIsReadyExactlyWhenReadyzSaysSoAndStopsOnSigterm) {
    TempDir dir;
    NotifySocket manager(dir.path());
    const auto port = vergegrid::test::unclaimed_listen_port();
    ChildProcess control(VERGEGRID_CONTROL_BINARY,
                         {"--listen", "127.0.0.1:" + std::to_string(port), "--data-dir",
                          (dir.path() / "data").string()},
                         {{"NOTIFY_SOCKET", manager.path().string()},
                          {"VERGEGRID_ADMIN_TOKEN", vergegrid::test::kTestAdminToken}});

    std::string before;
    const auto ready = manager.wait_for("READY=1", 60s, &before);
    ASSERT_TRUE(ready) << "messages: " << before << "\noutput:\n" << control.output();
    EXPECT_EQ(before, "");  // nothing before readiness
    EXPECT_NE(ready->find("STATUS=serving on port " + std::to_string(port)), std::string::npos)
        << *ready;
    // At once, without waiting for any log line: the control plane already serves and is ready.
    const auto readyz = http_get(port, "/readyz");
    EXPECT_EQ(readyz.status, 200) << readyz.body;
    EXPECT_EQ(json::parse(readyz.body).at("status"), "ready");

    control.send_signal(SIGTERM);
    const auto stopping = manager.wait_for("STOPPING=1", 30s);
    ASSERT_TRUE(stopping) << control.output();
    EXPECT_EQ(control.wait_for_exit(30s), 0) << control.output();
}

TEST(ServiceNotify, BridgeIsReadyOnceRegisteredWithItsSimulatorUpAndStopsOnSigterm) {
    BridgeStack stack;
    TempDir dir;
    NotifySocket manager(dir.path());
    stack.start_bridge("", /*wait_running=*/false, {{"NOTIFY_SOCKET", manager.path().string()}});

    std::string before;
    const auto ready = manager.wait_for("READY=1", 60s, &before);
    ASSERT_TRUE(ready) << "messages: " << before << "\noutput:\n" << stack.bridge().output();
    EXPECT_EQ(before, "");
    // At that moment: registered (identity saved, the control plane knows the simulator), and
    // the simulator it supervises answers.
    const auto id = stack.simulator_id();
    EXPECT_EQ(stack.admin().get("/api/v1/simulators/" + id).status, 200);
    EXPECT_FALSE(stack.emulator_state().is_null());

    stack.bridge().send_signal(SIGTERM);
    ASSERT_TRUE(manager.wait_for("STOPPING=1", 30s)) << stack.bridge().output();
    EXPECT_EQ(stack.bridge().wait_for_exit(30s), 0) << stack.bridge().output();
}

}  // namespace
}  // namespace service_notify_test
