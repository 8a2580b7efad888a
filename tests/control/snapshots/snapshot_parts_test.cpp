// Which parts a snapshot holds: the request's (with the always-saved ones), or the region's mode
// and state_parts.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "control/domain/domain_error.hpp"
#include "control/snapshots/snapshot_parts.hpp"

namespace vergegrid::control {
namespace {

using ::testing::ElementsAre;

TEST(SnapshotPartsTest, RequestedPartsGainTheAlwaysSavedOnesInCanonicalOrder) {
    EXPECT_THAT(requested_parts(nlohmann::json::array({"mesh", "prims", "terrain"}), "parts"),
                ElementsAre("terrain", "environment", "parcels", "flags", "prims", "mesh"));
}

TEST(SnapshotPartsTest, AnUnknownPartIsRefusedNamingTheField) {
    try {
        requested_parts(nlohmann::json::array({"prims", "avatars"}), "parts");
        FAIL() << "an unknown part was accepted";
    } catch (const DomainError& e) {
        EXPECT_EQ(e.fault(), Fault::invalid_input);
        EXPECT_EQ(e.field(), "parts");
    }
    EXPECT_THROW(requested_parts("prims", "parts"), DomainError);
}

TEST(SnapshotPartsTest, ModesChooseTheParts) {
    const plugin_api::RegionStatePolicy policy{
        "r", "persistent", R"({"prims":true,"mesh":false,"script_state":true})"};
    EXPECT_THAT(parts_for_mode("minimal", policy),
                ElementsAre("terrain", "environment", "parcels", "flags"));
    EXPECT_EQ(parts_for_mode("full", policy).size(), 10U);
    EXPECT_THAT(parts_for_mode("hybrid", policy),
                ElementsAre("terrain", "environment", "parcels", "flags", "prims", "script_state"));
    EXPECT_THAT(parts_for_mode("hybrid", {"r", "persistent", ""}),
                ElementsAre("terrain", "environment", "parcels", "flags"));
}

}  // namespace
}  // namespace vergegrid::control
