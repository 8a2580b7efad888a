// Schema 9: a region's settings moved from six one-row-per-region tables into columns of regions.
// A database the previous release (schema 8) left, holding regions with every setting set, one
// with the model's defaults and one pending, is upgraded in place: each region reads back field
// for field (doubles bit for bit), the six tables are gone, and the regions are written again.
#include <gmock/gmock.h>
#include <soci/boost-optional.h>
#include <soci/soci.h>

#include "old_schema.hpp"
#include "storage_contract.hpp"

namespace vergegrid::test::storage {
namespace {

namespace api = plugin_api;
using ::testing::HasSubstr;

// A label list as schema 8 stored it (the samples' labels need no escaping).
std::string json_array(const std::vector<std::string>& labels) {
    std::string text = "[";
    for (const auto& label : labels) {
        text += (text.size() > 1 ? ",\"" : "\"") + label + "\"";
    }
    return text + "]";
}

// `r` written the way a schema 8 plugin wrote it: the main row and its six supplement rows.
void insert_as_schema_eight(soci::session& sql, const api::Region& r) {
    const bool pending = r.host.empty() && r.port == 0;
    const boost::optional<std::string> host =
        pending ? boost::none : boost::optional<std::string>(r.host);
    const boost::optional<int> port = pending ? boost::none : boost::optional<int>(r.port);
    const boost::optional<std::string> template_id =
        r.template_id.empty() ? boost::none : boost::optional<std::string>(r.template_id);
    sql << "INSERT INTO regions (uuid, name, estate_id, template_id, loc_x, loc_y, size_x, "
           "size_y, port, host, physics_type, terrain_preset, draw_distance_cap, version_major, "
           "version_minor, version_patch, region_state_mode) VALUES (:uuid, :name, :estate, "
           ":template_id, :x, :y, :w, :h, :port, :host, :physics, :terrain, :draw, :major, "
           ":minor, :patch, :mode)",
        soci::use(r.uuid, "uuid"), soci::use(r.name, "name"), soci::use(r.estate_id, "estate"),
        soci::use(template_id, "template_id"), soci::use(r.loc_x, "x"), soci::use(r.loc_y, "y"),
        soci::use(r.size_x, "w"), soci::use(r.size_y, "h"), soci::use(port, "port"),
        soci::use(host, "host"), soci::use(r.physics_type, "physics"),
        soci::use(r.terrain_preset, "terrain"), soci::use(r.draw_distance_cap, "draw"),
        soci::use(r.version.major, "major"), soci::use(r.version.minor, "minor"),
        soci::use(r.version.patch, "patch"), soci::use(r.region_state_mode, "mode");

    const int sun_fixed = r.environment.sun_fixed ? 1 : 0;
    sql << "INSERT INTO region_environment (region_uuid, water_height, sun_fixed, sun_position, "
           "environment_preset) VALUES (:uuid, :water, :fixed, :sun, :preset)",
        soci::use(r.uuid, "uuid"), soci::use(r.environment.water_height, "water"),
        soci::use(sun_fixed, "fixed"), soci::use(r.environment.sun_position, "sun"),
        soci::use(r.environment.environment_preset, "preset");
    sql << "INSERT INTO region_terrain (region_uuid, raise_limit, lower_limit) "
           "VALUES (:uuid, :raise, :lower)",
        soci::use(r.uuid, "uuid"), soci::use(r.terrain.raise_limit, "raise"),
        soci::use(r.terrain.lower_limit, "lower");
    const int access = r.permissions.public_access ? 1 : 0;
    const int damage = r.permissions.allow_damage ? 1 : 0;
    const int terraform = r.permissions.allow_terraform ? 1 : 0;
    sql << "INSERT INTO region_permissions (region_uuid, public_access, allow_damage, "
           "allow_terraform) VALUES (:uuid, :access, :damage, :terraform)",
        soci::use(r.uuid, "uuid"), soci::use(access, "access"), soci::use(damage, "damage"),
        soci::use(terraform, "terraform");
    const int enabled = r.flags.enabled ? 1 : 0;
    const int voice = r.flags.allow_voice ? 1 : 0;
    const int flying = r.flags.allow_flying ? 1 : 0;
    const int scripts = r.flags.allow_scripts ? 1 : 0;
    sql << "INSERT INTO region_flags (region_uuid, enabled, allow_voice, allow_flying, "
           "allow_scripts, max_prims, max_agents) VALUES (:uuid, :enabled, :voice, :flying, "
           ":scripts, :prims, :agents)",
        soci::use(r.uuid, "uuid"), soci::use(enabled, "enabled"), soci::use(voice, "voice"),
        soci::use(flying, "flying"), soci::use(scripts, "scripts"),
        soci::use(r.flags.max_prims, "prims"), soci::use(r.flags.max_agents, "agents");
    const std::string required = json_array(r.placement.required_labels);
    const std::string preferred = json_array(r.placement.preferred_labels);
    const std::string anti = json_array(r.placement.anti_affinity);
    sql << "INSERT INTO region_placement_rules (region_uuid, simulator_id, required_labels, "
           "preferred_labels, anti_affinity) VALUES (:uuid, :sim, :required, :preferred, :anti)",
        soci::use(r.uuid, "uuid"), soci::use(r.placement.simulator_id, "sim"),
        soci::use(required, "required"), soci::use(preferred, "preferred"), soci::use(anti, "anti");
    const auto& version = r.template_data.template_version;
    const boost::optional<int> major = version ? boost::optional<int>(version->major) : boost::none;
    const boost::optional<int> minor = version ? boost::optional<int>(version->minor) : boost::none;
    const boost::optional<int> patch = version ? boost::optional<int>(version->patch) : boost::none;
    sql << "INSERT INTO region_template_data (region_uuid, template_version_major, "
           "template_version_minor, template_version_patch, parcel_layout) VALUES (:uuid, "
           ":major, :minor, :patch, :parcels)",
        soci::use(r.uuid, "uuid"), soci::use(major, "major"), soci::use(minor, "minor"),
        soci::use(patch, "patch"), soci::use(r.template_data.parcel_layout, "parcels");
}

TEST_P(StorageContract, ASchemaEightDatabaseKeepsEveryRegionSettingInTheRegionsRow) {
    auto old_database = make_harness(GetParam());
    const api::Estate estate = sample_estate(1, "Kept");
    const api::Template tmpl = sample_template(2, "Kept template");

    api::Region everything = sample_region(11, "Every setting", estate.id, 1000, 1000, "h", 9000);
    everything.template_id = tmpl.id;
    everything.size_x = 512;
    api::Region defaults;  // the model's defaults: flags true, empty lists, no template
    defaults.uuid = uuid(12);
    defaults.name = "Defaults";
    defaults.estate_id = estate.id;
    defaults.host = "h";
    defaults.port = 9001;
    defaults.loc_x = 1010;
    defaults.region_state_mode = "full";
    api::Region pending = sample_region(13, "Pending", estate.id, 1020, 1000, "", 0);
    pending.placement.simulator_id = "sim-7";
    pending.environment.water_height = -0.30000000000000004;
    pending.flags.max_agents = 1;
    {
        auto sql = old_database->direct();
        build_schema_up_to(*sql, GetParam(), 8);
        *sql << "INSERT INTO estates (id, name, owner, created_at, updated_at) "
                "VALUES (:id, :name, 'o', 't', 't')",
            soci::use(estate.id, "id"), soci::use(estate.name, "name");
        *sql << "INSERT INTO templates (id, name, version_major, version_minor, version_patch, "
                "spec, created_at, updated_at) VALUES (:id, :name, 1, 2, 3, '{}', 't', 't')",
            soci::use(tmpl.id, "id"), soci::use(tmpl.name, "name");
        for (const auto& region : {everything, defaults, pending}) {
            insert_as_schema_eight(*sql, region);
        }
        *sql << "INSERT INTO region_placement_pending (region_id, seq, reasons, since) "
                "VALUES (:id, 1, '[\"no simulator\"]', 't')",
            soci::use(pending.uuid, "id");
        *sql << "INSERT INTO region_runtime (region_uuid, observed_state) "
                "VALUES (:id, 'running')",
            soci::use(everything.uuid, "id");
    }
    {
        // The backend object dies before the database is dropped (end of this block).
        const auto logger = std::make_shared<CollectingLogger>();
        const auto object = create_backend_on(*old_database, logger);
        auto& backend = dynamic_cast<api::StorageBackend&>(*object);
        backend.open();
        EXPECT_THAT(logger->text(), HasSubstr("applying migration 9 (region_columns)"));
        EXPECT_THAT(logger->text(), ::testing::Not(HasSubstr("applying migration 8 ")));
        {
            auto tx = backend.begin(api::Access::read_write);
            for (const auto& region : {everything, defaults, pending}) {
                const auto found = tx->find_region(region.uuid);
                ASSERT_TRUE(found.has_value()) << region.name;
                EXPECT_EQ(dump(*found), dump(region));
            }
            EXPECT_EQ(change_log(*tx).count_regions_on_simulator("sim-42"), 1);
            EXPECT_EQ(change_log(*tx).count_regions_on_simulator("sim-7"), 1);
            const auto queued = pending_store(*tx).list_pending(10);
            ASSERT_EQ(queued.size(), 1U);
            EXPECT_EQ(queued.front().region_id, pending.uuid);

            // Written again under the new schema: every field changes and reads back.
            api::Region changed = defaults;
            changed.environment.sun_fixed = true;
            changed.flags.max_prims = 5;
            changed.placement.simulator_id = "sim-42";
            changed.placement.anti_affinity = {"other"};
            changed.template_data.template_version = api::SemVer{4, 5, 6};
            tx->update_region(changed);
            EXPECT_EQ(dump(tx->find_region(changed.uuid).value()), dump(changed));
            EXPECT_EQ(change_log(*tx).count_regions_on_simulator("sim-42"), 2);
            tx->delete_region(everything.uuid);
            tx->commit();
        }
        backend.close();
    }
    auto sql = old_database->direct();
    for (const char* table : {"region_environment", "region_terrain", "region_permissions",
                              "region_flags", "region_placement_rules", "region_template_data"}) {
        int count = -1;
        EXPECT_ANY_THROW((*sql << std::string("SELECT COUNT(*) FROM ") + table, soci::into(count)))
            << table << " is still there";
    }
    int runtime_rows = -1;
    *sql << "SELECT COUNT(*) FROM region_runtime", soci::into(runtime_rows);
    EXPECT_EQ(runtime_rows, 0) << "the runtime row went with its region (ON DELETE CASCADE)";
}

}  // namespace
}  // namespace vergegrid::test::storage
