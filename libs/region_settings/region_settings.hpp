// Every field of a region's spec that the simulator should feel, and how a change to it reaches a
// running OpenSim region: the one table the bridge applies by and the control plane and the web
// console show (docs/region-settings.md explains each row). Fields that only the control plane
// uses (placement rules, lifecycle, state_parts, template origin) are not here.
#pragma once

#include <array>
#include <optional>
#include <string_view>

namespace vergegrid::region_settings {

// When a change to a running region takes effect.
enum class Application {
    live,        // applied to the running region by the operation that carries it
    on_restart,  // needs the region restarted: applied when the change asks for it
                 // ("restart": true) or at the region's next restart; until then pending
    unsupported  // OpenSim 0.9.2.2 offers no way to apply it; stored and versioned only
};

struct SettingField {
    std::string_view path;       // the region JSON's name: "flags.max_agents", "estate_id"
    std::string_view mechanism;  // how it is applied, for people: "console: set water height"
    Application application;
};

// A field's outcome in an operation's result ("fields": {"<path>": {"status": …}}).
inline constexpr std::string_view kApplied = "applied";
inline constexpr std::string_view kAppliedOnRestart = "applied-on-restart";
inline constexpr std::string_view kPendingRestart = "pending-restart";
inline constexpr std::string_view kUnsupported = "unsupported";
inline constexpr std::string_view kFailed = "failed";

inline constexpr std::array<SettingField, 27> kSettingFields{{
    {"name", "re-create: admin_close_region + admin_create_region", Application::live},
    {"loc_x", "re-create: admin_close_region + admin_create_region", Application::live},
    {"loc_y", "re-create: admin_close_region + admin_create_region", Application::live},
    {"size_x", "re-create: admin_close_region + admin_create_region", Application::live},
    {"size_y", "re-create: admin_close_region + admin_create_region", Application::live},
    {"port", "re-create: admin_close_region + admin_create_region", Application::live},
    {"host", "re-create: admin_close_region + admin_create_region", Application::live},
    {"estate_id", "console: estate create, estate link region", Application::live},
    // OpenSim 0.9.2.2 reads [Startup] physics once for the whole simulator (verified).
    {"physics_type", "none per region: [Startup] physics is simulator-wide",
     Application::unsupported},
    {"terrain_preset", "none: [Terrain] InitialTerrain is simulator-wide",
     Application::unsupported},
    {"draw_distance_cap", "none in OpenSim 0.9.2.2", Application::unsupported},
    {"parcel_layout", "none yet: an archive's landdata (not built)", Application::unsupported},
    {"environment.water_height", "console: set water height <m> <x> <y>, read back",
     Application::live},
    // 0.9.2.2 replaced the legacy sun with environments: RegionSettings.FixedSun always reads
    // false and SunPosition stores 0 whatever is set (verified).
    {"environment.sun_fixed", "none: the legacy sun is gone (environments)",
     Application::unsupported},
    {"environment.sun_position", "none: the legacy sun is gone (environments)",
     Application::unsupported},
    {"environment.environment_preset", "none through RemoteAdmin or the console",
     Application::unsupported},
    {"terrain.raise_limit", "settings archive (RegionSettings TerrainRaiseLimit)",
     Application::on_restart},
    {"terrain.lower_limit", "settings archive (RegionSettings TerrainLowerLimit)",
     Application::on_restart},
    {"permissions.public_access", "admin_modify_region public (estate-wide)", Application::live},
    {"permissions.allow_damage", "settings archive (RegionSettings AllowDamage)",
     Application::on_restart},
    {"permissions.allow_terraform", "settings archive (RegionSettings BlockTerraform)",
     Application::on_restart},
    {"flags.enabled", "admin_close_region / admin_create_region", Application::live},
    {"flags.allow_voice", "admin_modify_region enable_voice", Application::live},
    {"flags.allow_flying", "settings archive (RegionSettings BlockFly)", Application::on_restart},
    {"flags.allow_scripts", "settings archive (RegionSettings DisableScripts)",
     Application::on_restart},
    {"flags.max_agents",
     "console: region set max-agent-limit + agent-limit, read back; stub key MaxAgents",
     Application::live},
    {"flags.max_prims", "stub key MaxPrims; region restart: close + console create region <stub>",
     Application::on_restart},
}};

std::optional<SettingField> find_setting_field(std::string_view path);
std::string_view application_name(Application application);  // "live", "on-restart", "unsupported"

}  // namespace vergegrid::region_settings
