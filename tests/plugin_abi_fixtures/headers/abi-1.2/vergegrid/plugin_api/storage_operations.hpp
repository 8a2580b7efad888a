// ABI 1.1 extension of StorageTransaction: the durable queue of operations simulators apply.
// An operation is written in the same transaction as the region change it carries.
#pragma once

#include <boost/config.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "vergegrid/plugin_api/semver.hpp"

namespace vergegrid::plugin_api {

struct Operation {
    std::int64_t id = 0;  // assigned by storage, increasing
    std::string simulator_id;
    std::string region_uuid;
    std::string kind;       // create, update, delete, restart, enable, disable
    std::string op_class;   // eager, lazy
    SemVer region_version;  // the version the operation applies
    std::string spec;       // the region as JSON at that version; "" for delete
    std::string state;      // pending, delivered, succeeded, failed
    int attempts = 0;       // deliveries so far
    std::string result;     // JSON text the bridge reported; "" until then
    std::string created_at;
    std::string updated_at;
    std::string due_at;  // not delivered before this time (lazy window); "" = at once
};

struct OperationFilter {
    std::string simulator_id;
    std::string region_uuid;
    std::string state;
};

class BOOST_SYMBOL_VISIBLE OperationStore {
  public:
    virtual ~OperationStore() = default;

    virtual std::int64_t insert_operation(const Operation& operation) = 0;
    virtual std::optional<Operation> find_operation(std::int64_t id) = 0;
    virtual void update_operation(const Operation& operation) = 0;
    // The region's pending lazy operation on that simulator, to merge a new lazy change into.
    virtual std::optional<Operation> find_pending_lazy_operation(
        const std::string& region_uuid, const std::string& simulator_id) = 0;
    // Pending or delivered operations of a simulator whose due_at is "" or <= now, by id, at most
    // `limit`.
    virtual std::vector<Operation> list_deliverable_operations(const std::string& simulator_id,
                                                               const std::string& now,
                                                               int limit) = 0;
    // Newest first; `before_id` is the keyset cursor (0 = from the newest).
    virtual std::vector<Operation> list_operations(const OperationFilter& filter,
                                                   std::int64_t before_id, int limit) = 0;
};

}  // namespace vergegrid::plugin_api
