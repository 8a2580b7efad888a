// The golden layout of every struct that crosses the plugin boundary, recorded from the ABI 1.6
// headers (x86-64 Linux, libstdc++ with the C++11 string ABI: the platform the build key pins).
// It fails when a struct changes other than by appending a field:
//   - every recorded field must keep its offset and size (nothing inserted, moved, retyped);
//   - an IN struct (the host fills it and passes it by reference: "may grow") may only grow;
//   - a frozen struct (returned by value, passed in a vector, or filled by the plugin) may not
//     change size at all: a plugin built against older headers would read or write past it.
// Appending a field to a may-grow struct is a minor bump (record the new field here); anything
// else that this test catches is a major bump. Virtual tables are not covered here: the fixtures
// of tests/plugin_abi_fixtures call through them with plugins built against older headers.
#include <gtest/gtest.h>

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "vergegrid/plugin_api/abi.hpp"
#include "vergegrid/plugin_api/access_model.hpp"
#include "vergegrid/plugin_api/auth.hpp"
#include "vergegrid/plugin_api/blueprint.hpp"
#include "vergegrid/plugin_api/event_sink.hpp"
#include "vergegrid/plugin_api/injection.hpp"
#include "vergegrid/plugin_api/kinds.hpp"
#include "vergegrid/plugin_api/migration.hpp"
#include "vergegrid/plugin_api/placement.hpp"
#include "vergegrid/plugin_api/plugin.hpp"
#include "vergegrid/plugin_api/semver.hpp"
#include "vergegrid/plugin_api/storage.hpp"
#include "vergegrid/plugin_api/storage_cluster.hpp"
#include "vergegrid/plugin_api/storage_events.hpp"
#include "vergegrid/plugin_api/storage_grid.hpp"
#include "vergegrid/plugin_api/storage_grid_changes.hpp"
#include "vergegrid/plugin_api/storage_grid_rules.hpp"
#include "vergegrid/plugin_api/storage_migrations.hpp"
#include "vergegrid/plugin_api/storage_model.hpp"
#include "vergegrid/plugin_api/storage_operations.hpp"
#include "vergegrid/plugin_api/storage_pending.hpp"
#include "vergegrid/plugin_api/storage_rollouts.hpp"
#include "vergegrid/plugin_api/storage_snapshots.hpp"
#include "vergegrid/plugin_api/sync.hpp"

// offsetof on structs holding std::string is conditionally supported; GCC and Clang support it
// for classes without virtual bases, which is all this test measures.
#pragma GCC diagnostic ignored "-Winvalid-offsetof"

