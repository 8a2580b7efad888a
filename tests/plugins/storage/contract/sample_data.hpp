// Records for the contract tests: every field set to something other than its default, so that a
// column that is not written or not read back shows up as a difference.
#pragma once

#include <string>

#include "vergegrid/plugin_api/access_model.hpp"
#include "vergegrid/plugin_api/storage_model.hpp"
#include "vergegrid/plugin_api/storage_operations.hpp"

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

// ABI 1.1 records (AccessStore, OperationStore), every field set. The user is enabled with a
// password hash, the token never expires and is not revoked, the registration token is unused,
// the simulator has a previous key and loads that are not exact in binary, the operation is an
// eager pending update due at once.
plugin_api::User sample_user(int n, const std::string& name);
plugin_api::AccessToken sample_access_token(int n, const std::string& user_id);
plugin_api::RegistrationToken sample_registration_token(int n);
plugin_api::Simulator sample_simulator(int n, const std::string& hostname);
plugin_api::Operation sample_operation(const std::string& simulator_id,
                                       const std::string& region_uuid);

// A double in its shortest text that reads back as the same value.
std::string exact(double value);

// Every field of a record as one line per field, doubles in their shortest exact form: equal
// texts mean equal records, and a test failure shows the field that differs.
std::string dump(const plugin_api::Region& region);
std::string dump(const plugin_api::Estate& estate);
std::string dump(const plugin_api::Template& tmpl);
std::string dump(const plugin_api::AuditEntry& entry);
std::string dump(const plugin_api::RegionHistoryEntry& entry);
std::string dump(const plugin_api::User& user);
std::string dump(const plugin_api::AccessToken& token);
std::string dump(const plugin_api::RegistrationToken& token);
std::string dump(const plugin_api::Simulator& simulator);
std::string dump(const plugin_api::Operation& operation);

}  // namespace vergegrid::test::storage
