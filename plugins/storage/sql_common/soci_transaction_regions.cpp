// Regions: one row each (schema 9), written and read whole.
#include <soci/boost-optional.h>
#include <soci/soci.h>

#include "name_folding.hpp"
#include "overlap_search.hpp"
#include "prepared_statement.hpp"
#include "region_row.hpp"
#include "soci_transaction.hpp"

namespace vergegrid::plugins::sql {

namespace api = plugin_api;

namespace {

// LIKE pattern matching names that start with `prefix` literally: '!' escapes LIKE's wildcards
// ('!' rather than '\', which MariaDB string literals would need doubled). LIKE is case-sensitive
// on every backend here (SQLite: PRAGMA case_sensitive_like; MariaDB: utf8mb4_bin; PostgreSQL).
std::string like_prefix(const std::string& prefix) {
    std::string pattern;
    pattern.reserve(prefix.size() + 1);
    for (const char c : prefix) {
        if (c == '%' || c == '_' || c == '!') {
            pattern.push_back('!');
        }
        pattern.push_back(c);
    }
    pattern.push_back('%');
    return pattern;
}

boost::optional<std::string> null_if_empty(const std::string& text) {
    return text.empty() ? boost::optional<std::string>() : boost::optional<std::string>(text);
}

// Every column of the row, by the names the INSERT and the UPDATE below use.
BoundValues region_values(const api::Region& r) {
    const bool pending = r.host.empty() && r.port == 0;
    const auto& version = r.template_data.template_version;
    const auto template_part = [&version](int api::SemVer::*field) {
        return version ? boost::optional<int>((*version).*field) : boost::none;
    };
    const auto flag = [](bool value) { return value ? 1 : 0; };
    BoundValues values;
    values.text("uuid", r.uuid)
        .text("name", r.name)
        .text("estate_id", r.estate_id)
        .text_or_null("template_id", null_if_empty(r.template_id))
        .number("loc_x", r.loc_x)
        .number("loc_y", r.loc_y)
        .number("size_x", r.size_x)
        .number("size_y", r.size_y)
        // A pending region (host "" and port 0, docs/api.md "Pending regions") has neither:
        // NULL, which UNIQUE never compares. A port 0 beside a host is still refused (CHECK).
        .number_or_null("port", pending ? boost::optional<int>() : boost::optional<int>(r.port))
        .text_or_null(
            "host", pending ? boost::optional<std::string>() : boost::optional<std::string>(r.host))
        .text("physics_type", r.physics_type)
        .text("terrain_preset", r.terrain_preset)
        .number("draw_distance_cap", r.draw_distance_cap)
        .number("major", r.version.major)
        .number("minor", r.version.minor)
        .number("patch", r.version.patch)
        .text("mode", r.region_state_mode)
        .real("water_height", r.environment.water_height)
        .number("sun_fixed", flag(r.environment.sun_fixed))
        .real("sun_position", r.environment.sun_position)
        .text("preset", r.environment.environment_preset)
        .real("raise_limit", r.terrain.raise_limit)
        .real("lower_limit", r.terrain.lower_limit)
        .number("public_access", flag(r.permissions.public_access))
        .number("allow_damage", flag(r.permissions.allow_damage))
        .number("allow_terraform", flag(r.permissions.allow_terraform))
        .number("enabled", flag(r.flags.enabled))
        .number("allow_voice", flag(r.flags.allow_voice))
        .number("allow_flying", flag(r.flags.allow_flying))
        .number("allow_scripts", flag(r.flags.allow_scripts))
        .number("max_prims", r.flags.max_prims)
        .number("max_agents", r.flags.max_agents)
        .text("placement_simulator", r.placement.simulator_id)
        .text("required", labels_to_json(r.placement.required_labels))
        .text("preferred", labels_to_json(r.placement.preferred_labels))
        .text("anti_affinity", labels_to_json(r.placement.anti_affinity))
        .number_or_null("template_major", template_part(&api::SemVer::major))
        .number_or_null("template_minor", template_part(&api::SemVer::minor))
        .number_or_null("template_patch", template_part(&api::SemVer::patch))
        .text("parcel_layout", r.template_data.parcel_layout);
    return values;
}

const std::string kInsertRegion =
    "INSERT INTO regions (uuid, name, estate_id, template_id, loc_x, loc_y, size_x, size_y, "
    "port, host, physics_type, terrain_preset, draw_distance_cap, version_major, "
    "version_minor, version_patch, region_state_mode, water_height, sun_fixed, sun_position, "
    "environment_preset, raise_limit, lower_limit, public_access, allow_damage, "
    "allow_terraform, enabled, allow_voice, allow_flying, allow_scripts, max_prims, max_agents, "
    "placement_simulator_id, required_labels, preferred_labels, anti_affinity, "
    "template_version_major, template_version_minor, template_version_patch, parcel_layout) "
    "VALUES (:uuid, :name, :estate_id, :template_id, :loc_x, :loc_y, :size_x, :size_y, :port, "
    ":host, :physics_type, :terrain_preset, :draw_distance_cap, :major, :minor, :patch, :mode, "
    ":water_height, :sun_fixed, :sun_position, :preset, :raise_limit, :lower_limit, "
    ":public_access, :allow_damage, :allow_terraform, :enabled, :allow_voice, :allow_flying, "
    ":allow_scripts, :max_prims, :max_agents, :placement_simulator, :required, :preferred, "
    ":anti_affinity, :template_major, :template_minor, :template_patch, :parcel_layout)";

const std::string kUpdateRegion =
    "UPDATE regions SET name = :name, estate_id = :estate_id, template_id = :template_id, "
    "loc_x = :loc_x, loc_y = :loc_y, size_x = :size_x, size_y = :size_y, port = :port, "
    "host = :host, physics_type = :physics_type, terrain_preset = :terrain_preset, "
    "draw_distance_cap = :draw_distance_cap, version_major = :major, "
    "version_minor = :minor, version_patch = :patch, region_state_mode = :mode, "
    "water_height = :water_height, sun_fixed = :sun_fixed, sun_position = :sun_position, "
    "environment_preset = :preset, raise_limit = :raise_limit, lower_limit = :lower_limit, "
    "public_access = :public_access, allow_damage = :allow_damage, "
    "allow_terraform = :allow_terraform, enabled = :enabled, allow_voice = :allow_voice, "
    "allow_flying = :allow_flying, allow_scripts = :allow_scripts, max_prims = :max_prims, "
    "max_agents = :max_agents, placement_simulator_id = :placement_simulator, "
    "required_labels = :required, preferred_labels = :preferred, "
    "anti_affinity = :anti_affinity, template_version_major = :template_major, "
    "template_version_minor = :template_minor, template_version_patch = :template_patch, "
    "parcel_layout = :parcel_layout WHERE uuid = :uuid";

}  // namespace

void SociTransaction::execute_cached(soci::session& sql, const std::string& text,
                                     const BoundValues& values) {
    run_prepared_command(lease_.statements(), sql, text, values);
}

int SociTransaction::execute_cached_counted(soci::session& sql, const std::string& text,
                                            const BoundValues& values) {
    return static_cast<int>(run_prepared_counted(lease_.statements(), sql, text, values));
}

std::vector<std::string> SociTransaction::select_keys(soci::session& sql, const std::string& text,
                                                      const BoundValues& values) {
    std::vector<std::string> keys;
    run_prepared_query<std::string>(
        lease_.statements(), sql, text, values,
        [](soci::statement& st, std::string& key) { st.exchange(soci::into(key)); },
        [&](const std::string& key) { keys.push_back(key); });
    return keys;
}

std::vector<api::Region> SociTransaction::select_regions(soci::session& sql,
                                                         const std::string& conditions,
                                                         const std::string& order_and_limit,
                                                         const BoundValues& values) {
    std::vector<api::Region> regions;
    run_prepared_query<RegionRow>(
        lease_.statements(), sql, std::string(kRegionSelect) + conditions + order_and_limit, values,
        bind_region_row, [&](const RegionRow& row) { regions.push_back(to_region(row)); });
    return regions;
}

std::optional<api::Region> SociTransaction::find_region(const std::string& uuid) {
    std::optional<api::Region> result;
    run("find_region", [&](soci::session& sql) {
        auto regions =
            select_regions(sql, " WHERE r.uuid = :uuid", "", BoundValues().text("uuid", uuid));
        if (!regions.empty()) {
            result = std::move(regions.front());
        }
    });
    return result;
}

std::optional<api::Region> SociTransaction::find_region_by_name(const std::string& name) {
    std::optional<api::Region> result;
    run("find_region_by_name", [&](soci::session& sql) {
        auto regions = select_regions(sql, " WHERE " + folded_name_matches(dialect_, "r.name"), "",
                                      BoundValues().text("key", name));
        if (!regions.empty()) {
            result = std::move(regions.front());
        }
    });
    return result;
}

std::vector<api::RegionFootprint> SociTransaction::list_region_footprints() {
    std::vector<api::RegionFootprint> result;
    run("list_region_footprints", [&](soci::session& sql) {
        run_prepared_query<api::RegionFootprint>(
            lease_.statements(), sql, std::string(kFootprintSelect) + "ORDER BY r.name",
            BoundValues(), bind_footprint,
            [&](const api::RegionFootprint& f) { result.push_back(f); });
    });
    return result;
}

namespace {

// " WHERE ..." for list_regions' filter and keyset page; the values are bound.
std::string region_list_conditions(const api::RegionFilter& filter, const std::string& after_name,
                                   BoundValues& values) {
    // Fixed fragments, chosen by which filters are set.
    std::string conditions = " WHERE 1 = 1";
    if (!filter.name_prefix.empty()) {
        conditions += " AND r.name LIKE :pattern ESCAPE '!'";
        values.text("pattern", like_prefix(filter.name_prefix));
    }
    if (!filter.estate_id.empty()) {
        conditions += " AND r.estate_id = :estate_id";
        values.text("estate_id", filter.estate_id);
    }
    if (!filter.template_id.empty()) {
        conditions += " AND r.template_id = :template_id";
        values.text("template_id", filter.template_id);
    }
    if (!filter.host.empty()) {
        conditions += " AND r.host = :host";
        values.text("host", filter.host);
    }
    if (!after_name.empty()) {
        conditions += " AND r.name > :after";
        values.text("after", after_name);
    }
    return conditions;
}

}  // namespace

std::vector<api::Region> SociTransaction::list_regions(const api::RegionFilter& filter,
                                                       const std::string& after_name, int limit) {
    std::vector<api::Region> result;
    if (limit <= 0) {
        return result;
    }
    run("list_regions", [&](soci::session& sql) {
        BoundValues values;
        const std::string conditions = region_list_conditions(filter, after_name, values);
        values.number("limit", limit);
        result = select_regions(sql, conditions, " ORDER BY r.name LIMIT :limit", values);
    });
    return result;
}

std::vector<api::Region> SociTransaction::list_regions_by_placement(const api::RegionFilter& filter,
                                                                    bool pending,
                                                                    const std::string& after_name,
                                                                    int limit) {
    std::vector<api::Region> result;
    if (limit <= 0) {
        return result;
    }
    run("list_regions_by_placement", [&](soci::session& sql) {
        BoundValues values;
        std::string conditions = region_list_conditions(filter, after_name, values);
        conditions += pending ? " AND EXISTS" : " AND NOT EXISTS";
        conditions += " (SELECT 1 FROM region_placement_pending pp WHERE pp.region_id = r.uuid)";
        values.number("limit", limit);
        result = select_regions(sql, conditions, " ORDER BY r.name LIMIT :limit", values);
    });
    return result;
}

void SociTransaction::insert_region(const api::Region& region) {
    run("insert_region", [&](soci::session& sql) {
        log_grid_change(sql, "region", region.uuid, {Write{kInsertRegion, region_values(region)}});
    });
}

void SociTransaction::update_region(const api::Region& region) {
    run("update_region", [&](soci::session& sql) {
        require_row(sql, "SELECT COUNT(*) FROM regions WHERE uuid = :key", region.uuid, "region");
        log_grid_change(sql, "region", region.uuid, {Write{kUpdateRegion, region_values(region)}});
    });
}

void SociTransaction::delete_region(const std::string& uuid) {
    // Its state policy and runtime rows go with it (ON DELETE CASCADE); its history stays.
    run("delete_region", [&](soci::session& sql) {
        sql << "DELETE FROM regions WHERE uuid = :uuid", soci::use(uuid, "uuid");
        log_grid_change(sql, "region", uuid);
    });
}

namespace {

BoundValues& bind_overlap(BoundValues& values, int x0, int y0, int x1, int y1,
                          const std::string& exclude_uuid) {
    return values.number("x1", x1)
        .number("x_from", x0)
        .number("x0", x0)
        .number("y1", y1)
        .number("y_from", y0)
        .number("y0", y0)
        .text("exclude", exclude_uuid);
}

// kRegionSelect with one more column after the region's.
std::string region_select_with(const std::string& column) {
    return kRegionColumns + (", " + column) + " FROM regions r";
}

enum ConflictKind { kSameName = 1, kOverlapping = 2, kSameHostPort = 3 };

struct ConflictRow {
    RegionRow row;
    int kind = 0;
};

}  // namespace

std::vector<api::Region> SociTransaction::find_regions_overlapping(
    int x0, int y0, int x1, int y1, const std::string& exclude_uuid) {
    std::vector<api::Region> result;
    run("find_regions_overlapping", [&](soci::session& sql) {
        // One statement, not a query for the widths first: every create asks, inside the write
        // transaction, and on PostgreSQL each statement is a round trip.
        BoundValues values;
        run_prepared_query<RegionRow>(
            lease_.statements(), sql,
            kRegionColumns + overlapping_regions(dialect_, x1 - x0) + " ORDER BY r.name",
            bind_overlap(values, x0, y0, x1, y1, exclude_uuid), bind_region_row,
            [&](const RegionRow& row) { result.push_back(to_region(row)); });
    });
    return result;
}

api::RegionConflicts SociTransaction::find_region_conflicts(const api::Region& region) {
    api::RegionConflicts conflicts;
    run("find_region_conflicts", [&](soci::session& sql) {
        // The three lookups the grid rules make, as one UNION ALL: each arm tags its rows. The
        // overlap arm reads the first overlapping region by name as MIN(name), which needs no
        // sort (on SQLite, no temporary table); inside its subquery `r` is the search's own.
        const std::string text =
            region_select_with(std::to_string(kSameName) + " AS conflict_kind") + " WHERE " +
            folded_name_matches(dialect_, "r.name") + " AND r.uuid <> :exclude_name UNION ALL " +
            region_select_with(std::to_string(kOverlapping) + " AS conflict_kind") +
            " WHERE r.name = (SELECT MIN(r.name)" +
            overlapping_regions(dialect_, region.size_x / 256) + ") UNION ALL " +
            region_select_with(std::to_string(kSameHostPort) + " AS conflict_kind") +
            " WHERE r.host = :host AND r.port = :port AND r.uuid <> :exclude_port";
        BoundValues values;
        values.text("key", region.name).text("exclude_name", region.uuid);
        bind_overlap(values, region.loc_x, region.loc_y, region.loc_x + region.size_x / 256,
                     region.loc_y + region.size_y / 256, region.uuid);
        values.text("host", region.host)
            .number("port", region.port)
            .text("exclude_port", region.uuid);
        run_prepared_query<ConflictRow>(
            lease_.statements(), sql, text, values,
            [](soci::statement& st, ConflictRow& row) {
                bind_region_row(st, row.row);
                st.exchange(soci::into(row.kind));
            },
            [&](const ConflictRow& row) {
                auto& slot = row.kind == kSameName      ? conflicts.same_name
                             : row.kind == kOverlapping ? conflicts.overlapping
                                                        : conflicts.same_host_port;
                if (!slot) {
                    slot = to_region(row.row);
                }
            });
    });
    return conflicts;
}

std::optional<api::Region> SociTransaction::find_region_by_host_port(
    const std::string& host, int port, const std::string& exclude_uuid) {
    std::optional<api::Region> result;
    run("find_region_by_host_port", [&](soci::session& sql) {
        auto regions = select_regions(
            sql, " WHERE r.host = :host AND r.port = :port AND r.uuid <> :exclude", "",
            BoundValues().text("host", host).number("port", port).text("exclude", exclude_uuid));
        if (!regions.empty()) {
            result = std::move(regions.front());
        }
    });
    return result;
}

}  // namespace vergegrid::plugins::sql