namespace {

namespace api = vergegrid::plugin_api;

enum class Growth { may_grow, frozen };

struct Field {
    std::string name;
    std::size_t offset;
    std::size_t size;
    friend bool operator==(const Field&, const Field&) = default;
};

struct Layout {
    std::size_t size;
    std::vector<Field> fields;
};

// The measured layout and the golden one, side by side.
void expect_layout(const char* name, Growth growth, const Layout& actual, const Layout& golden) {
    SCOPED_TRACE(name);
    ASSERT_EQ(actual.fields.size(), golden.fields.size());
    for (std::size_t i = 0; i < golden.fields.size(); ++i) {
        EXPECT_EQ(actual.fields[i], golden.fields[i])
            << name << "::" << golden.fields[i].name << " moved or changed type: offset "
            << actual.fields[i].offset << " (golden " << golden.fields[i].offset << "), size "
            << actual.fields[i].size << " (golden " << golden.fields[i].size << ")";
    }
    if (growth == Growth::frozen) {
        EXPECT_EQ(actual.size, golden.size)
            << name << " is frozen (it crosses the boundary by value or both ways): no field may "
            << "be added, even at the end";
    } else {
        EXPECT_GE(actual.size, golden.size) << name << " shrank";
    }
}

#define VG_FIELD(S, f)                             \
    Field {                                        \
#f, offsetof(api::S, f), sizeof(api::S::f) \
    }

#if defined(__x86_64__) && defined(__GLIBCXX__) && _GLIBCXX_USE_CXX11_ABI && \
    !defined(_GLIBCXX_DEBUG)
constexpr bool kGoldenPlatform = true;
#else
constexpr bool kGoldenPlatform = false;
#endif

TEST(PluginApiLayout, AbiVersion) {
    if (!kGoldenPlatform) {
        GTEST_SKIP() << "golden values are for x86-64 libstdc++";
    }
    expect_layout(
        "AbiVersion", Growth::frozen,
        {sizeof(api::AbiVersion), {VG_FIELD(AbiVersion, major), VG_FIELD(AbiVersion, minor)}},
        {4, {{"major", 0, 2}, {"minor", 2, 2}}});
}

// Not a layout, but as binding: the ABI these goldens belong to, and the kinds it knows. Adding a
// kind is a minor bump (a newer host names an older plugin's kind; an older host refuses a newer
// kind by name); removing or renaming one is a major bump.
TEST(PluginApiLayout, AbiOneTwelveKnowsNineKindsIncludingBlueprints) {
    EXPECT_EQ(api::kAbiVersion.to_string(), "1.12");
    EXPECT_EQ(api::kind::kKnown.size(), 9U);
    for (const char* known : {"storage", "placement", "injection", "sync", "auth", "snapshot_store",
                              "migration", "event_sink", "blueprint"}) {
        EXPECT_TRUE(api::kind::is_known(known)) << known;
    }
    EXPECT_EQ(api::kind::kSnapshotStore, "snapshot_store");
    EXPECT_EQ(api::kind::kMigration, "migration");
    EXPECT_EQ(api::kind::kEventSink, "event_sink");
    EXPECT_EQ(api::kind::kBlueprint, "blueprint");
    EXPECT_FALSE(api::kind::is_known("rollout"));
}

TEST(PluginApiLayout, HostContext) {
    if (!kGoldenPlatform) {
        GTEST_SKIP() << "golden values are for x86-64 libstdc++";
    }
    expect_layout(
        "HostContext", Growth::may_grow,
        {sizeof(api::HostContext),
         {VG_FIELD(HostContext, host_abi), VG_FIELD(HostContext, logger),
          VG_FIELD(HostContext, config), VG_FIELD(HostContext, data_dir)}},
        {64, {{"host_abi", 0, 4}, {"logger", 8, 16}, {"config", 24, 48}, {"data_dir", 32, 32}}});
}

TEST(PluginApiLayout, PluginDescriptor) {
    if (!kGoldenPlatform) {
        GTEST_SKIP() << "golden values are for x86-64 libstdc++";
    }
    expect_layout("PluginDescriptor", Growth::may_grow,
                  {sizeof(api::PluginDescriptor),
                   {VG_FIELD(PluginDescriptor, struct_size), VG_FIELD(PluginDescriptor, abi_major),
                    VG_FIELD(PluginDescriptor, abi_minor), VG_FIELD(PluginDescriptor, kind),
                    VG_FIELD(PluginDescriptor, name), VG_FIELD(PluginDescriptor, version),
                    VG_FIELD(PluginDescriptor, summary), VG_FIELD(PluginDescriptor, config_keys),
                    VG_FIELD(PluginDescriptor, create), VG_FIELD(PluginDescriptor, build_key)}},
                  {64,
                   {{"struct_size", 0, 4},
                    {"abi_major", 4, 2},
                    {"abi_minor", 6, 2},
                    {"kind", 8, 8},
                    {"name", 16, 8},
                    {"version", 24, 8},
                    {"summary", 32, 8},
                    {"config_keys", 40, 8},
                    {"create", 48, 8},
                    {"build_key", 56, 8}}});
}

TEST(PluginApiLayout, SemVer) {
    if (!kGoldenPlatform) {
        GTEST_SKIP() << "golden values are for x86-64 libstdc++";
    }
    expect_layout("SemVer", Growth::frozen,
                  {sizeof(api::SemVer),
                   {VG_FIELD(SemVer, major), VG_FIELD(SemVer, minor), VG_FIELD(SemVer, patch)}},
                  {12, {{"major", 0, 4}, {"minor", 4, 4}, {"patch", 8, 4}}});
}

TEST(PluginApiLayout, StorageHealth) {
    if (!kGoldenPlatform) {
        GTEST_SKIP() << "golden values are for x86-64 libstdc++";
    }
    expect_layout("StorageHealth", Growth::frozen,
                  {sizeof(api::StorageHealth),
                   {VG_FIELD(StorageHealth, ok), VG_FIELD(StorageHealth, detail)}},
                  {40, {{"ok", 0, 1}, {"detail", 8, 32}}});
}

TEST(PluginApiLayout, Estate) {
    if (!kGoldenPlatform) {
        GTEST_SKIP() << "golden values are for x86-64 libstdc++";
    }
    expect_layout("Estate", Growth::frozen,
                  {sizeof(api::Estate),
                   {VG_FIELD(Estate, id), VG_FIELD(Estate, name), VG_FIELD(Estate, owner),
                    VG_FIELD(Estate, created_at), VG_FIELD(Estate, updated_at)}},
                  {160,
                   {{"id", 0, 32},
                    {"name", 32, 32},
                    {"owner", 64, 32},
                    {"created_at", 96, 32},
                    {"updated_at", 128, 32}}});
}

TEST(PluginApiLayout, RegionEnvironment) {
    if (!kGoldenPlatform) {
        GTEST_SKIP() << "golden values are for x86-64 libstdc++";
    }
    expect_layout(
        "RegionEnvironment", Growth::frozen,
        {sizeof(api::RegionEnvironment),
         {VG_FIELD(RegionEnvironment, water_height), VG_FIELD(RegionEnvironment, sun_fixed),
          VG_FIELD(RegionEnvironment, sun_position),
          VG_FIELD(RegionEnvironment, environment_preset)}},
        {56,
         {{"water_height", 0, 8},
          {"sun_fixed", 8, 1},
          {"sun_position", 16, 8},
          {"environment_preset", 24, 32}}});
}

TEST(PluginApiLayout, RegionTerrain) {
    if (!kGoldenPlatform) {
        GTEST_SKIP() << "golden values are for x86-64 libstdc++";
    }
    expect_layout("RegionTerrain", Growth::frozen,
                  {sizeof(api::RegionTerrain),
                   {VG_FIELD(RegionTerrain, raise_limit), VG_FIELD(RegionTerrain, lower_limit)}},
                  {16, {{"raise_limit", 0, 8}, {"lower_limit", 8, 8}}});
}

TEST(PluginApiLayout, RegionPermissions) {
    if (!kGoldenPlatform) {
        GTEST_SKIP() << "golden values are for x86-64 libstdc++";
    }
    expect_layout(
        "RegionPermissions", Growth::frozen,
        {sizeof(api::RegionPermissions),
         {VG_FIELD(RegionPermissions, public_access), VG_FIELD(RegionPermissions, allow_damage),
          VG_FIELD(RegionPermissions, allow_terraform)}},
        {3, {{"public_access", 0, 1}, {"allow_damage", 1, 1}, {"allow_terraform", 2, 1}}});
}

TEST(PluginApiLayout, RegionFlags) {
    if (!kGoldenPlatform) {
        GTEST_SKIP() << "golden values are for x86-64 libstdc++";
    }
    expect_layout("RegionFlags", Growth::frozen,
                  {sizeof(api::RegionFlags),
                   {VG_FIELD(RegionFlags, enabled), VG_FIELD(RegionFlags, allow_voice),
                    VG_FIELD(RegionFlags, allow_flying), VG_FIELD(RegionFlags, allow_scripts),
                    VG_FIELD(RegionFlags, max_prims), VG_FIELD(RegionFlags, max_agents)}},
                  {12,
                   {{"enabled", 0, 1},
                    {"allow_voice", 1, 1},
                    {"allow_flying", 2, 1},
                    {"allow_scripts", 3, 1},
                    {"max_prims", 4, 4},
                    {"max_agents", 8, 4}}});
}

TEST(PluginApiLayout, RegionPlacementRules) {
    if (!kGoldenPlatform) {
        GTEST_SKIP() << "golden values are for x86-64 libstdc++";
    }
    expect_layout("RegionPlacementRules", Growth::frozen,
                  {sizeof(api::RegionPlacementRules),
                   {VG_FIELD(RegionPlacementRules, simulator_id),
                    VG_FIELD(RegionPlacementRules, required_labels),
                    VG_FIELD(RegionPlacementRules, preferred_labels),
                    VG_FIELD(RegionPlacementRules, anti_affinity)}},
                  {104,
                   {{"simulator_id", 0, 32},
                    {"required_labels", 32, 24},
                    {"preferred_labels", 56, 24},
                    {"anti_affinity", 80, 24}}});
}

TEST(PluginApiLayout, RegionTemplateData) {
    if (!kGoldenPlatform) {
        GTEST_SKIP() << "golden values are for x86-64 libstdc++";
    }
    expect_layout("RegionTemplateData", Growth::frozen,
                  {sizeof(api::RegionTemplateData),
                   {VG_FIELD(RegionTemplateData, template_version),
                    VG_FIELD(RegionTemplateData, parcel_layout)}},
                  {48, {{"template_version", 0, 16}, {"parcel_layout", 16, 32}}});
}

TEST(PluginApiLayout, Region) {
    if (!kGoldenPlatform) {
        GTEST_SKIP() << "golden values are for x86-64 libstdc++";
    }
    expect_layout("Region", Growth::frozen,
                  {sizeof(api::Region),
                   {VG_FIELD(Region, uuid),
                    VG_FIELD(Region, name),
                    VG_FIELD(Region, estate_id),
                    VG_FIELD(Region, template_id),
                    VG_FIELD(Region, loc_x),
                    VG_FIELD(Region, loc_y),
                    VG_FIELD(Region, size_x),
                    VG_FIELD(Region, size_y),
                    VG_FIELD(Region, port),
                    VG_FIELD(Region, host),
                    VG_FIELD(Region, physics_type),
                    VG_FIELD(Region, terrain_preset),
                    VG_FIELD(Region, draw_distance_cap),
                    VG_FIELD(Region, version),
                    VG_FIELD(Region, region_state_mode),
                    VG_FIELD(Region, environment),
                    VG_FIELD(Region, terrain),
                    VG_FIELD(Region, permissions),
                    VG_FIELD(Region, flags),
                    VG_FIELD(Region, placement),
                    VG_FIELD(Region, template_data)}},
                  {536,
                   {{"uuid", 0, 32},
                    {"name", 32, 32},
                    {"estate_id", 64, 32},
                    {"template_id", 96, 32},
                    {"loc_x", 128, 4},
                    {"loc_y", 132, 4},
                    {"size_x", 136, 4},
                    {"size_y", 140, 4},
                    {"port", 144, 4},
                    {"host", 152, 32},
                    {"physics_type", 184, 32},
                    {"terrain_preset", 216, 32},
                    {"draw_distance_cap", 248, 4},
                    {"version", 252, 12},
                    {"region_state_mode", 264, 32},
                    {"environment", 296, 56},
                    {"terrain", 352, 16},
                    {"permissions", 368, 3},
                    {"flags", 372, 12},
                    {"placement", 384, 104},
                    {"template_data", 488, 48}}});
}

TEST(PluginApiLayout, RegionFilter) {
    if (!kGoldenPlatform) {
        GTEST_SKIP() << "golden values are for x86-64 libstdc++";
    }
    expect_layout("RegionFilter", Growth::may_grow,
                  {sizeof(api::RegionFilter),
                   {VG_FIELD(RegionFilter, name_prefix), VG_FIELD(RegionFilter, estate_id),
                    VG_FIELD(RegionFilter, template_id), VG_FIELD(RegionFilter, host)}},
                  {128,
                   {{"name_prefix", 0, 32},
                    {"estate_id", 32, 32},
                    {"template_id", 64, 32},
                    {"host", 96, 32}}});
}

TEST(PluginApiLayout, RegionHistoryEntry) {
    if (!kGoldenPlatform) {
        GTEST_SKIP() << "golden values are for x86-64 libstdc++";
    }
    expect_layout("RegionHistoryEntry", Growth::frozen,
                  {sizeof(api::RegionHistoryEntry),
                   {VG_FIELD(RegionHistoryEntry, region_uuid),
                    VG_FIELD(RegionHistoryEntry, version), VG_FIELD(RegionHistoryEntry, change),
                    VG_FIELD(RegionHistoryEntry, spec), VG_FIELD(RegionHistoryEntry, actor),
                    VG_FIELD(RegionHistoryEntry, request_id), VG_FIELD(RegionHistoryEntry, at)}},
                  {208,
                   {{"region_uuid", 0, 32},
                    {"version", 32, 12},
                    {"change", 48, 32},
                    {"spec", 80, 32},
                    {"actor", 112, 32},
                    {"request_id", 144, 32},
                    {"at", 176, 32}}});
}

TEST(PluginApiLayout, Template) {
    if (!kGoldenPlatform) {
        GTEST_SKIP() << "golden values are for x86-64 libstdc++";
    }
    expect_layout("Template", Growth::frozen,
                  {sizeof(api::Template),
                   {VG_FIELD(Template, id), VG_FIELD(Template, name), VG_FIELD(Template, version),
                    VG_FIELD(Template, spec), VG_FIELD(Template, created_at),
                    VG_FIELD(Template, updated_at), VG_FIELD(Template, actor)}},
                  {208,
                   {{"id", 0, 32},
                    {"name", 32, 32},
                    {"version", 64, 12},
                    {"spec", 80, 32},
                    {"created_at", 112, 32},
                    {"updated_at", 144, 32},
                    {"actor", 176, 32}}});
}

TEST(PluginApiLayout, TemplateVersion) {
    if (!kGoldenPlatform) {
        GTEST_SKIP() << "golden values are for x86-64 libstdc++";
    }
    expect_layout("TemplateVersion", Growth::frozen,
                  {sizeof(api::TemplateVersion),
                   {VG_FIELD(TemplateVersion, template_id), VG_FIELD(TemplateVersion, version),
                    VG_FIELD(TemplateVersion, spec), VG_FIELD(TemplateVersion, actor),
                    VG_FIELD(TemplateVersion, at)}},
                  {144,
                   {{"template_id", 0, 32},
                    {"version", 32, 12},
                    {"spec", 48, 32},
                    {"actor", 80, 32},
                    {"at", 112, 32}}});
}

TEST(PluginApiLayout, AuditEntry) {
    if (!kGoldenPlatform) {
        GTEST_SKIP() << "golden values are for x86-64 libstdc++";
    }
    expect_layout("AuditEntry", Growth::frozen,
                  {sizeof(api::AuditEntry),
                   {VG_FIELD(AuditEntry, id), VG_FIELD(AuditEntry, at), VG_FIELD(AuditEntry, actor),
                    VG_FIELD(AuditEntry, action), VG_FIELD(AuditEntry, entity_type),
                    VG_FIELD(AuditEntry, entity_id), VG_FIELD(AuditEntry, request_id),
                    VG_FIELD(AuditEntry, before), VG_FIELD(AuditEntry, after)}},
                  {264,
                   {{"id", 0, 8},
                    {"at", 8, 32},
                    {"actor", 40, 32},
                    {"action", 72, 32},
                    {"entity_type", 104, 32},
                    {"entity_id", 136, 32},
                    {"request_id", 168, 32},
                    {"before", 200, 32},
                    {"after", 232, 32}}});
}

TEST(PluginApiLayout, AuditFilter) {
    if (!kGoldenPlatform) {
        GTEST_SKIP() << "golden values are for x86-64 libstdc++";
    }
    expect_layout("AuditFilter", Growth::may_grow,
                  {sizeof(api::AuditFilter),
                   {VG_FIELD(AuditFilter, actor), VG_FIELD(AuditFilter, action),
                    VG_FIELD(AuditFilter, entity_type), VG_FIELD(AuditFilter, entity_id),
                    VG_FIELD(AuditFilter, since), VG_FIELD(AuditFilter, until)}},
                  {192,
                   {{"actor", 0, 32},
                    {"action", 32, 32},
                    {"entity_type", 64, 32},
                    {"entity_id", 96, 32},
                    {"since", 128, 32},
                    {"until", 160, 32}}});
}

TEST(PluginApiLayout, User) {
    if (!kGoldenPlatform) {
        GTEST_SKIP() << "golden values are for x86-64 libstdc++";
    }
    expect_layout(
        "User", Growth::frozen,
        {sizeof(api::User),
         {VG_FIELD(User, id), VG_FIELD(User, name), VG_FIELD(User, role),
          VG_FIELD(User, password_hash), VG_FIELD(User, disabled), VG_FIELD(User, created_at)}},
        {168,
         {{"id", 0, 32},
          {"name", 32, 32},
          {"role", 64, 32},
          {"password_hash", 96, 32},
          {"disabled", 128, 1},
          {"created_at", 136, 32}}});
}

TEST(PluginApiLayout, AccessToken) {
    if (!kGoldenPlatform) {
        GTEST_SKIP() << "golden values are for x86-64 libstdc++";
    }
    expect_layout("AccessToken", Growth::frozen,
                  {sizeof(api::AccessToken),
                   {VG_FIELD(AccessToken, id), VG_FIELD(AccessToken, token_hash),
                    VG_FIELD(AccessToken, kind), VG_FIELD(AccessToken, user_id),
                    VG_FIELD(AccessToken, label), VG_FIELD(AccessToken, created_at),
                    VG_FIELD(AccessToken, expires_at), VG_FIELD(AccessToken, revoked_at)}},
                  {256,
                   {{"id", 0, 32},
                    {"token_hash", 32, 32},
                    {"kind", 64, 32},
                    {"user_id", 96, 32},
                    {"label", 128, 32},
                    {"created_at", 160, 32},
                    {"expires_at", 192, 32},
                    {"revoked_at", 224, 32}}});
}

TEST(PluginApiLayout, RegistrationToken) {
    if (!kGoldenPlatform) {
        GTEST_SKIP() << "golden values are for x86-64 libstdc++";
    }
    expect_layout(
        "RegistrationToken", Growth::frozen,
        {sizeof(api::RegistrationToken),
         {VG_FIELD(RegistrationToken, id), VG_FIELD(RegistrationToken, token_hash),
          VG_FIELD(RegistrationToken, labels), VG_FIELD(RegistrationToken, created_by),
          VG_FIELD(RegistrationToken, created_at), VG_FIELD(RegistrationToken, expires_at),
          VG_FIELD(RegistrationToken, used_at), VG_FIELD(RegistrationToken, used_by_simulator)}},
        {248,
         {{"id", 0, 32},
          {"token_hash", 32, 32},
          {"labels", 64, 24},
          {"created_by", 88, 32},
          {"created_at", 120, 32},
          {"expires_at", 152, 32},
          {"used_at", 184, 32},
          {"used_by_simulator", 216, 32}}});
}

TEST(PluginApiLayout, Simulator) {
    if (!kGoldenPlatform) {
        GTEST_SKIP() << "golden values are for x86-64 libstdc++";
    }
    expect_layout(
        "Simulator", Growth::frozen,
        {sizeof(api::Simulator),
         {VG_FIELD(Simulator, id), VG_FIELD(Simulator, hostname), VG_FIELD(Simulator, labels),
          VG_FIELD(Simulator, capacity), VG_FIELD(Simulator, push_url), VG_FIELD(Simulator, state),
          VG_FIELD(Simulator, key_hash), VG_FIELD(Simulator, previous_key_hash),
          VG_FIELD(Simulator, previous_key_expires_at), VG_FIELD(Simulator, registered_at),
          VG_FIELD(Simulator, last_heartbeat_at), VG_FIELD(Simulator, cpu_load),
          VG_FIELD(Simulator, memory_load), VG_FIELD(Simulator, region_count)}},
        {344,
         {{"id", 0, 32},
          {"hostname", 32, 32},
          {"labels", 64, 24},
          {"capacity", 88, 4},
          {"push_url", 96, 32},
          {"state", 128, 32},
          {"key_hash", 160, 32},
          {"previous_key_hash", 192, 32},
          {"previous_key_expires_at", 224, 32},
          {"registered_at", 256, 32},
          {"last_heartbeat_at", 288, 32},
          {"cpu_load", 320, 8},
          {"memory_load", 328, 8},
          {"region_count", 336, 4}}});
}

TEST(PluginApiLayout, Operation) {
    if (!kGoldenPlatform) {
        GTEST_SKIP() << "golden values are for x86-64 libstdc++";
    }
    expect_layout(
        "Operation", Growth::frozen,
        {sizeof(api::Operation),
         {VG_FIELD(Operation, id), VG_FIELD(Operation, simulator_id),
          VG_FIELD(Operation, region_uuid), VG_FIELD(Operation, kind),
          VG_FIELD(Operation, op_class), VG_FIELD(Operation, region_version),
          VG_FIELD(Operation, spec), VG_FIELD(Operation, state), VG_FIELD(Operation, attempts),
          VG_FIELD(Operation, result), VG_FIELD(Operation, created_at),
          VG_FIELD(Operation, updated_at), VG_FIELD(Operation, due_at)}},
        {352,
         {{"id", 0, 8},
          {"simulator_id", 8, 32},
          {"region_uuid", 40, 32},
          {"kind", 72, 32},
          {"op_class", 104, 32},
          {"region_version", 136, 12},
          {"spec", 152, 32},
          {"state", 184, 32},
          {"attempts", 216, 4},
          {"result", 224, 32},
          {"created_at", 256, 32},
          {"updated_at", 288, 32},
          {"due_at", 320, 32}}});
}

TEST(PluginApiLayout, OperationFilter) {
    if (!kGoldenPlatform) {
        GTEST_SKIP() << "golden values are for x86-64 libstdc++";
    }
    expect_layout("OperationFilter", Growth::may_grow,
                  {sizeof(api::OperationFilter),
                   {VG_FIELD(OperationFilter, simulator_id), VG_FIELD(OperationFilter, region_uuid),
                    VG_FIELD(OperationFilter, state)}},
                  {96, {{"simulator_id", 0, 32}, {"region_uuid", 32, 32}, {"state", 64, 32}}});
}

TEST(PluginApiLayout, RegionFootprint) {
    if (!kGoldenPlatform) {
        GTEST_SKIP() << "golden values are for x86-64 libstdc++";
    }
    expect_layout("RegionFootprint", Growth::frozen,
                  {sizeof(api::RegionFootprint),
                   {VG_FIELD(RegionFootprint, uuid), VG_FIELD(RegionFootprint, name),
                    VG_FIELD(RegionFootprint, simulator_id), VG_FIELD(RegionFootprint, host),
                    VG_FIELD(RegionFootprint, port), VG_FIELD(RegionFootprint, loc_x),
                    VG_FIELD(RegionFootprint, loc_y), VG_FIELD(RegionFootprint, size_x),
                    VG_FIELD(RegionFootprint, size_y)}},
                  {152,
                   {{"uuid", 0, 32},
                    {"name", 32, 32},
                    {"simulator_id", 64, 32},
                    {"host", 96, 32},
                    {"port", 128, 4},
                    {"loc_x", 132, 4},
                    {"loc_y", 136, 4},
                    {"size_x", 140, 4},
                    {"size_y", 144, 4}}});
}

TEST(PluginApiLayout, GridChange) {
    if (!kGoldenPlatform) {
        GTEST_SKIP() << "golden values are for x86-64 libstdc++";
    }
    expect_layout("GridChange", Growth::frozen,
                  {sizeof(api::GridChange),
                   {VG_FIELD(GridChange, generation), VG_FIELD(GridChange, kind),
                    VG_FIELD(GridChange, entity_id)}},
                  {72, {{"generation", 0, 8}, {"kind", 8, 32}, {"entity_id", 40, 32}}});
}

TEST(PluginApiLayout, GridChanges) {
    if (!kGoldenPlatform) {
        GTEST_SKIP() << "golden values are for x86-64 libstdc++";
    }
    expect_layout(
        "GridChanges", Growth::frozen,
        {sizeof(api::GridChanges), {VG_FIELD(GridChanges, pruned), VG_FIELD(GridChanges, changes)}},
        {32, {{"pruned", 0, 1}, {"changes", 8, 24}}});
}

TEST(PluginApiLayout, RegionNeeds) {
    if (!kGoldenPlatform) {
        GTEST_SKIP() << "golden values are for x86-64 libstdc++";
    }
    expect_layout("RegionNeeds", Growth::may_grow,
                  {sizeof(api::RegionNeeds),
                   {VG_FIELD(RegionNeeds, region_id), VG_FIELD(RegionNeeds, size_x),
                    VG_FIELD(RegionNeeds, size_y), VG_FIELD(RegionNeeds, required_labels),
                    VG_FIELD(RegionNeeds, preferred_labels), VG_FIELD(RegionNeeds, region_name),
                    VG_FIELD(RegionNeeds, anti_affinity)}},
                  {144,
                   {{"region_id", 0, 32},
                    {"size_x", 32, 4},
                    {"size_y", 36, 4},
                    {"required_labels", 40, 24},
                    {"preferred_labels", 64, 24},
                    {"region_name", 88, 32},
                    {"anti_affinity", 120, 24}}});
}

TEST(PluginApiLayout, SimulatorSnapshot) {
    if (!kGoldenPlatform) {
        GTEST_SKIP() << "golden values are for x86-64 libstdc++";
    }
    expect_layout("SimulatorSnapshot", Growth::may_grow,
                  {sizeof(api::SimulatorSnapshot),
                   {VG_FIELD(SimulatorSnapshot, id), VG_FIELD(SimulatorSnapshot, state),
                    VG_FIELD(SimulatorSnapshot, labels), VG_FIELD(SimulatorSnapshot, region_count),
                    VG_FIELD(SimulatorSnapshot, capacity), VG_FIELD(SimulatorSnapshot, cpu_load),
                    VG_FIELD(SimulatorSnapshot, memory_load), VG_FIELD(SimulatorSnapshot, hostname),
                    VG_FIELD(SimulatorSnapshot, region_names)}},
                  {168,
                   {{"id", 0, 32},
                    {"state", 32, 32},
                    {"labels", 64, 24},
                    {"region_count", 88, 4},
                    {"capacity", 92, 4},
                    {"cpu_load", 96, 8},
                    {"memory_load", 104, 8},
                    {"hostname", 112, 32},
                    {"region_names", 144, 24}}});
}

TEST(PluginApiLayout, Credentials) {
    if (!kGoldenPlatform) {
        GTEST_SKIP() << "golden values are for x86-64 libstdc++";
    }
    expect_layout("Credentials", Growth::may_grow,
                  {sizeof(api::Credentials),
                   {VG_FIELD(Credentials, bearer_token), VG_FIELD(Credentials, session_token)}},
                  {64, {{"bearer_token", 0, 32}, {"session_token", 32, 32}}});
}

TEST(PluginApiLayout, Identity) {
    if (!kGoldenPlatform) {
        GTEST_SKIP() << "golden values are for x86-64 libstdc++";
    }
    expect_layout(
        "Identity", Growth::frozen,
        {sizeof(api::Identity),
         {VG_FIELD(Identity, subject), VG_FIELD(Identity, role), VG_FIELD(Identity, user_id)}},
        {96, {{"subject", 0, 32}, {"role", 32, 32}, {"user_id", 64, 32}}});
}

TEST(PluginApiLayout, IssuedToken) {
    if (!kGoldenPlatform) {
        GTEST_SKIP() << "golden values are for x86-64 libstdc++";
    }
    expect_layout(
        "IssuedToken", Growth::frozen,
        {sizeof(api::IssuedToken), {VG_FIELD(IssuedToken, token), VG_FIELD(IssuedToken, record)}},
        {288, {{"token", 0, 32}, {"record", 32, 256}}});
}

TEST(PluginApiLayout, RegionChangeSummary) {
    if (!kGoldenPlatform) {
        GTEST_SKIP() << "golden values are for x86-64 libstdc++";
    }
    expect_layout("RegionChangeSummary", Growth::may_grow,
                  {sizeof(api::RegionChangeSummary),
                   {VG_FIELD(RegionChangeSummary, kind), VG_FIELD(RegionChangeSummary, fields)}},
                  {56, {{"kind", 0, 32}, {"fields", 32, 24}}});
}

TEST(PluginApiLayout, RegionPlan) {
    if (!kGoldenPlatform) {
        GTEST_SKIP() << "golden values are for x86-64 libstdc++";
    }
    expect_layout(
        "RegionPlan", Growth::frozen,
        {sizeof(api::RegionPlan),
         {VG_FIELD(RegionPlan, id), VG_FIELD(RegionPlan, name), VG_FIELD(RegionPlan, loc_x),
          VG_FIELD(RegionPlan, loc_y), VG_FIELD(RegionPlan, size_x), VG_FIELD(RegionPlan, size_y),
          VG_FIELD(RegionPlan, port), VG_FIELD(RegionPlan, listen_ip),
          VG_FIELD(RegionPlan, external_host)}},
        {152,
         {{"id", 0, 32},
          {"name", 32, 32},
          {"loc_x", 64, 4},
          {"loc_y", 68, 4},
          {"size_x", 72, 4},
          {"size_y", 76, 4},
          {"port", 80, 4},
          {"listen_ip", 88, 32},
          {"external_host", 120, 32}}});
}

TEST(PluginApiLayout, CallResult) {
    if (!kGoldenPlatform) {
        GTEST_SKIP() << "golden values are for x86-64 libstdc++";
    }
    expect_layout(
        "CallResult", Growth::frozen,
        {sizeof(api::CallResult),
         {VG_FIELD(CallResult, ok), VG_FIELD(CallResult, timed_out), VG_FIELD(CallResult, error)}},
        {40, {{"ok", 0, 1}, {"timed_out", 1, 1}, {"error", 8, 32}}});
}

TEST(PluginApiLayout, InjectionOutcome) {
    if (!kGoldenPlatform) {
        GTEST_SKIP() << "golden values are for x86-64 libstdc++";
    }
    expect_layout("InjectionOutcome", Growth::frozen,
                  {sizeof(api::InjectionOutcome),
                   {VG_FIELD(InjectionOutcome, ok), VG_FIELD(InjectionOutcome, path),
                    VG_FIELD(InjectionOutcome, detail)}},
                  {72, {{"ok", 0, 1}, {"path", 8, 32}, {"detail", 40, 32}}});
}

TEST(PluginApiLayout, Snapshot) {
    if (!kGoldenPlatform) {
        GTEST_SKIP() << "golden values are for x86-64 libstdc++";
    }
    expect_layout(
        "Snapshot", Growth::frozen,
        {sizeof(api::Snapshot),
         {VG_FIELD(Snapshot, id), VG_FIELD(Snapshot, region_id), VG_FIELD(Snapshot, region_name),
          VG_FIELD(Snapshot, region_version), VG_FIELD(Snapshot, region_spec),
          VG_FIELD(Snapshot, lifecycle), VG_FIELD(Snapshot, simulator_id),
          VG_FIELD(Snapshot, parts), VG_FIELD(Snapshot, state), VG_FIELD(Snapshot, size_bytes),
          VG_FIELD(Snapshot, sha256), VG_FIELD(Snapshot, reason), VG_FIELD(Snapshot, note),
          VG_FIELD(Snapshot, failure), VG_FIELD(Snapshot, actor), VG_FIELD(Snapshot, operation_id),
          VG_FIELD(Snapshot, followup), VG_FIELD(Snapshot, created_at),
          VG_FIELD(Snapshot, updated_at)}},
        {544,
         {{"id", 0, 32},
          {"region_id", 32, 32},
          {"region_name", 64, 32},
          {"region_version", 96, 12},
          {"region_spec", 112, 32},
          {"lifecycle", 144, 32},
          {"simulator_id", 176, 32},
          {"parts", 208, 32},
          {"state", 240, 32},
          {"size_bytes", 272, 8},
          {"sha256", 280, 32},
          {"reason", 312, 32},
          {"note", 344, 32},
          {"failure", 376, 32},
          {"actor", 408, 32},
          {"operation_id", 440, 8},
          {"followup", 448, 32},
          {"created_at", 480, 32},
          {"updated_at", 512, 32}}});
}

TEST(PluginApiLayout, SnapshotFilter) {
    if (!kGoldenPlatform) {
        GTEST_SKIP() << "golden values are for x86-64 libstdc++";
    }
    expect_layout("SnapshotFilter", Growth::may_grow,
                  {sizeof(api::SnapshotFilter),
                   {VG_FIELD(SnapshotFilter, region_id), VG_FIELD(SnapshotFilter, state),
                    VG_FIELD(SnapshotFilter, reason)}},
                  {96, {{"region_id", 0, 32}, {"state", 32, 32}, {"reason", 64, 32}}});
}

TEST(PluginApiLayout, RegionStatePolicy) {
    if (!kGoldenPlatform) {
        GTEST_SKIP() << "golden values are for x86-64 libstdc++";
    }
    expect_layout("RegionStatePolicy", Growth::frozen,
                  {sizeof(api::RegionStatePolicy),
                   {VG_FIELD(RegionStatePolicy, region_id), VG_FIELD(RegionStatePolicy, lifecycle),
                    VG_FIELD(RegionStatePolicy, state_parts)}},
                  {96, {{"region_id", 0, 32}, {"lifecycle", 32, 32}, {"state_parts", 64, 32}}});
}

TEST(PluginApiLayout, OperationProgress) {
    if (!kGoldenPlatform) {
        GTEST_SKIP() << "golden values are for x86-64 libstdc++";
    }
    expect_layout(
        "OperationProgress", Growth::frozen,
        {sizeof(api::OperationProgress),
         {VG_FIELD(OperationProgress, operation_id), VG_FIELD(OperationProgress, fraction),
          VG_FIELD(OperationProgress, bytes_done), VG_FIELD(OperationProgress, bytes_total),
          VG_FIELD(OperationProgress, phase), VG_FIELD(OperationProgress, updated_at)}},
        {96,
         {{"operation_id", 0, 8},
          {"fraction", 8, 8},
          {"bytes_done", 16, 8},
          {"bytes_total", 24, 8},
          {"phase", 32, 32},
          {"updated_at", 64, 32}}});
}

// The step numbers cross the boundary (a plan is a vector of them): renumbering one is a major
// bump, a new step is appended.
TEST(PluginApiLayout, MigrationStepValuesAndNames) {
    static_assert(sizeof(api::MigrationStep) == 1);
    const std::vector<std::pair<api::MigrationStep, std::string>> golden{
        {api::MigrationStep::check_agents, "check_agents"},
        {api::MigrationStep::snapshot_first, "snapshot_first"},
        {api::MigrationStep::create_target, "create_target"},
        {api::MigrationStep::load_first, "load_first"},
        {api::MigrationStep::snapshot_final, "snapshot_final"},
        {api::MigrationStep::load_final, "load_final"},
        {api::MigrationStep::load_latest, "load_latest"},
        {api::MigrationStep::switch_over, "switch_over"},
        {api::MigrationStep::teardown_source, "teardown_source"}};
    for (std::size_t i = 0; i < golden.size(); ++i) {
        EXPECT_EQ(static_cast<std::size_t>(golden[i].first), i) << golden[i].second;
        EXPECT_EQ(api::to_string(golden[i].first), golden[i].second);
    }
}

TEST(PluginApiLayout, MigrationRequest) {
    if (!kGoldenPlatform) {
        GTEST_SKIP() << "golden values are for x86-64 libstdc++";
    }
    expect_layout(
        "MigrationRequest", Growth::may_grow,
        {sizeof(api::MigrationRequest),
         {VG_FIELD(MigrationRequest, warm), VG_FIELD(MigrationRequest, when_empty),
          VG_FIELD(MigrationRequest, source_online), VG_FIELD(MigrationRequest, has_snapshot),
          VG_FIELD(MigrationRequest, keeps_content)}},
        {5,
         {{"warm", 0, 1},
          {"when_empty", 1, 1},
          {"source_online", 2, 1},
          {"has_snapshot", 3, 1},
          {"keeps_content", 4, 1}}});
}

TEST(PluginApiLayout, Migration) {
    if (!kGoldenPlatform) {
        GTEST_SKIP() << "golden values are for x86-64 libstdc++";
    }
    expect_layout(
        "Migration", Growth::frozen,
        {sizeof(api::Migration),
         {VG_FIELD(Migration, id), VG_FIELD(Migration, batch_id), VG_FIELD(Migration, region_id),
          VG_FIELD(Migration, region_name), VG_FIELD(Migration, source_simulator_id),
          VG_FIELD(Migration, target_simulator_id), VG_FIELD(Migration, target_host),
          VG_FIELD(Migration, target_port), VG_FIELD(Migration, strategy),
          VG_FIELD(Migration, options), VG_FIELD(Migration, state), VG_FIELD(Migration, plan),
          VG_FIELD(Migration, step), VG_FIELD(Migration, operation_id), VG_FIELD(Migration, detail),
          VG_FIELD(Migration, error), VG_FIELD(Migration, actor), VG_FIELD(Migration, created_at),
          VG_FIELD(Migration, updated_at)}},
        {560,
         {{"id", 0, 32},
          {"batch_id", 32, 32},
          {"region_id", 64, 32},
          {"region_name", 96, 32},
          {"source_simulator_id", 128, 32},
          {"target_simulator_id", 160, 32},
          {"target_host", 192, 32},
          {"target_port", 224, 4},
          {"strategy", 232, 32},
          {"options", 264, 32},
          {"state", 296, 32},
          {"plan", 328, 32},
          {"step", 360, 32},
          {"operation_id", 392, 8},
          {"detail", 400, 32},
          {"error", 432, 32},
          {"actor", 464, 32},
          {"created_at", 496, 32},
          {"updated_at", 528, 32}}});
}

TEST(PluginApiLayout, MigrationBatch) {
    if (!kGoldenPlatform) {
        GTEST_SKIP() << "golden values are for x86-64 libstdc++";
    }
    expect_layout("MigrationBatch", Growth::frozen,
                  {sizeof(api::MigrationBatch),
                   {VG_FIELD(MigrationBatch, id), VG_FIELD(MigrationBatch, kind),
                    VG_FIELD(MigrationBatch, simulator_id), VG_FIELD(MigrationBatch, state),
                    VG_FIELD(MigrationBatch, max_parallel), VG_FIELD(MigrationBatch, options),
                    VG_FIELD(MigrationBatch, actor), VG_FIELD(MigrationBatch, created_at),
                    VG_FIELD(MigrationBatch, updated_at)}},
                  {264,
                   {{"id", 0, 32},
                    {"kind", 32, 32},
                    {"simulator_id", 64, 32},
                    {"state", 96, 32},
                    {"max_parallel", 128, 4},
                    {"options", 136, 32},
                    {"actor", 168, 32},
                    {"created_at", 200, 32},
                    {"updated_at", 232, 32}}});
}

// ABI 1.7 (PendingPlacementStore): returned by value in a vector.
TEST(PluginApiLayout, PendingPlacement) {
    if (!kGoldenPlatform) {
        GTEST_SKIP() << "golden values are for x86-64 libstdc++";
    }
    expect_layout(
        "PendingPlacement", Growth::frozen,
        {sizeof(api::PendingPlacement),
         {VG_FIELD(PendingPlacement, region_id), VG_FIELD(PendingPlacement, seq),
          VG_FIELD(PendingPlacement, reasons), VG_FIELD(PendingPlacement, since)}},
        {96, {{"region_id", 0, 32}, {"seq", 32, 8}, {"reasons", 40, 24}, {"since", 64, 32}}});
}

// ABI 1.8 (GridRuleQueries): returned by value; each member an optional Region (536 bytes and
// its flag).
TEST(PluginApiLayout, RegionConflicts) {
    if (!kGoldenPlatform) {
        GTEST_SKIP() << "golden values are for x86-64 libstdc++";
    }
    expect_layout(
        "RegionConflicts", Growth::frozen,
        {sizeof(api::RegionConflicts),
         {VG_FIELD(RegionConflicts, same_name), VG_FIELD(RegionConflicts, overlapping),
          VG_FIELD(RegionConflicts, same_host_port)}},
        {1632, {{"same_name", 0, 544}, {"overlapping", 544, 544}, {"same_host_port", 1088, 544}}});
}

// ABI 1.9 (ReplicaStore): IN/OUT, frozen; six strings and the leading flag.
TEST(PluginApiLayout, Replica) {
    if (!kGoldenPlatform) {
        GTEST_SKIP() << "golden values are for x86-64 libstdc++";
    }
    expect_layout("Replica", Growth::frozen,
                  {sizeof(api::Replica),
                   {VG_FIELD(Replica, id), VG_FIELD(Replica, name), VG_FIELD(Replica, url),
                    VG_FIELD(Replica, version), VG_FIELD(Replica, started_at),
                    VG_FIELD(Replica, seen_at), VG_FIELD(Replica, leading)}},
                  {200,
                   {{"id", 0, 32},
                    {"name", 32, 32},
                    {"url", 64, 32},
                    {"version", 96, 32},
                    {"started_at", 128, 32},
                    {"seen_at", 160, 32},
                    {"leading", 192, 1}}});
}

TEST(PluginApiLayout, MigrationFilter) {
    if (!kGoldenPlatform) {
        GTEST_SKIP() << "golden values are for x86-64 libstdc++";
    }
    expect_layout("MigrationFilter", Growth::may_grow,
                  {sizeof(api::MigrationFilter),
                   {VG_FIELD(MigrationFilter, region_id), VG_FIELD(MigrationFilter, batch_id),
                    VG_FIELD(MigrationFilter, state), VG_FIELD(MigrationFilter, simulator_id)}},
                  {128,
                   {{"region_id", 0, 32},
                    {"batch_id", 32, 32},
                    {"state", 64, 32},
                    {"simulator_id", 96, 32}}});
}

}  // namespace

