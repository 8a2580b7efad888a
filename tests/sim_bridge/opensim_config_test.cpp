// OpenSimConfig on configuration folders written by the test, laid out as a stock 0.9.2.2 bin/:
// OpenSimDefaults.ini, OpenSim.ini, config/*.ini and Include-* files, each overriding the earlier.
#include "sim_bridge/preflight/opensim_config.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "tests/support/temp_dir.hpp"

namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using vergegrid::bridge::opensim_config_fingerprint;
using vergegrid::bridge::OpenSimConfig;

class OpenSimConfigFiles : public ::testing::Test {
  protected:
    void write(const std::string& name, const std::string& text) {
        std::filesystem::create_directories((dir_.path() / name).parent_path());
        std::ofstream(dir_.path() / name, std::ios::trunc) << text;
    }
    vergegrid::test::TempDir dir_;
};

TEST_F(OpenSimConfigFiles, LaterFilesOverrideEarlierOnesInOpenSimsOrder) {
    write("OpenSimDefaults.ini",
          "[Startup]\n    allow_regionless = false\n[RemoteAdmin]\nenabled = false\n");
    write("OpenSim.ini",
          "[Startup]\nallow_regionless = true\n"
          "[Architecture]\nInclude-Architecture = \"config-include/Standalone.ini\"\n");
    write("config-include/Standalone.ini",
          "[Estates]\nDefaultEstateName = My Estate\n"
          "Include-Common = config-include/StandaloneCommon.ini\n"
          "Include-Missing = config-include/osslEnable.ini\n");
    write("config-include/StandaloneCommon.ini", "[Estates]\nDefaultEstateName = Other Estate\n");
    write("config/zz-override.ini", "[RemoteAdmin]\nENABLED = true\n");
    const auto config = OpenSimConfig::load(dir_.path());
    EXPECT_EQ(config.get("Startup", "allow_regionless"), "true");
    EXPECT_EQ(config.get("remoteadmin", "Enabled"), "true") << "names regardless of case";
    EXPECT_EQ(config.get("Estates", "DefaultEstateName"), "Other Estate");
    EXPECT_EQ(config.get("Estates", "DefaultEstateOwnerUUID"), std::nullopt);
    EXPECT_THAT(config.files(),
                ElementsAre(dir_.path() / "OpenSimDefaults.ini", dir_.path() / "OpenSim.ini",
                            dir_.path() / "config/zz-override.ini",
                            dir_.path() / "config-include/Standalone.ini",
                            dir_.path() / "config-include/StandaloneCommon.ini"));
    EXPECT_TRUE(config.problems().empty()) << "a missing include is skipped, as OpenSim does";
}

TEST_F(OpenSimConfigFiles, ValuesFollowNinisRules) {
    write("OpenSim.ini",
          "; a comment\n[Const]\nBaseHostname = \"127.0.0.1\"\nPort = 9311\n"
          "[RemoteAdmin]\naccess_password = \"se;cret\" ; quoted: the ';' is the password's\n"
          "port = ${Const|Port} ; a comment after the value\n"
          "url = http://${Const|BaseHostname}:${Const|Port}\n");
    const auto config = OpenSimConfig::load(dir_.path());
    EXPECT_EQ(config.get("RemoteAdmin", "access_password"), "se;cret");
    EXPECT_EQ(config.get("RemoteAdmin", "port"), "9311");
    EXPECT_EQ(config.get("RemoteAdmin", "url"), "http://127.0.0.1:9311");
}

TEST_F(OpenSimConfigFiles, WhatOpenSimWouldStopAtIsAProblem) {
    EXPECT_THAT(OpenSimConfig::load(dir_.path()).problems(),
                ElementsAre(HasSubstr("no OpenSim.ini")));
    // Measured on 0.9.2.2: a key before the first section ends start-up with a
    // NullReferenceException inside Nini.
    write("OpenSim.ini", "allow_regionless = true\n[Startup]\n");
    EXPECT_THAT(OpenSimConfig::load(dir_.path()).problems(),
                ElementsAre(HasSubstr("OpenSim.ini:1: a key before the first [section]")));
}

TEST_F(OpenSimConfigFiles, TheFingerprintChangesWithAnyFileOfTheConfiguration) {
    write("OpenSim.ini", "[Estates]\nDefaultEstateName = My Estate\n");
    const auto before = opensim_config_fingerprint(dir_.path());
    EXPECT_EQ(opensim_config_fingerprint(dir_.path()), before);
    write("config/estates.ini", "[Estates]\nDefaultEstateOwnerUUID = x\n");
    const auto added = opensim_config_fingerprint(dir_.path());
    EXPECT_NE(added, before);
    write("OpenSim.ini", "[Estates]\nDefaultEstateName = My Estate 2\n");
    EXPECT_NE(opensim_config_fingerprint(dir_.path()), added);
    EXPECT_EQ(opensim_config_fingerprint({}), "");
}

}  // namespace
