// The bridge's pieces for region settings: which fields an operation carries, how OpenSim spells
// them, reading `region get` as a real OpenSim 0.9.2.2 prints it, and the desired-state cache
// keeping the spec, the pending fields and the stub-only limits across a restart.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "region_ini/region_ini.hpp"
#include "sim_bridge/core/simulator_host.hpp"
#include "sim_bridge/settings/field_report.hpp"
#include "sim_bridge/settings/region_reader.hpp"
#include "sim_bridge/settings/setting_values.hpp"
#include "sim_bridge/state/desired_cache.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;
using vergegrid::test::TempDir;
using namespace vergegrid::bridge;
using namespace vergegrid::bridge::settings;

const std::string kSettingsRegionId = "6f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9";

// A region as the control plane sends it, with VergeGrid's defaults.
json region_spec() {
    return {{"id", kSettingsRegionId},
            {"name", "Alpha"},
            {"estate_id", "e1"},
            {"loc_x", 1000},
            {"loc_y", 1000},
            {"size_x", 256},
            {"size_y", 256},
            {"port", 9001},
            {"host", "127.0.0.1"},
            {"physics_type", "BulletSim"},
            {"terrain_preset", "flat"},
            {"draw_distance_cap", 0},
            {"environment",
             {{"water_height", 20.0},
              {"sun_fixed", false},
              {"sun_position", 6.0},
              {"environment_preset", nullptr}}},
            {"terrain", {{"raise_limit", 100.0}, {"lower_limit", -100.0}}},
            {"permissions",
             {{"public_access", true}, {"allow_damage", false}, {"allow_terraform", false}}},
            {"flags",
             {{"enabled", true},
              {"allow_voice", true},
              {"allow_flying", true},
              {"allow_scripts", true},
              {"max_prims", 15000},
              {"max_agents", 40}}},
            {"parcel_layout", nullptr}};
}

TEST(RegionSettingValues, ACreateCarriesEveryFieldThatIsNotOpenSimsOwnDefault) {
    const auto paths = changed_fields(nullptr, region_spec());
    EXPECT_THAT(paths,
                UnorderedElementsAre("name", "loc_x", "loc_y", "size_x", "size_y", "port", "host",
                                     "estate_id", "terrain_preset", "environment.sun_position",
                                     "permissions.allow_terraform"))
        << "water 20, agent limit 40, 15000 prims, flying, scripts, voice and public are OpenSim's "
           "defaults";
}

TEST(RegionSettingValues, AnUpdateCarriesTheFieldsThatDiffer) {
    const auto before = region_spec();
    auto after = before;
    after["environment"]["water_height"] = 20.0004;  // below a millimetre: the same for OpenSim
    EXPECT_TRUE(changed_fields(&before, after).empty());
    after["environment"]["water_height"] = 25.5;
    after["flags"]["allow_flying"] = false;
    after["name"] = "Beta";
    EXPECT_THAT(changed_fields(&before, after),
                UnorderedElementsAre("name", "environment.water_height", "flags.allow_flying"));
}

TEST(RegionSettingValues, FieldsAreSpeltAsOpenSimsRegionSettingsIncludingTheInvertedOnes) {
    const auto fly = region_setting_key("flags.allow_flying");
    ASSERT_TRUE(fly.has_value());
    EXPECT_EQ(fly->element, "BlockFly");
    EXPECT_EQ(element_text(*fly, true), "False") << "flying allowed = BlockFly False";
    EXPECT_EQ(field_value(*fly, "True"), json(false));
    EXPECT_EQ(region_setting_key("permissions.allow_terraform")->element, "BlockTerraform");
    EXPECT_EQ(region_setting_key("flags.allow_scripts")->element, "DisableScripts");
    EXPECT_EQ(element_text(*region_setting_key("permissions.allow_damage"), true), "True");
    const auto water = *region_setting_key("environment.water_height");
    EXPECT_EQ(element_text(water, 25.5), "25.5");
    EXPECT_EQ(field_value(water, "22 m"), json(22.0)) << "`region get` appends the unit";
    EXPECT_EQ(field_value(water, "high"), std::nullopt);
    EXPECT_EQ(field_value(*region_setting_key("flags.max_agents"), "33"), json(33));
    EXPECT_FALSE(region_setting_key("physics_type").has_value());
    EXPECT_EQ(value_at(region_spec(), "flags.max_prims"), json(15000));
    EXPECT_TRUE(value_at(region_spec(), "flags.nothing").is_null());
}