// ABI 1.10 (EventOutbox): IN/OUT, frozen; the seq, five strings and the audit row's id.
TEST(PluginApiLayout, OutboxEvent) {
    if (!kGoldenPlatform) {
        GTEST_SKIP() << "golden values are for x86-64 libstdc++";
    }
    expect_layout(
        "OutboxEvent", Growth::frozen,
        {sizeof(api::OutboxEvent),
         {VG_FIELD(OutboxEvent, seq), VG_FIELD(OutboxEvent, id), VG_FIELD(OutboxEvent, type),
          VG_FIELD(OutboxEvent, subject), VG_FIELD(OutboxEvent, time),
          VG_FIELD(OutboxEvent, document), VG_FIELD(OutboxEvent, audit_id)}},
        {176,
         {{"seq", 0, 8},
          {"id", 8, 32},
          {"type", 40, 32},
          {"subject", 72, 32},
          {"time", 104, 32},
          {"document", 136, 32},
          {"audit_id", 168, 8}}});
}

// ABI 1.10 (EventSubscriptions): IN/OUT, frozen.
TEST(PluginApiLayout, EventSubscription) {
    if (!kGoldenPlatform) {
        GTEST_SKIP() << "golden values are for x86-64 libstdc++";
    }
    expect_layout(
        "EventSubscription", Growth::frozen,
        {sizeof(api::EventSubscription),
         {VG_FIELD(EventSubscription, id), VG_FIELD(EventSubscription, sink),
          VG_FIELD(EventSubscription, name), VG_FIELD(EventSubscription, target),
          VG_FIELD(EventSubscription, types), VG_FIELD(EventSubscription, subjects),
          VG_FIELD(EventSubscription, state), VG_FIELD(EventSubscription, cursor),
          VG_FIELD(EventSubscription, created_at), VG_FIELD(EventSubscription, updated_at)}},
        {296,
         {{"id", 0, 32},
          {"sink", 32, 32},
          {"name", 64, 32},
          {"target", 96, 32},
          {"types", 128, 32},
          {"subjects", 160, 32},
          {"state", 192, 32},
          {"cursor", 224, 8},
          {"created_at", 232, 32},
          {"updated_at", 264, 32}}});
}

