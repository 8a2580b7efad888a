-- VergeGrid schema 9 (SQLite): a region's settings move from six one-row-per-region tables
-- (region_environment, region_terrain, region_permissions, region_flags,
-- region_placement_rules, region_template_data) into columns of regions. Every region had exactly
-- one row in each, so nothing is gained by the split, and each create wrote seven rows into
-- thirteen B-trees (each table and its primary-key index) and each read joined seven tables
-- (docs/benchmarks.md "One row per region"). region_placement_rules.simulator_id becomes
-- regions.placement_simulator_id, the API's placement.simulator_id: the simulator placement chose
-- or the region is pinned to, '' for a region placed by hand or pending.
--
-- Statement rule (sql/README.md): the migration runner splits this file at lines ENDING in ';'
-- and drops whole-line '--' comments. Never end a line inside a statement with ';'.
-- Released: never edit this file; add 010_*.sql instead.

-- SQLite adds a NOT NULL column only with a default. The defaults fill nothing that stays: the
-- UPDATE below copies every region's values, and every write names every column.
ALTER TABLE regions ADD COLUMN water_height REAL NOT NULL DEFAULT 0;
ALTER TABLE regions ADD COLUMN sun_fixed INTEGER NOT NULL DEFAULT 0 CHECK (sun_fixed IN (0, 1));
ALTER TABLE regions ADD COLUMN sun_position REAL NOT NULL DEFAULT 0;
ALTER TABLE regions ADD COLUMN environment_preset VARCHAR(255) NOT NULL DEFAULT '';
ALTER TABLE regions ADD COLUMN raise_limit REAL NOT NULL DEFAULT 0;
ALTER TABLE regions ADD COLUMN lower_limit REAL NOT NULL DEFAULT 0;
ALTER TABLE regions ADD COLUMN public_access INTEGER NOT NULL DEFAULT 0 CHECK (public_access IN (0, 1));
ALTER TABLE regions ADD COLUMN allow_damage INTEGER NOT NULL DEFAULT 0 CHECK (allow_damage IN (0, 1));
ALTER TABLE regions ADD COLUMN allow_terraform INTEGER NOT NULL DEFAULT 0 CHECK (allow_terraform IN (0, 1));
ALTER TABLE regions ADD COLUMN enabled INTEGER NOT NULL DEFAULT 0 CHECK (enabled IN (0, 1));
ALTER TABLE regions ADD COLUMN allow_voice INTEGER NOT NULL DEFAULT 0 CHECK (allow_voice IN (0, 1));
ALTER TABLE regions ADD COLUMN allow_flying INTEGER NOT NULL DEFAULT 0 CHECK (allow_flying IN (0, 1));
ALTER TABLE regions ADD COLUMN allow_scripts INTEGER NOT NULL DEFAULT 0 CHECK (allow_scripts IN (0, 1));
ALTER TABLE regions ADD COLUMN max_prims INTEGER NOT NULL DEFAULT 0;
ALTER TABLE regions ADD COLUMN max_agents INTEGER NOT NULL DEFAULT 0;
ALTER TABLE regions ADD COLUMN placement_simulator_id VARCHAR(64) NOT NULL DEFAULT '';
ALTER TABLE regions ADD COLUMN required_labels TEXT NOT NULL DEFAULT '[]';
ALTER TABLE regions ADD COLUMN preferred_labels TEXT NOT NULL DEFAULT '[]';
ALTER TABLE regions ADD COLUMN anti_affinity TEXT NOT NULL DEFAULT '[]';
ALTER TABLE regions ADD COLUMN template_version_major INTEGER NULL;
ALTER TABLE regions ADD COLUMN template_version_minor INTEGER NULL;
ALTER TABLE regions ADD COLUMN template_version_patch INTEGER NULL;
ALTER TABLE regions ADD COLUMN parcel_layout TEXT NOT NULL DEFAULT '';

UPDATE regions SET
    water_height = env.water_height, sun_fixed = env.sun_fixed,
    sun_position = env.sun_position, environment_preset = env.environment_preset,
    raise_limit = ter.raise_limit, lower_limit = ter.lower_limit,
    public_access = perm.public_access, allow_damage = perm.allow_damage,
    allow_terraform = perm.allow_terraform,
    enabled = fl.enabled, allow_voice = fl.allow_voice, allow_flying = fl.allow_flying,
    allow_scripts = fl.allow_scripts, max_prims = fl.max_prims, max_agents = fl.max_agents,
    placement_simulator_id = pl.simulator_id, required_labels = pl.required_labels,
    preferred_labels = pl.preferred_labels, anti_affinity = pl.anti_affinity,
    template_version_major = td.template_version_major,
    template_version_minor = td.template_version_minor,
    template_version_patch = td.template_version_patch, parcel_layout = td.parcel_layout
    FROM region_environment env, region_terrain ter, region_permissions perm, region_flags fl,
         region_placement_rules pl, region_template_data td
    WHERE env.region_uuid = regions.uuid AND ter.region_uuid = regions.uuid
      AND perm.region_uuid = regions.uuid AND fl.region_uuid = regions.uuid
      AND pl.region_uuid = regions.uuid AND td.region_uuid = regions.uuid;

DROP TABLE region_environment;
DROP TABLE region_terrain;
DROP TABLE region_permissions;
DROP TABLE region_flags;
DROP TABLE region_placement_rules;
DROP TABLE region_template_data;

-- How many regions a simulator holds (GridChangeLog::count_regions_on_simulator).
CREATE INDEX regions_placement_simulator ON regions (placement_simulator_id);
