// How each answer reads in table mode: the columns of each list, an entity as key/value lines,
// and one-line summaries of changes.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "cli/entity_kind.hpp"
#include "cli/output.hpp"

namespace vergegrid::cli {

std::vector<Column> entity_columns(const EntityKind& kind);
std::vector<Column> region_history_columns();
std::vector<Column> template_version_columns();
std::vector<Column> audit_columns();
std::vector<Column> snapshot_columns();
std::vector<Column> region_settings_columns();
std::vector<Column> simulator_columns();
std::vector<Column> drain_columns();
std::vector<Column> operation_columns();
std::vector<Column> migration_columns();
std::vector<Column> batch_columns();
std::vector<Column> rebalance_columns();
std::vector<Column> user_columns();
std::vector<Column> token_columns();
// GET /cluster's items: a "*" before the replica that answered (`replica`), then NAME ID URL
// VERSION STARTED SEEN, LEADER ("leader" or "-") and LIVE ("live" or "gone").
std::vector<Column> replica_columns(const std::string& replica);
// A replica by its name and id ("cp1:9800 (0193…)"), or the id alone when `items` lacks it.
std::string replica_label(const Json& items, const std::string& id);

// A list answer's items as a table; a note on `err` when more pages exist.
void print_list(std::ostream& out, std::ostream& err, const std::vector<Column>& columns,
                const Json& answer);

// Key/value lines: id, name and version first (then a region's pending_restart, as a list of
// fields or "none"), then the rest in the server's order.
void print_entity(std::ostream& out, const Json& entity);

// A move: its fields (options flattened), then its steps as a table.
void print_migration(std::ostream& out, const Json& migration);
// "created region Alpha (id …, version 1.0.0)", or for a change the new version, the bump and one
// line per changed field. `verb` is "created", "updated", "rolled back", …
void print_change_summary(std::ostream& out, const EntityKind& kind, const std::string& verb,
                          const Json& entity);

}  // namespace vergegrid::cli