TEST(RegionReader, ReadsRegionGetAsARealOpenSimPrintsIt) {
    // OpenSim 0.9.2.2, `change region Alpha` then `region get` (captured from its console).
    const std::vector<std::string> lines = {
        "19:43:24 - [RADMIN]: Received Command XML Administrator Request",
        "Region information for Alpha",
        "Region ID                  : 11111111-2222-3333-4444-555555555555",
        "Agent limit                : 30",
        "Max agent limit            : 50",
        "Prim capacity              : 1234",
        "Allow Damage               : True",
        "Block fly                  : True",
        "Block terraform            : False",
        "Disable scripts            : True",
        "Fixed sun                  : False",
        "Terrain lower limit        : -20 m",
        "Terrain raise limit        : 50 m",
        "Water height               : 25.5 m",
        "19:43:24 - [RADMIN]: Command XML Administrator Request complete"};
    const auto values = parse_region_get(lines);
    EXPECT_EQ(values.at("AgentLimit"), "30");
    EXPECT_EQ(values.at("MaxAgents"), "50");
    EXPECT_EQ(values.at("MaxPrims"), "1234");
    EXPECT_EQ(values.at("AllowDamage"), "True");
    EXPECT_EQ(values.at("BlockFly"), "True");
    EXPECT_EQ(values.at("BlockTerraform"), "False");
    EXPECT_EQ(values.at("DisableScripts"), "True");
    EXPECT_EQ(values.at("TerrainLowerLimit"), "-20 m");
    EXPECT_EQ(values.at("TerrainRaiseLimit"), "50 m");
    EXPECT_EQ(values.at("WaterHeight"), "25.5 m");
    EXPECT_EQ(values.size(), 10u) << "log lines and other rows are no settings";
    EXPECT_EQ(parse_region_get({"Agent limit: 17"}).at("AgentLimit"), "17")
        << "a tighter spacing reads the same";
}

TEST(FieldReports, RenderTheContractAndNameTheFirstFailure) {
    FieldReports reports;
    reports["flags.allow_flying"] = {"applied", "settings archive", false, ""};
    reports["environment.water_height"] = {"failed", "console", 20.0, "read back 20, expected 25"};
    const auto rendered = to_json(reports);
    EXPECT_EQ(rendered.at("flags.allow_flying"),
              json({{"status", "applied"}, {"mechanism", "settings archive"}, {"value", false}}));
    EXPECT_EQ(rendered.at("environment.water_height").at("reason"), "read back 20, expected 25");
    EXPECT_EQ(first_failure(reports), "environment.water_height: read back 20, expected 25");
}

TEST(DesiredCache, KeepsTheWholeSpecAndThePendingFieldsAcrossARestart) {
    TempDir dir;
    auto spec = region_spec();
    spec["apply_restart"] = true;
    spec["flags"]["max_prims"] = 2222;
    spec["flags"]["max_agents"] = 70;
    {
        DesiredCache cache(dir.path());
        auto region = desired_from_spec(spec, "0.0.0.0", "SYSTEMIP");
        region.pending = {"flags.max_prims"};
        cache.put(region);
    }
    const auto region = DesiredCache(dir.path()).find(kSettingsRegionId);
    ASSERT_TRUE(region.has_value());
    EXPECT_EQ(region->spec.at("environment").at("sun_position"), 6.0);
    EXPECT_EQ(region->spec.at("permissions").at("allow_terraform"), false);
    EXPECT_FALSE(region->spec.contains("apply_restart")) << "an instruction, not the region";
    EXPECT_EQ(region->pending, std::vector<std::string>{"flags.max_prims"});
    // What a restarted bridge's reconciler writes: the limits are still in the stub.
    const auto stub = vergegrid::region_ini::render(stub_spec(*region, "My Estate"));
    EXPECT_THAT(stub, HasSubstr("MaxPrims = 2222"));
    EXPECT_THAT(stub, HasSubstr("MaxAgents = 70"));
}

}  // namespace
