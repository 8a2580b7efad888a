// Records for the contract tests: every field set to something other than its default, so that a
// column that is not written or not read back shows up as a difference.
#pragma once

#include <string>

#include "vergegrid/plugin_api/storage_model.hpp"

namespace vergegrid::test::storage {

// "00000000-0000-4000-8000-<n as 12 digits>"
std::string uuid(int n);

plugin_api::Estate sample_estate(int n, const std::string& name);
plugin_api::Template sample_template(int n, const std::string& name);

// A 256 m region at (x, y) on `host`:`port`, with every supplement field set (unicode text,
// doubles that are not exact in binary, booleans opposite to their defaults, label lists,
// a template version).
plugin_api::Region sample_region(int n, const std::string& name, const std::string& estate_id,
                                 int x, int y, const std::string& host, int port);

// Every field of a record as one line per field, doubles in their shortest exact form: equal
// texts mean equal records, and a test failure shows the field that differs.
std::string dump(const plugin_api::Region& region);
std::string dump(const plugin_api::Estate& estate);
std::string dump(const plugin_api::Template& tmpl);
std::string dump(const plugin_api::AuditEntry& entry);
std::string dump(const plugin_api::RegionHistoryEntry& entry);

}  // namespace vergegrid::test::storage