// ABI 1.10 (EventSubscriptions): IN/OUT, frozen.
TEST(PluginApiLayout, EventDelivery) {
    if (!kGoldenPlatform) {
        GTEST_SKIP() << "golden values are for x86-64 libstdc++";
    }
    expect_layout("EventDelivery", Growth::frozen,
                  {sizeof(api::EventDelivery),
                   {VG_FIELD(EventDelivery, id), VG_FIELD(EventDelivery, subscription_id),
                    VG_FIELD(EventDelivery, event_seq), VG_FIELD(EventDelivery, event_id),
                    VG_FIELD(EventDelivery, event_type), VG_FIELD(EventDelivery, at),
                    VG_FIELD(EventDelivery, state), VG_FIELD(EventDelivery, attempt),
                    VG_FIELD(EventDelivery, status), VG_FIELD(EventDelivery, duration_ms),
                    VG_FIELD(EventDelivery, error)}},
                  {224,
                   {{"id", 0, 8},
                    {"subscription_id", 8, 32},
                    {"event_seq", 40, 8},
                    {"event_id", 48, 32},
                    {"event_type", 80, 32},
                    {"at", 112, 32},
                    {"state", 144, 32},
                    {"attempt", 176, 4},
                    {"status", 180, 4},
                    {"duration_ms", 184, 4},
                    {"error", 192, 32}}});
}

