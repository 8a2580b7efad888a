// A real vergegrid-control on 127.0.0.1 for the real vergegridctl binary: the tests of output
// formats and of watch operations start one each (the admin token of tests/support).
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "tests/cli/temp_dir.hpp"
#include "tests/e2e/api_client.hpp"
#include "tests/support/child_process.hpp"

namespace vergegrid::cli::test {

struct CtlOutcome {
    std::optional<int> code;
    std::string output;  // stdout and stderr together
};

class CtlAgainstControlPlane : public ::testing::Test {
  protected:
    void SetUp() override {
        control_ = std::make_unique<vergegrid::test::ControlPlaneProcess>(std::vector<std::string>{
            "--listen", "127.0.0.1:0", "--data-dir", (dir_.path() / "data").string()});
        ASSERT_TRUE(control_->started()) << control_->process().output();
        api_ = std::make_unique<vergegrid::test::ApiClient>(control_->port());
    }

    // vergegridctl --server <the control plane> args..., with an empty HOME and the admin token.
    std::unique_ptr<vergegrid::test::ChildProcess> start_ctl(std::vector<std::string> args) const {
        args.insert(args.begin(),
                    {"--server", "http://127.0.0.1:" + std::to_string(control_->port())});
        return std::make_unique<vergegrid::test::ChildProcess>(
            VERGEGRIDCTL_BINARY, args,
            std::map<std::string, std::string>{
                {"HOME", (dir_.path() / "home").string()},
                {"XDG_CONFIG_HOME", ""},
                {"VERGEGRID_SERVER", ""},
                {"VERGEGRID_TOKEN", vergegrid::test::kTestAdminToken}});
    }

    CtlOutcome ctl(const std::vector<std::string>& args) const {
        using namespace std::chrono_literals;
        const auto process = start_ctl(args);
        CtlOutcome outcome;
        outcome.code = process->wait_for_exit(60s);
        process->wait_for_output(std::regex("a^"), 10s);  // never matches: waits for the end
        outcome.output = process->output();
        return outcome;
    }

    // POST that must answer 201; its body.
    nlohmann::json created(const std::string& path, const nlohmann::json& body) const {
        const auto result = api_->post(path, body);
        EXPECT_EQ(result.status, 201) << path << ": " << result.raw;
        return result.body;
    }

    TempDir dir_;
    std::unique_ptr<vergegrid::test::ControlPlaneProcess> control_;
    std::unique_ptr<vergegrid::test::ApiClient> api_;
};

}  // namespace vergegrid::cli::test
