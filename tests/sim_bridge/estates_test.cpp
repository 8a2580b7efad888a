// The bridge's estate mapping on its own: the estate of an operation spec and its owner, what
// OpenSim 0.9.2.2 prints for its estate console lines (the lines below were captured from a real
// simulator's output, docs/bridge.md "Estates"), the estate kept in the desired-state cache and
// written as the stub's TargetEstate.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "sim_bridge/core/simulator_host.hpp"
#include "sim_bridge/estates/estate_console.hpp"
#include "sim_bridge/estates/estate_spec.hpp"
#include "sim_bridge/state/desired_cache.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using vergegrid::test::TempDir;
using namespace vergegrid::bridge;

const std::string kRegion = "aaaaaaaa-0000-0000-0000-000000000001";

json spec_with_estate(const json& estate) {
    return {{"id", "6f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"},
            {"name", "Alpha"},
            {"loc_x", 1000},
            {"loc_y", 1000},
            {"port", 9100},
            {"estate", estate}};
}

TEST(EstateSpec, TheOperationSpecCarriesTheEstateByNameWithItsOwner) {
    const auto region = desired_from_spec(
        spec_with_estate({{"id", "e1"}, {"name", "Mainland"}, {"owner", "Test User"}}), "0.0.0.0",
        "127.0.0.1");
    EXPECT_EQ(region.estate, (EstateSpec{"e1", "Mainland", "Test User"}));
    // A control plane older than issue 12 sends none: the simulator's default estate.
    auto old = spec_with_estate(nullptr);
    old.erase("estate");
    EXPECT_EQ(desired_from_spec(old, "0.0.0.0", "127.0.0.1").estate, EstateSpec{});
}

TEST(EstateSpec, AnOwnerIsAUuidOrFirstAndLastNameOrNothing) {
    auto by_uuid = parse_estate_owner("11111111-2222-3333-4444-55555555555A");
    EXPECT_EQ(by_uuid.uuid, "11111111-2222-3333-4444-55555555555a");
    EXPECT_TRUE(by_uuid.first.empty());
    auto by_name = parse_estate_owner("Test User");
    EXPECT_EQ(by_name.first, "Test");
    EXPECT_EQ(by_name.last, "User");
    EXPECT_EQ(by_name.text(), "Test User");
    EXPECT_TRUE(parse_estate_owner("").empty());
    EXPECT_THROW(parse_estate_owner("Owner"), std::invalid_argument);
    EXPECT_THROW(parse_estate_owner("Three Word Name"), std::invalid_argument);
}

TEST(EstateSpec, AnEstateThatIsNotAnObjectOfStringsIsRefusedByField) {
    try {
        desired_from_spec(spec_with_estate("Mainland"), "0.0.0.0", "127.0.0.1");
        FAIL() << "a string estate was taken";
    } catch (const std::invalid_argument& e) {
        EXPECT_THAT(e.what(), HasSubstr("spec.estate"));
    }
    EXPECT_THROW(desired_from_spec(spec_with_estate({{"name", 5}}), "0.0.0.0", "127.0.0.1"),
                 std::invalid_argument);
    // The owner's form is the control plane's to validate; the bridge keeps what it got.
    EXPECT_EQ(desired_from_spec(spec_with_estate({{"name", "M"}, {"owner", "Owner"}}), "0.0.0.0",
                                "127.0.0.1")
                  .estate.owner,
              "Owner");
}

TEST(EstateSpec, TheCacheKeepsTheEstateAcrossARestartAndTheStubNamesIt) {
    TempDir dir;
    auto region =
        desired_from_spec(spec_with_estate({{"id", "e1"}, {"name", "Mainland"}, {"owner", ""}}),
                          "0.0.0.0", "127.0.0.1");
    DesiredCache(dir.path()).put(region);
    auto again = DesiredCache(dir.path()).find(region.plan.id);
    ASSERT_TRUE(again.has_value());
    EXPECT_EQ(again->estate, region.estate);
    // The region loader joins a region that has no estate yet to TargetEstate when it exists.
    EXPECT_EQ(stub_spec(*again, "My Estate").target_estate, "Mainland");
    again->estate.name.clear();
    EXPECT_EQ(stub_spec(*again, "My Estate").target_estate, "My Estate");
}

