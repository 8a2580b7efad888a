-- VergeGrid schema 9 (MariaDB/MySQL): a region's settings move from six one-row-per-region tables
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

-- One statement, the index with it: MariaDB commits each DDL statement by itself (sql/README.md),
-- so the fewer there are, the smaller the window a failure could leave half done. The defaults
-- fill nothing that stays: the UPDATE below copies every region's values, and every write names
-- every column.
ALTER TABLE regions
    ADD COLUMN water_height DOUBLE NOT NULL DEFAULT 0,
    ADD COLUMN sun_fixed INTEGER NOT NULL DEFAULT 0 CHECK (sun_fixed IN (0, 1)),
    ADD COLUMN sun_position DOUBLE NOT NULL DEFAULT 0,
    ADD COLUMN environment_preset VARCHAR(255) NOT NULL DEFAULT '',
    ADD COLUMN raise_limit DOUBLE NOT NULL DEFAULT 0,
    ADD COLUMN lower_limit DOUBLE NOT NULL DEFAULT 0,
    ADD COLUMN public_access INTEGER NOT NULL DEFAULT 0 CHECK (public_access IN (0, 1)),
    ADD COLUMN allow_damage INTEGER NOT NULL DEFAULT 0 CHECK (allow_damage IN (0, 1)),
    ADD COLUMN allow_terraform INTEGER NOT NULL DEFAULT 0 CHECK (allow_terraform IN (0, 1)),
    ADD COLUMN enabled INTEGER NOT NULL DEFAULT 0 CHECK (enabled IN (0, 1)),
    ADD COLUMN allow_voice INTEGER NOT NULL DEFAULT 0 CHECK (allow_voice IN (0, 1)),
    ADD COLUMN allow_flying INTEGER NOT NULL DEFAULT 0 CHECK (allow_flying IN (0, 1)),
    ADD COLUMN allow_scripts INTEGER NOT NULL DEFAULT 0 CHECK (allow_scripts IN (0, 1)),
    ADD COLUMN max_prims INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN max_agents INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN placement_simulator_id VARCHAR(64) NOT NULL DEFAULT '',
    ADD COLUMN required_labels TEXT NOT NULL DEFAULT '[]',
    ADD COLUMN preferred_labels TEXT NOT NULL DEFAULT '[]',
    ADD COLUMN anti_affinity TEXT NOT NULL DEFAULT '[]',
    ADD COLUMN template_version_major INTEGER NULL,
    ADD COLUMN template_version_minor INTEGER NULL,
    ADD COLUMN template_version_patch INTEGER NULL,
    ADD COLUMN parcel_layout LONGTEXT NOT NULL DEFAULT '',
    ADD INDEX regions_placement_simulator (placement_simulator_id);

UPDATE regions r
    JOIN region_environment env ON env.region_uuid = r.uuid
    JOIN region_terrain ter ON ter.region_uuid = r.uuid
    JOIN region_permissions perm ON perm.region_uuid = r.uuid
    JOIN region_flags fl ON fl.region_uuid = r.uuid
    JOIN region_placement_rules pl ON pl.region_uuid = r.uuid
    JOIN region_template_data td ON td.region_uuid = r.uuid
    SET
    r.water_height = env.water_height, r.sun_fixed = env.sun_fixed,
    r.sun_position = env.sun_position, r.environment_preset = env.environment_preset,
    r.raise_limit = ter.raise_limit, r.lower_limit = ter.lower_limit,
    r.public_access = perm.public_access, r.allow_damage = perm.allow_damage,
    r.allow_terraform = perm.allow_terraform,
    r.enabled = fl.enabled, r.allow_voice = fl.allow_voice, r.allow_flying = fl.allow_flying,
    r.allow_scripts = fl.allow_scripts, r.max_prims = fl.max_prims, r.max_agents = fl.max_agents,
    r.placement_simulator_id = pl.simulator_id, r.required_labels = pl.required_labels,
    r.preferred_labels = pl.preferred_labels, r.anti_affinity = pl.anti_affinity,
    r.template_version_major = td.template_version_major,
    r.template_version_minor = td.template_version_minor,
    r.template_version_patch = td.template_version_patch, r.parcel_layout = td.parcel_layout;

DROP TABLE region_environment, region_terrain, region_permissions, region_flags,
    region_placement_rules, region_template_data;
