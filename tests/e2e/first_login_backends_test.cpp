// `vergegrid-control admin set-password|login-link` on the server backends, beside a running
// control plane on the same database: the command opens the configured storage as the server
// does. Throwaway servers come from the ctest fixtures (SQLite: first_login_test).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <regex>

#include "tests/e2e/api_client.hpp"
#include "tests/plugins/storage/contract/backend_harness.hpp"
#include "tests/support/temp_dir.hpp"

namespace first_login_backends_test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using vergegrid::test::ApiClient;
using vergegrid::test::ChildProcess;
using vergegrid::test::ControlPlaneProcess;
using vergegrid::test::TempDir;
using namespace std::chrono_literals;

class FirstLoginOnServers : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        harness_ = vergegrid::test::storage::make_harness(GetParam());
        env_["VERGEGRID_STORAGE_BACKEND"] = GetParam();
        for (const auto& [key, value] : harness_->config()) {
            std::string name = "VERGEGRID_STORAGE_" + GetParam() + "_" + key;
            std::transform(name.begin(), name.end(), name.begin(),
                           [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
            env_[name] = value;
        }
        control_ = std::make_unique<ControlPlaneProcess>(
            std::vector<std::string>{"--listen", "127.0.0.1:0", "--data-dir",
                                     (dir_.path() / "data").string()},
            env_);
        ASSERT_TRUE(control_->started()) << control_->process().output();
    }

    // `vergegrid-control admin ARGS` with the server's storage settings, `input` on stdin.
    std::pair<int, std::string> admin(const std::vector<std::string>& args,
                                      const std::string& input = "") const {
        std::vector<std::string> argv{"-c", "printf '%s' \"$VG_INPUT\" | exec \"$0\" \"$@\"",
                                      VERGEGRID_CONTROL_BINARY, "admin"};
        argv.insert(argv.end(), args.begin(), args.end());
        argv.insert(argv.end(), {"--data-dir", (dir_.path() / "admin-data").string()});
        auto env = env_;
        env["VG_INPUT"] = input;
        ChildProcess process("/bin/sh", argv, env);
        const auto status = process.wait_for_exit(60s);
        return {status.value_or(-1), process.output()};
    }

    std::unique_ptr<vergegrid::test::storage::BackendHarness> harness_;
    std::map<std::string, std::string> env_;
    TempDir dir_;
    std::unique_ptr<ControlPlaneProcess> control_;
};

TEST_P(FirstLoginOnServers, SetPasswordAndALoginLinkWhileTheServerRuns) {
    const auto [set, set_output] =
        admin({"set-password", "--password-stdin"}, "correct horse battery\n");
    ASSERT_EQ(set, 0) << set_output;
    EXPECT_THAT(set_output, Not(HasSubstr("created user"))) << "the server created the admin";
    const ApiClient anonymous(control_->port(), "");
    const auto login = anonymous.post(
        "/api/v1/auth/login", {{"username", "admin"}, {"password", "correct horse battery"}});
    EXPECT_EQ(login.status, 200) << login.raw;

    const auto [printed, link_output] = admin({"login-link"});
    ASSERT_EQ(printed, 0) << link_output;
    std::smatch match;
    ASSERT_TRUE(std::regex_search(link_output, match, std::regex("#once=(vgl_[A-Za-z0-9_-]+)")))
        << link_output;
    const std::string secret = match[1];
    EXPECT_EQ(anonymous.post("/api/v1/auth/login-link", {{"secret", secret}}).status, 200);
    EXPECT_EQ(anonymous.post("/api/v1/auth/login-link", {{"secret", secret}}).status, 401);
}

INSTANTIATE_TEST_SUITE_P(Servers, FirstLoginOnServers, ::testing::Values("postgresql", "mysql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace first_login_backends_test
