// `vergegrid-bridge --check` as an operator runs it: a configuration folder written like a stock
// OpenSim 0.9.2.2 bin/ and the OpenSim emulator answering RemoteAdmin. Every problem is named
// with its fix and makes it exit 1; a complete configuration exits 0.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "tests/support/child_process.hpp"
#include "tests/support/listen_port.hpp"
#include "tests/support/temp_dir.hpp"

namespace preflight_test {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::Not;
using vergegrid::test::ChildProcess;

class Preflight : public ::testing::Test {
  protected:
    void SetUp() override {
        std::filesystem::create_directories(bin() / "Regions");
        std::filesystem::create_directories(dir_.path() / "sim");
        emulator_ = std::make_unique<ChildProcess>(
            VERGEGRID_OPENSIM_EMULATOR,
            std::vector<std::string>{"--sim-dir", (dir_.path() / "sim").string(),
                                     "--remoteadmin-port", std::to_string(port_), "--password",
                                     "s3cret", "--start-delay-ms", "0", "--allow-regionless",
                                     "true"});
        ASSERT_TRUE(emulator_->wait_for_output(std::regex("Startup complete"), 20s))
            << emulator_->output();
    }

    std::filesystem::path bin() const { return dir_.path() / "bin"; }

    void write_opensim_ini(const std::string& remote_admin, const std::string& estates) {
        std::ofstream(bin() / "OpenSimDefaults.ini", std::ios::trunc)
            << "[Startup]\nallow_regionless = false\n[RemoteAdmin]\nenabled = false\n";
        std::ofstream(bin() / "OpenSim.ini", std::ios::trunc)
            << "[Startup]\nallow_regionless = true\n[RemoteAdmin]\n"
            << remote_admin
            << "[Architecture]\nInclude-Architecture = config-include/Standalone.ini\n";
        std::filesystem::create_directories(bin() / "config-include");
        std::ofstream(bin() / "config-include/Standalone.ini", std::ios::trunc) << "[Estates]\n"
                                                                                << estates;
    }

    // Runs --check with `password` as the bridge's simulator.remoteadmin_password.
    std::pair<int, std::string> check(const std::string& password,
                                      const std::string& regions = "Regions") {
        std::ofstream(dir_.path() / "bridge.ini", std::ios::trunc)
            << "[control]\nurl = http://127.0.0.1:9\n[simulator]\n"
            << "remoteadmin_url = http://127.0.0.1:" << port_ << "\n"
            << "remoteadmin_password = " << password << "\n"
            << "regions_dir = " << (bin() / regions).string() << "\n"
            << "config_dir = " << bin().string() << "\n";
        ChildProcess bridge(VERGEGRID_BRIDGE_BINARY,
                            {"--config", (dir_.path() / "bridge.ini").string(), "--check"});
        const auto status = bridge.wait_for_exit(30s);
        return {status.value_or(-100), bridge.output()};
    }

    static constexpr const char* kRemoteAdmin =
        "enabled = true\naccess_password = s3cret\nenabled_methods = all\n";
    static constexpr const char* kEstates =
        "DefaultEstateName = My Estate\nDefaultEstateOwnerName = Test User\n"
        "DefaultEstateOwnerUUID = 00000000-0000-0000-0000-000000000000\n"
        "DefaultEstateOwnerEMail = owner@example.org\nDefaultEstateOwnerPassword = secret\n";

    vergegrid::test::TempDir dir_;
    std::uint16_t port_ = vergegrid::test::unclaimed_listen_port();
    std::unique_ptr<ChildProcess> emulator_;
};

TEST_F(Preflight, ACompleteConfigurationPassesAndExitsZero) {
    write_opensim_ini(std::string(kRemoteAdmin) + "port = " + std::to_string(port_) + "\n",
                      kEstates);
    const auto [status, output] = check("s3cret");
    EXPECT_EQ(status, 0) << output;
    EXPECT_THAT(output, Not(HasSubstr("problem:")));
    EXPECT_THAT(output, HasSubstr("answers with the password"));
    EXPECT_THAT(output, HasSubstr("[Estates] Default* complete"));
}

TEST_F(Preflight, EveryProblemIsNamedWithItsFixAndExitsOne) {
    // OpenSimDefaults.ini's "enabled = false" stays; allow_regionless comes back false from a
    // config/ override; the owner UUID and e-mail are missing; too few methods; wrong port.
    write_opensim_ini(
        "access_password = other\nenabled_methods = admin_create_region|admin_region_query\n",
        "DefaultEstateName = My Estate\nDefaultEstateOwnerName = Test User\n"
        "DefaultEstateOwnerPassword = secret\n");
    std::filesystem::create_directories(bin() / "config");
    std::ofstream(bin() / "config/late.ini") << "[Startup]\nallow_regionless = false\n";
    const auto [status, output] = check("wrong", "NoSuchRegions");
    EXPECT_EQ(status, 1) << output;
    EXPECT_THAT(output, HasSubstr("problem: RemoteAdmin is not enabled — fix: set [RemoteAdmin] "
                                  "enabled = true in OpenSim.ini"));
    EXPECT_THAT(output, HasSubstr("set [RemoteAdmin] port = " + std::to_string(port_)));
    EXPECT_THAT(output, HasSubstr("access_password is not simulator.remoteadmin_password"));
    EXPECT_THAT(output, HasSubstr("enabled_methods lacks admin_get_opensim_version"));
    EXPECT_THAT(output, HasSubstr("set [Startup] allow_regionless = true"));
    EXPECT_THAT(output,
                HasSubstr("[Estates] lacks DefaultEstateOwnerUUID, DefaultEstateOwnerEMail"));
    EXPECT_THAT(output, HasSubstr("NoSuchRegions does not exist"));
    EXPECT_THAT(output, HasSubstr("refuses the bridge: wrong password"));
}

TEST_F(Preflight, WithoutOpenSimIniTheFixIsToMakeIt) {
    const auto [status, output] = check("s3cret");
    EXPECT_EQ(status, 1) << output;
    EXPECT_THAT(output, HasSubstr("no OpenSim.ini in"));
    EXPECT_THAT(output, HasSubstr("answers with the password")) << "RemoteAdmin is still checked";
}

}  // namespace
}  // namespace preflight_test