// ABI 1.10 (AuditChain): IN/OUT, frozen; an AuditEntry and its two links.
TEST(PluginApiLayout, ChainedAudit) {
    if (!kGoldenPlatform) {
        GTEST_SKIP() << "golden values are for x86-64 libstdc++";
    }
    expect_layout("ChainedAudit", Growth::frozen,
                  {sizeof(api::ChainedAudit),
                   {VG_FIELD(ChainedAudit, entry), VG_FIELD(ChainedAudit, prev_hash),
                    VG_FIELD(ChainedAudit, hash)}},
                  {328, {{"entry", 0, 264}, {"prev_hash", 264, 32}, {"hash", 296, 32}}});
}

// ABI 1.10 (EventSink): IN (may grow), and OUT, frozen.
TEST(PluginApiLayout, SinkTargetAndAttempt) {
    if (!kGoldenPlatform) {
        GTEST_SKIP() << "golden values are for x86-64 libstdc++";
    }
    expect_layout("SinkTarget", Growth::may_grow,
                  {sizeof(api::SinkTarget),
                   {VG_FIELD(SinkTarget, subscription_id), VG_FIELD(SinkTarget, target),
                    VG_FIELD(SinkTarget, deadline_ms)}},
                  {72, {{"subscription_id", 0, 32}, {"target", 32, 32}, {"deadline_ms", 64, 8}}});
    expect_layout(
        "SinkAttempt", Growth::frozen,
        {sizeof(api::SinkAttempt),
         {VG_FIELD(SinkAttempt, delivered), VG_FIELD(SinkAttempt, status),
          VG_FIELD(SinkAttempt, duration_ms), VG_FIELD(SinkAttempt, error)}},
        {48, {{"delivered", 0, 1}, {"status", 4, 4}, {"duration_ms", 8, 4}, {"error", 16, 32}}});
}

