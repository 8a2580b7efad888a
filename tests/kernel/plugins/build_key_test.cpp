// The build key rule (ABI 1.4) on descriptors made here, so that every branch is reached; the
// loader tests show the same rule on real shared objects built with other flags.
#include "plugin_host/build_key.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstddef>

namespace {

namespace api = vergegrid::plugin_api;
using ::testing::HasSubstr;
using ::testing::Optional;
using vergegrid::plugin_host::build_key_refusal;
using vergegrid::plugin_host::kHostBuildKey;

constexpr const char* kHost =
    "compiler=gcc-12;stdlib=libstdc++;cxx11-abi=1;assertions=0;debug=0;rtti=1;exceptions=1;"
    "sdk=0.1.0";

api::PluginDescriptor descriptor(const char* key, std::uint16_t minor = 4) {
    api::PluginDescriptor d{};
    d.struct_size = sizeof(api::PluginDescriptor);
    d.abi_major = 1;
    d.abi_minor = minor;
    d.build_key = key;
    return d;
}

TEST(BuildKey, TheHostKeyNamesItsToolchainAndFlags) {
    const std::string key(kHostBuildKey);
    EXPECT_THAT(key, ::testing::MatchesRegex("compiler=(gcc|clang)-[0-9]+;.*"));
    EXPECT_THAT(key, HasSubstr(";stdlib=libstdc++;cxx11-abi=1;"));
    EXPECT_THAT(key, HasSubstr(";debug=0;rtti=1;exceptions=1;sdk=" VERGEGRID_SDK_VERSION));
    // A descriptor that leaves build_key out of its initializer gets its own build's key.
    const api::PluginDescriptor defaulted{
        sizeof(api::PluginDescriptor), 1, 4, "placement", "x", "1.0.0", "", nullptr, nullptr};
    EXPECT_EQ(std::string(defaulted.build_key), key);
}

TEST(BuildKey, AnEqualKeyIsAccepted) {
    EXPECT_EQ(build_key_refusal(descriptor(kHost), "p.so", kHost), std::nullopt);
}

TEST(BuildKey, AnotherSdkOfTheSameAbiIsAccepted) {
    const auto d = descriptor(
        "compiler=gcc-12;stdlib=libstdc++;cxx11-abi=1;assertions=0;debug=0;rtti=1;exceptions=1;"
        "sdk=0.0.9");
    EXPECT_EQ(build_key_refusal(d, "p.so", kHost), std::nullopt);
}

TEST(BuildKey, ADifferenceIsRefusedNamingTheFileBothKeysAndEachDifference) {
    const char* plugin =
        "compiler=gcc-13;stdlib=libstdc++;cxx11-abi=1;assertions=0;debug=1;rtti=1;exceptions=1;"
        "sdk=0.1.0";
    const auto reason = build_key_refusal(descriptor(plugin), "vg-x.so", kHost);
    ASSERT_TRUE(reason.has_value());
    EXPECT_THAT(*reason, HasSubstr("vg-x.so was built with build key '" + std::string(plugin)));
    EXPECT_THAT(*reason, HasSubstr("this host was built with '" + std::string(kHost) + "'"));
    EXPECT_THAT(*reason,
                HasSubstr("differ in compiler (plugin gcc-13, host gcc-12), debug (plugin 1, "
                          "host 0)"));
}

TEST(BuildKey, AKeyOfAbi14LackingAnItemIsRefused) {
    const auto reason =
        build_key_refusal(descriptor("compiler=gcc-12;stdlib=libstdc++"), "p.so", kHost);
    EXPECT_THAT(reason, Optional(HasSubstr("cxx11-abi (plugin missing, host 1)")));
}

TEST(BuildKey, AnItemOfALaterMinorIsComparedOnlyWhenBothCarryIt) {
    const std::string host = std::string(kHost) + ";future=7";
    EXPECT_EQ(build_key_refusal(descriptor(kHost), "p.so", host), std::nullopt);
    const std::string plugin = std::string(kHost) + ";future=8";
    EXPECT_THAT(build_key_refusal(descriptor(plugin.c_str()), "p.so", host),
                Optional(HasSubstr("future (plugin 8, host 7)")));
}

TEST(BuildKey, ADescriptorFromBeforeAbi14CarriesNoKeyAndIsNotJudgedByOne) {
    auto old = descriptor(nullptr, 3);
    old.struct_size = offsetof(api::PluginDescriptor, build_key);  // ends at `create`
    EXPECT_EQ(build_key_refusal(old, "old.so", kHost), std::nullopt);
}

TEST(BuildKey, ADescriptorClaimingAbi14WithoutTheFieldIsRefused) {
    auto d = descriptor(nullptr, 4);
    d.struct_size = offsetof(api::PluginDescriptor, build_key);
    EXPECT_THAT(build_key_refusal(d, "short.so", kHost),
                Optional(HasSubstr("short.so claims plugin ABI 1.4 but its descriptor has no "
                                   "build key")));
}

TEST(BuildKey, ANullKeyIsRefused) {
    EXPECT_THAT(build_key_refusal(descriptor(nullptr), "null.so", kHost),
                Optional(HasSubstr("null.so carries an empty build key")));
}

}  // namespace
