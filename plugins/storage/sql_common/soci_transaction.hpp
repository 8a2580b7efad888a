// StorageTransaction over one leased SOCI session: the repository layer shared by the sqlite,
// postgresql and mysql plugins. Every statement is fixed SQL text (composed from fixed fragments
// where a filter is optional); values only travel through soci::use bindings.
//
// Split by subject to keep files small: soci_transaction.cpp (lifecycle, estates, templates),
// soci_transaction_regions.cpp (regions and supplements), soci_transaction_log.cpp (history,
// audit).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "connection_pool.hpp"
#include "dialect.hpp"
#include "vergegrid/plugin_api/storage_transaction.hpp"

namespace soci {
class session;
class statement;
}  // namespace soci

namespace vergegrid::plugins::sql {

class SociTransaction final : public plugin_api::StorageTransaction {
  public:
    // Opens the transaction (the dialect's begin statements, plus the grid lock for read_write).
    // Throws StorageBusy when the lock is not granted in time.
    SociTransaction(ConnectionPool::Lease lease, const Dialect& dialect, plugin_api::Access access);
    ~SociTransaction() override;  // rolls back unless committed

    SociTransaction(const SociTransaction&) = delete;
    SociTransaction& operator=(const SociTransaction&) = delete;

    void commit() override;

    std::optional<plugin_api::Estate> find_estate(const std::string& id) override;
    std::optional<plugin_api::Estate> find_estate_by_name(const std::string& name) override;
    std::vector<plugin_api::Estate> list_estates(const std::string& after_name, int limit) override;
    void insert_estate(const plugin_api::Estate& estate) override;
    void update_estate(const plugin_api::Estate& estate) override;
    void delete_estate(const std::string& id) override;
    int count_regions_in_estate(const std::string& estate_id) override;

    std::optional<plugin_api::Template> find_template(const std::string& id) override;
    std::optional<plugin_api::Template> find_template_by_name(const std::string& name) override;
    std::vector<plugin_api::Template> list_templates(const std::string& after_name,
                                                     int limit) override;
    void insert_template(const plugin_api::Template& tmpl) override;
    void update_template(const plugin_api::Template& tmpl) override;
    void delete_template(const std::string& id) override;
    std::vector<plugin_api::TemplateVersion> list_template_versions(
        const std::string& template_id) override;
    std::optional<plugin_api::TemplateVersion> find_template_version(
        const std::string& template_id, const plugin_api::SemVer& version) override;
    int count_regions_from_template(const std::string& template_id) override;

    std::optional<plugin_api::Region> find_region(const std::string& uuid) override;
    std::optional<plugin_api::Region> find_region_by_name(const std::string& name) override;
    std::vector<plugin_api::Region> list_regions(const plugin_api::RegionFilter& filter,
                                                 const std::string& after_name, int limit) override;
    void insert_region(const plugin_api::Region& region) override;
    void update_region(const plugin_api::Region& region) override;
    void delete_region(const std::string& uuid) override;
    std::vector<plugin_api::Region> find_regions_overlapping(
        int x0, int y0, int x1, int y1, const std::string& exclude_uuid) override;
    std::optional<plugin_api::Region> find_region_by_host_port(
        const std::string& host, int port, const std::string& exclude_uuid) override;

    void append_history(const plugin_api::RegionHistoryEntry& entry) override;
    std::vector<plugin_api::RegionHistoryEntry> list_history(
        const std::string& region_uuid) override;
    std::optional<plugin_api::RegionHistoryEntry> find_history(
        const std::string& region_uuid, const plugin_api::SemVer& version) override;

    std::int64_t append_audit(const plugin_api::AuditEntry& entry) override;
    std::vector<plugin_api::AuditEntry> list_audit(const plugin_api::AuditFilter& filter,
                                                   std::int64_t before_id, int limit) override;

  private:
    // Runs `body` on the session. Database errors become StorageConflict / StorageBusy /
    // StorageError named after `operation`; after any failure the transaction can only be
    // rolled back (PostgreSQL would silently turn a later COMMIT into a rollback: we refuse it
    // on every backend alike).
    void run(const char* operation, const std::function<void(soci::session&)>& body);

    void ensure_open(const char* operation) const;
    void note_failure(const char* operation);
    void rollback() noexcept;

    std::vector<plugin_api::Region> select_regions(
        soci::session& sql, const std::string& conditions, const std::string& order_and_limit,
        const std::function<void(soci::statement&)>& bind);
    void write_supplements(soci::session& sql, const plugin_api::Region& region);
    void require_row(soci::session& sql, const std::string& count_query, const std::string& key,
                     const std::string& what);

    ConnectionPool::Lease lease_;
    const Dialect& dialect_;
    bool open_ = false;    // begun and not yet committed or rolled back
    bool failed_ = false;  // a statement failed: commit is refused
};

}  // namespace vergegrid::plugins::sql
