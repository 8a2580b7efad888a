// One database transaction of the control plane. Every mutating API request runs in exactly one:
// the region row, its supplements, its history row and the audit row commit together or not at
// all. Destroying a transaction that was not committed rolls it back.
#pragma once

#include <boost/config.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "vergegrid/plugin_api/storage_model.hpp"

namespace vergegrid::plugin_api {

// Any storage failure. The message is for operators' logs, not for API clients.
class BOOST_SYMBOL_VISIBLE StorageError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// A constraint of the database refused the write (unique name, unique host+port, a foreign key).
// The control plane checks these rules itself first; this is the safety net under concurrency.
class BOOST_SYMBOL_VISIBLE StorageConflict : public StorageError {
  public:
    using StorageError::StorageError;
};

// Another transaction held a lock for too long, or the database reported a serialization
// failure: the whole request may be retried.
class BOOST_SYMBOL_VISIBLE StorageBusy : public StorageError {
  public:
    using StorageError::StorageError;
};

enum class Access {
    read,        // a consistent snapshot; may run concurrently with other transactions
    read_write,  // serialised with every other read_write transaction of the grid
};

class BOOST_SYMBOL_VISIBLE StorageTransaction {
  public:
    virtual ~StorageTransaction() = default;  // rolls back unless committed

    virtual void commit() = 0;

    // Estates, ordered by name; `after_name` is the keyset cursor ("" = from the start).
    virtual std::optional<Estate> find_estate(const std::string& id) = 0;
    virtual std::optional<Estate> find_estate_by_name(const std::string& name) = 0;
    virtual std::vector<Estate> list_estates(const std::string& after_name, int limit) = 0;
    virtual void insert_estate(const Estate& estate) = 0;
    virtual void update_estate(const Estate& estate) = 0;
    virtual void delete_estate(const std::string& id) = 0;
    virtual int count_regions_in_estate(const std::string& estate_id) = 0;

    // Templates with all their versions, ordered by name.
    virtual std::optional<Template> find_template(const std::string& id) = 0;
    virtual std::optional<Template> find_template_by_name(const std::string& name) = 0;
    virtual std::vector<Template> list_templates(const std::string& after_name, int limit) = 0;
    virtual void insert_template(const Template& tmpl) = 0;  // also records its first version
    virtual void update_template(const Template& tmpl) = 0;  // also records tmpl.version
    virtual void delete_template(const std::string& id) = 0;
    virtual std::vector<TemplateVersion> list_template_versions(const std::string& template_id) = 0;
    virtual std::optional<TemplateVersion> find_template_version(const std::string& template_id,
                                                                 const SemVer& version) = 0;
    virtual int count_regions_from_template(const std::string& template_id) = 0;

    // Regions (main row and every supplement), ordered by name.
    virtual std::optional<Region> find_region(const std::string& uuid) = 0;
    virtual std::optional<Region> find_region_by_name(const std::string& name) = 0;
    virtual std::vector<Region> list_regions(const RegionFilter& filter,
                                             const std::string& after_name, int limit) = 0;
    virtual void insert_region(const Region& region) = 0;
    virtual void update_region(const Region& region) = 0;
    virtual void delete_region(const std::string& uuid) = 0;
    // Regions whose footprint [loc, loc + size/256) meets the rectangle [x0, x1) x [y0, y1) in
    // region units, except `exclude_uuid`.
    virtual std::vector<Region> find_regions_overlapping(int x0, int y0, int x1, int y1,
                                                         const std::string& exclude_uuid) = 0;
    virtual std::optional<Region> find_region_by_host_port(const std::string& host, int port,
                                                           const std::string& exclude_uuid) = 0;

    // History is append-only.
    virtual void append_history(const RegionHistoryEntry& entry) = 0;
    virtual std::vector<RegionHistoryEntry> list_history(const std::string& region_uuid) = 0;
    virtual std::optional<RegionHistoryEntry> find_history(const std::string& region_uuid,
                                                           const SemVer& version) = 0;

    // Audit is append-only; newest first, `before_id` is the keyset cursor (0 = from the newest).
    virtual std::int64_t append_audit(const AuditEntry& entry) = 0;
    virtual std::vector<AuditEntry> list_audit(const AuditFilter& filter, std::int64_t before_id,
                                               int limit) = 0;
};

}  // namespace vergegrid::plugin_api
