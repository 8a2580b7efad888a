// Which part of a region's version a change bumps (docs/versioning.md): major when the simulator
// must recreate the region, minor for other structural changes, patch for cosmetic ones.
#include <gtest/gtest.h>

#include "control/regions/region_change.hpp"

namespace vergegrid::control {
namespace {

using Region = RegionRecord;

Region base() {
    Region region;
    region.uuid = "00000000-0000-4000-8000-000000000001";
    region.name = "Alpha";
    region.estate_id = "00000000-0000-4000-8000-000000000002";
    region.physics_type = "BulletSim";
    region.terrain_preset = "flat";
    region.region_state_mode = "hybrid";
    region.host = "sim.example.org";
    region.port = 9000;
    return region;
}

template <typename Edit>
RegionChange change_by(Edit edit) {
    Region after = base();
    edit(after);
    return region_change(base(), after);
}

TEST(RegionChange, NothingChangedBumpsNothing) {
    const auto change = change_by([](Region&) {});
    EXPECT_EQ(change.bump, Bump::none);
    EXPECT_TRUE(change.fields.empty());
    EXPECT_EQ(change.fields_to_json(), nlohmann::json::array());
}

TEST(RegionChange, SizeAndPhysicsAreMajor) {
    EXPECT_EQ(change_by([](Region& r) { r.size_x = 512; }).bump, Bump::major);
    EXPECT_EQ(change_by([](Region& r) { r.size_y = 512; }).bump, Bump::major);
    EXPECT_EQ(change_by([](Region& r) { r.physics_type = "ubODE"; }).bump, Bump::major);
}

TEST(RegionChange, StructuralFieldsAreMinor) {
    EXPECT_EQ(change_by([](Region& r) { r.name = "Beta"; }).bump, Bump::minor);
    EXPECT_EQ(change_by([](Region& r) { r.loc_x = 3; }).bump, Bump::minor);
    EXPECT_EQ(change_by([](Region& r) { r.port = 9001; }).bump, Bump::minor);
    EXPECT_EQ(change_by([](Region& r) { r.host = "other.example.org"; }).bump, Bump::minor);
    EXPECT_EQ(change_by([](Region& r) { r.flags.enabled = !r.flags.enabled; }).bump, Bump::minor);
    EXPECT_EQ(change_by([](Region& r) { r.terrain_preset = "hills"; }).bump, Bump::minor);
    EXPECT_EQ(change_by([](Region& r) { r.region_state_mode = "full"; }).bump, Bump::minor);
    EXPECT_EQ(change_by([](Region& r) { r.placement.simulator_id = "x"; }).bump, Bump::minor);
    EXPECT_EQ(change_by([](Region& r) { r.placement.required_labels = {"gpu"}; }).bump,
              Bump::minor);
}

TEST(RegionChange, CosmeticFieldsArePatch) {
    EXPECT_EQ(change_by([](Region& r) { r.environment.water_height = 30; }).bump, Bump::patch);
    EXPECT_EQ(change_by([](Region& r) { r.terrain.raise_limit = 50; }).bump, Bump::patch);
    EXPECT_EQ(change_by([](Region& r) { r.permissions.allow_damage = true; }).bump, Bump::patch);
    EXPECT_EQ(change_by([](Region& r) { r.flags.max_prims = 99; }).bump, Bump::patch);
    EXPECT_EQ(change_by([](Region& r) { r.flags.allow_voice = !r.flags.allow_voice; }).bump,
              Bump::patch);
    EXPECT_EQ(change_by([](Region& r) { r.draw_distance_cap = 128; }).bump, Bump::patch);
}

TEST(RegionChange, TheStatePolicyIsAPatchNamedByItsFields) {
    const auto lifecycle = change_by([](Region& r) { r.state.lifecycle = "premium"; });
    EXPECT_EQ(lifecycle.bump, Bump::patch);
    ASSERT_EQ(lifecycle.fields.size(), 1U);
    EXPECT_EQ(lifecycle.fields[0].field, "lifecycle");
    const auto parts = change_by([](Region& r) { r.state.parts.script_state = true; });
    EXPECT_EQ(parts.bump, Bump::patch);
    ASSERT_EQ(parts.fields.size(), 1U);
    EXPECT_EQ(parts.fields[0].field, "state_parts.script_state");
    EXPECT_EQ(parts.fields[0].to, true);
}

TEST(RegionChange, ATemplateMajorIsMajorAndAnyOtherTemplateVersionChangeMinor) {
    auto from = [](plugin_api::SemVer before, plugin_api::SemVer after) {
        Region a = base();
        a.template_data.template_version = before;
        Region b = base();
        b.template_data.template_version = after;
        return region_change(a, b).bump;
    };
    EXPECT_EQ(from({1, 0, 0}, {2, 0, 0}), Bump::major);
    EXPECT_EQ(from({1, 0, 0}, {1, 3, 0}), Bump::minor);
    EXPECT_EQ(from({1, 0, 0}, {1, 0, 4}), Bump::minor);
    EXPECT_EQ(change_by([](Region& r) {
                  r.template_data.template_version = {{1, 0, 0}};
              }).bump,
              Bump::minor);
}

TEST(RegionChange, TheLargestFieldBumpWinsAndEveryFieldIsListed) {
    const auto change = change_by([](Region& r) {
        r.flags.max_prims = 99;
        r.name = "Beta";
        r.size_x = 512;
    });
    EXPECT_EQ(change.bump, Bump::major);
    const auto fields = change.fields_to_json();
    ASSERT_EQ(fields.size(), 3U);
    nlohmann::json by_field;
    for (const auto& field : fields) {
        by_field[field.at("field").get<std::string>()] = field;
    }
    EXPECT_EQ(by_field.at("flags.max_prims").at("bump"), "patch");
    EXPECT_EQ(by_field.at("name").at("from"), "Alpha");
    EXPECT_EQ(by_field.at("name").at("to"), "Beta");
    EXPECT_EQ(by_field.at("size_x").at("bump"), "major");
}

TEST(RegionChange, BumpedVersionsResetTheSmallerParts) {
    EXPECT_EQ(bumped({1, 4, 2}, Bump::major), (plugin_api::SemVer{2, 0, 0}));
    EXPECT_EQ(bumped({1, 4, 2}, Bump::minor), (plugin_api::SemVer{1, 5, 0}));
    EXPECT_EQ(bumped({1, 4, 2}, Bump::patch), (plugin_api::SemVer{1, 4, 3}));
    EXPECT_EQ(bumped({1, 4, 2}, Bump::none), (plugin_api::SemVer{1, 4, 2}));
}

}  // namespace
}  // namespace vergegrid::control
