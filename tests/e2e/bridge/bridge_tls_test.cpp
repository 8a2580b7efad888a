// The bridge against a control plane serving HTTPS only: it registers and reports heartbeats
// when its CA file signed the server's certificate, and refuses to talk (no registration, the key
// never sent) when it did not.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <regex>

#include "sim_channel_client/channel_client.hpp"
#include "tests/e2e/bridge/bridge_stack.hpp"
#include "tests/support/listen_port.hpp"
#include "tests/support/throwaway_pki.hpp"

namespace bridge_tls_test {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using vergegrid::test::ChildProcess;
using vergegrid::test::ControlPlaneProcess;
using vergegrid::test::eventually;
using vergegrid::test::kTestAdminToken;
using vergegrid::test::TempDir;
using vergegrid::test::ThrowawayPki;
using vergegrid::test::unclaimed_listen_port;
using namespace std::chrono_literals;

class BridgeTls : public ::testing::Test {
  protected:
    void SetUp() override {
        control_ = std::make_unique<ControlPlaneProcess>(
            std::vector<std::string>{"--listen", "127.0.0.1:0", "--data-dir",
                                     (dir_.path() / "data").string()},
            std::map<std::string, std::string>{
                {"VERGEGRID_TLS_CERT_FILE", pki_.server_cert().string()},
                {"VERGEGRID_TLS_KEY_FILE", pki_.server_key().string()}});
        ASSERT_TRUE(control_->started()) << control_->process().output();
        vergegrid::sim_channel::ChannelClientSettings settings;
        settings.endpoint = vergegrid::sim_channel::ChannelEndpoint::parse(url());
        settings.ca_file = pki_.ca_cert();
        admin_ = std::make_unique<vergegrid::sim_channel::ChannelClient>(settings);
    }

    std::string url() const { return "https://127.0.0.1:" + std::to_string(control_->port()); }

    json admin(const std::string& method, const std::string& path,
               std::optional<json> body = std::nullopt) const {
        return admin_->request(method, path, std::move(body), kTestAdminToken).json();
    }

    // A bridge without a supervised simulator: registration and heartbeats need none.
    std::unique_ptr<ChildProcess> bridge(const std::filesystem::path& ca_file) {
        const std::string token =
            admin("POST", "/api/v1/simulators/registration-tokens", json::object()).at("token");
        const auto ini = dir_.path() / "bridge.ini";
        std::ofstream(ini) << "state_dir = " << (dir_.path() / "state").string() << "\n"
                           << "[control]\nurl = " << url() << "\nca_file = " << ca_file.string()
                           << "\nregistration_token = " << token << "\n"
                           << "[push]\nlisten = 127.0.0.1:" << unclaimed_listen_port() << "\n"
                           << "[channel]\npull_wait_s = 1\nheartbeat_interval_ms = 200\n"
                           << "retry_interval_ms = 200\n"
                           << "[simulator]\nremoteadmin_url = http://127.0.0.1:"
                           << unclaimed_listen_port()
                           << "\nremoteadmin_password = pw\nregions_dir = "
                           << (dir_.path() / "Regions").string() << "\ncall_timeout_ms = 200\n";
        return std::make_unique<ChildProcess>(
            VERGEGRID_BRIDGE_BINARY,
            std::vector<std::string>{"--config", ini.string(), "--plugin-dir",
                                     VERGEGRID_PLUGIN_DIR});
    }

    TempDir dir_;
    ThrowawayPki pki_;
    std::unique_ptr<ControlPlaneProcess> control_;
    std::unique_ptr<vergegrid::sim_channel::ChannelClient> admin_;
};

TEST_F(BridgeTls, RegistersAndBeatsOverHttpsWithItsCaFile) {
    auto process = bridge(pki_.ca_cert());
    ASSERT_TRUE(process->wait_for_output(std::regex("vergegrid-bridge \\S+ running"), 30s))
        << process->output();
    EXPECT_TRUE(eventually([&] {
        const auto sims = admin("GET", "/api/v1/simulators").at("items");
        return sims.size() == 1 && sims.at(0).at("state") == "online";
    })) << process->output();
    process->send_signal(SIGTERM);
    EXPECT_EQ(process->wait_for_exit(30s), 0) << process->output();
}

TEST_F(BridgeTls, ACertificateItsCaDidNotSignIsRefused) {
    auto process = bridge(pki_.other_ca_cert());
    ASSERT_TRUE(process->wait_for_output(std::regex("registration failed, retrying"), 30s))
        << process->output();
    EXPECT_THAT(process->output(), HasSubstr("certificate"));
    EXPECT_TRUE(admin("GET", "/api/v1/simulators").at("items").empty());
    EXPECT_FALSE(std::filesystem::exists(dir_.path() / "state" / "identity.json"));
    process->send_signal(SIGTERM);
    EXPECT_EQ(process->wait_for_exit(30s), 0) << process->output();
}

}  // namespace
}  // namespace bridge_tls_test