// `estate show` on a real 0.9.2.2 with four regions, after Beta was closed and created again in
// another estate: a closed region's block stays, the live one comes last.
const std::vector<std::string> kEstateShow = {
    "19:45:12 - [RADMIN]: Received Command XML Administrator Request",
    "Estate information for region Alpha",
    "Estate Name          ID      Owner               ",
    "Third Estate         103     Test User           ",
    "",
    "Estate information for region Beta",
    "Estate Name          ID      Owner               ",
    "Second               102     Test User           ",
    "",
    "Estate information for region Gamma",
    "Estate Name          ID      Owner               ",
    "A name longer than twenty 104     Test User           ",
    "",
    "Estate information for region Beta",
    "Estate Name          ID      Owner               ",
    "My Estate            101     UnknownUMM2 11111111-2222-3333-4444-555555555555",
    "",
    "19:45:12 - [RADMIN]: Command XML Administrator Request complete",
};

TEST(EstateConsole, EstateShowGivesEachRegionsEstateTheLastBlockWinning) {
    const auto rows = parse_estate_show(kEstateShow);
    ASSERT_EQ(rows.size(), 4u);
    const auto alpha = estate_of_region(rows, "Alpha");
    ASSERT_TRUE(alpha.has_value());
    EXPECT_EQ(alpha->estate_name, "Third Estate");
    EXPECT_EQ(alpha->estate_id, 103);
    EXPECT_EQ(alpha->owner, "Test User");
    const auto beta = estate_of_region(rows, "Beta");
    ASSERT_TRUE(beta.has_value());
    EXPECT_EQ(beta->estate_name, "My Estate") << "the live Beta is the last block";
    EXPECT_EQ(beta->owner, "UnknownUMM2 11111111-2222-3333-4444-555555555555");
    EXPECT_EQ(estate_of_region(rows, "Gamma")->estate_name, "A name longer than twenty");
    EXPECT_FALSE(estate_of_region(rows, "Delta").has_value());
    EXPECT_EQ(estate_id_named(rows, "Second"), 102);
    EXPECT_EQ(estate_id_named(rows, "My Estate"), 101);
    EXPECT_FALSE(estate_id_named(rows, "Fifth").has_value());
    EXPECT_TRUE(parse_estate_show({"Estate information for region Alpha"}).empty())
        << "a block cut short is no row";
}

TEST(EstateConsole, TheAnswersOfEstateCreateLinkAndSetOwnerAsOpenSimPrintsThem) {
    const auto created =
        estate_create_answer("Estate 103 created as \"Third Estate\"", "Third Estate");
    ASSERT_TRUE(created.has_value());
    EXPECT_EQ(created->kind, EstateCreateAnswer::Kind::created);
    EXPECT_EQ(created->estate_id, 103);
    EXPECT_EQ(
        estate_create_answer("An estate named \"Third Estate\" already exists.", "Third Estate")
            ->kind,
        EstateCreateAnswer::Kind::exists);
    EXPECT_EQ(estate_create_answer("Could not find user 99999999-2222-3333-4444-555555555555",
                                   "Third Estate")
                  ->kind,
              EstateCreateAnswer::Kind::no_user);
    EXPECT_FALSE(estate_create_answer("Estate 104 created as \"Other\"", "Third Estate"));
    EXPECT_FALSE(estate_create_answer("19:44:49 - [RADMIN]: Received Command", "Third Estate"));

    EXPECT_EQ(estate_link_answer("Region " + kRegion + " is now attached to estate 103", kRegion),
              true);
    EXPECT_EQ(estate_link_answer("No estate found with ID 999", kRegion), false);
    EXPECT_EQ(estate_link_answer("No access to Region \"" + kRegion + "\"", kRegion), false);
    EXPECT_FALSE(estate_link_answer("19:44:56 - [ESTATE]: Region " + kRegion +
                                        " (Alpha) moved to Estate 103 (Third Estate).",
                                    kRegion)
                     .has_value())
        << "the log line is not the console's answer";

    EXPECT_EQ(estate_owner_uuid_answer(
                  "Estate already belongs to 11111111-2222-3333-4444-555555555555 (Test User)"),
              "11111111-2222-3333-4444-555555555555");
    EXPECT_EQ(estate_owner_uuid_answer(
                  "Estate owner changed to 11111111-2222-3333-4444-555555555555 (Test User)"),
              "11111111-2222-3333-4444-555555555555");
    EXPECT_FALSE(estate_owner_uuid_answer("Could not find user Nobody Here"));
}

}  // namespace
