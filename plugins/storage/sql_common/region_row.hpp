// A region as its row of the regions table (schema 9: one row holds every setting), and the
// mapping between that row and plugin_api::Region. Booleans travel as INTEGER 0/1, label lists as
// JSON arrays, an empty template_id / absent template_version as NULL, and so are the host "" and
// port 0 of a pending region (schema 8; the SELECT reads NULL back as those).
#pragma once

#include <boost/optional.hpp>
#include <string>
#include <vector>

#include "vergegrid/plugin_api/storage_grid.hpp"
#include "vergegrid/plugin_api/storage_model.hpp"

namespace soci {
class statement;
}

namespace vergegrid::plugins::sql {

struct RegionRow {
    plugin_api::Region region;  // every field that needs no conversion is fetched in place
    boost::optional<std::string> template_id;
    int sun_fixed = 0;
    int public_access = 0, allow_damage = 0, allow_terraform = 0;
    int enabled = 0, allow_voice = 0, allow_flying = 0, allow_scripts = 0;
    std::string required_labels, preferred_labels, anti_affinity;
    boost::optional<int> template_major, template_minor, template_patch;
};

// SELECT <every column Region needs> of the region `r`, without FROM: for a search that names its
// own (the overlap search, overlap_search.hpp).
extern const char* const kRegionColumns;

// kRegionColumns FROM regions r; append conditions on `r.` columns, then ORDER BY.
extern const std::string kRegionSelect;

// Binds every column of kRegionColumns, in order, into `row`.
void bind_region_row(soci::statement& st, RegionRow& row);

// SELECT of what placement needs of every region (plugin_api::RegionFootprint, GridStore); append
// conditions on `r.` columns, then ORDER BY. A pending region's NULL host and port read as "" and
// 0.
extern const char* const kFootprintSelect;

// Binds every column of kFootprintSelect, in order, into `footprint`.
void bind_footprint(soci::statement& st, plugin_api::RegionFootprint& footprint);

// The row as a Region. Throws plugin_api::StorageError for a label list that is not a JSON array
// of strings.
plugin_api::Region to_region(const RegionRow& row);

// A label list as stored: a JSON array of strings.
std::string labels_to_json(const std::vector<std::string>& labels);

// A stored label list back. Throws plugin_api::StorageError naming `what` (e.g.
// "simulator X: simulators.labels") when `text` is not a JSON array of strings.
std::vector<std::string> labels_from_json(const std::string& text, const std::string& what);

}  // namespace vergegrid::plugins::sql
