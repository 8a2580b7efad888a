// ABI 1.7 extension of StorageTransaction: pending regions (docs/api.md, "Pending regions",
// "Pending regions"). A region no simulator can take yet is stored with host "" and port 0 in the
// model (NULL in storage, so that pending regions never collide on UNIQUE (host, port)) and one
// pending row here: the refusal reasons and its place in the queue (creation order), until a
// simulator takes it. Region keeps its 1.0 layout, so a 1.6 storage plugin still loads; its
// transaction does not implement this (dynamic_cast gives null) and the control plane then keeps
// refusing a create no simulator can take (409 no_placement), as before 1.7.
#pragma once

#include <boost/config.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "vergegrid/plugin_api/storage_model.hpp"

namespace vergegrid::plugin_api {

// OUT. Frozen. Since 1.7. One region waiting for a simulator.
struct PendingPlacement {
    std::string region_id;
    std::int64_t seq = 0;              // creation order: smaller waited longer
    std::vector<std::string> reasons;  // why no simulator took it, when it was last tried
    std::string since;                 // ISO-8601 UTC: when it became pending
};

// Since 1.7. Implemented by the transaction object; the host finds it with dynamic_cast and never
// deletes it through this interface (the transaction's owner does, see StorageBackend::begin).
class BOOST_SYMBOL_VISIBLE PendingPlacementStore {
  public:
    virtual ~PendingPlacementStore() = default;

    // Marks an existing region pending with `reasons`. A region already pending keeps its seq and
    // since and gets the new reasons; a new one goes to the end of the queue. Throws
    // StorageError when the region does not exist.
    virtual void mark_pending(const std::string& region_id, const std::vector<std::string>& reasons,
                              const std::string& since) = 0;
    // The region is placed (or gone): no effect when it is not pending.
    virtual void clear_pending(const std::string& region_id) = 0;
    // The oldest `limit` pending regions, in creation order (seq ascending).
    virtual std::vector<PendingPlacement> list_pending(int limit) = 0;
    virtual int count_pending() = 0;
    // Region reads: the pending rows of these regions (any order; placed ones have none).
    virtual std::vector<PendingPlacement> pending_of(
        const std::vector<std::string>& region_ids) = 0;
    // list_regions restricted to pending regions (`pending`) or to placed ones (!`pending`):
    // same filter, order (name) and keyset paging.
    virtual std::vector<Region> list_regions_by_placement(const RegionFilter& filter, bool pending,
                                                          const std::string& after_name,
                                                          int limit) = 0;
};

}  // namespace vergegrid::plugin_api