// ABI 1.11 (RolloutLedger): IN/OUT, frozen.
TEST(PluginApiLayout, RolloutAndRolloutRegion) {
    if (!kGoldenPlatform) {
        GTEST_SKIP() << "golden values are for x86-64 libstdc++";
    }
    expect_layout(
        "Rollout", Growth::frozen,
        {sizeof(api::Rollout),
         {VG_FIELD(Rollout, id), VG_FIELD(Rollout, template_id), VG_FIELD(Rollout, to_version),
          VG_FIELD(Rollout, state), VG_FIELD(Rollout, spec), VG_FIELD(Rollout, current_wave),
          VG_FIELD(Rollout, next_wave_at), VG_FIELD(Rollout, error), VG_FIELD(Rollout, actor),
          VG_FIELD(Rollout, created_at), VG_FIELD(Rollout, updated_at)}},
        {328,
         {{"id", 0, 32},
          {"template_id", 32, 32},
          {"to_version", 64, 32},
          {"state", 96, 32},
          {"spec", 128, 32},
          {"current_wave", 160, 4},
          {"next_wave_at", 168, 32},
          {"error", 200, 32},
          {"actor", 232, 32},
          {"created_at", 264, 32},
          {"updated_at", 296, 32}}});
    expect_layout("RolloutRegion", Growth::frozen,
                  {sizeof(api::RolloutRegion),
                   {VG_FIELD(RolloutRegion, rollout_id), VG_FIELD(RolloutRegion, region_id),
                    VG_FIELD(RolloutRegion, region_name), VG_FIELD(RolloutRegion, wave),
                    VG_FIELD(RolloutRegion, state), VG_FIELD(RolloutRegion, from_version),
                    VG_FIELD(RolloutRegion, to_version), VG_FIELD(RolloutRegion, operation_id),
                    VG_FIELD(RolloutRegion, started_at), VG_FIELD(RolloutRegion, finished_at),
                    VG_FIELD(RolloutRegion, error)}},
                  {304,
                   {{"rollout_id", 0, 32},
                    {"region_id", 32, 32},
                    {"region_name", 64, 32},
                    {"wave", 96, 4},
                    {"state", 104, 32},
                    {"from_version", 136, 32},
                    {"to_version", 168, 32},
                    {"operation_id", 200, 8},
                    {"started_at", 208, 32},
                    {"finished_at", 240, 32},
                    {"error", 272, 32}}});
}

// ABI 1.11 (Blueprint): IN (may grow).
TEST(PluginApiLayout, BlueprintInput) {
    if (!kGoldenPlatform) {
        GTEST_SKIP() << "golden values are for x86-64 libstdc++";
    }
    expect_layout("BlueprintInput", Growth::may_grow,
                  {sizeof(api::BlueprintInput),
                   {VG_FIELD(BlueprintInput, parameters), VG_FIELD(BlueprintInput, templates),
                    VG_FIELD(BlueprintInput, estates)}},
                  {96, {{"parameters", 0, 32}, {"templates", 32, 32}, {"estates", 64, 32}}});
}
