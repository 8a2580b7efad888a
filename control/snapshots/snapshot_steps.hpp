// The steps of snapshot commands, each inside the caller's transaction: begin a snapshot (its
// record and its eager operation), end it (complete or failed, with what its end sets off) and
// queue a restore. SnapshotService composes them; the jobs and the upload path share them.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "control/domain/store.hpp"
#include "control/regions/region_delivery.hpp"
#include "control/snapshots/snapshot_service.hpp"

namespace vergegrid::control {

// One command's snapshot work: its dependencies and the simulators to wake once it commits.
class SnapshotSteps {
  public:
    SnapshotSteps(Changes& changes, const SnapshotDependencies& deps);

    plugin_api::SnapshotLedger& ledger() const;

    // The parts `requested` names (with the always-saved ones), or the region's mode's.
    std::vector<std::string> parts_for(const plugin_api::Region& region,
                                       const std::optional<nlohmann::json>& requested) const;
    // The region's lifecycle (no policy: persistent).
    std::string lifecycle_of(const std::string& region_id) const;

    // A pending snapshot of the region and the eager operation that saves it on the region's
    // simulator; `followup` (null: none) is what its end sets off. Records snapshot.create.
    plugin_api::Snapshot begin(const plugin_api::Region& region,
                               const std::vector<std::string>& parts, const std::string& reason,
                               const std::string& note, const nlohmann::json& followup) const;
    // A failed record without an operation (no simulator could save it). Records snapshot.create
    // and snapshot.fail.
    plugin_api::Snapshot record_absent(const plugin_api::Region& region, const std::string& reason,
                                       const std::string& failure) const;
    // Records snapshot.complete and carries out its follow-up.
    void complete(plugin_api::Snapshot snapshot, std::int64_t size,
                  const std::string& sha256) const;
    // Records snapshot.fail; its staged bytes go after the commit; a forced delete waiting for it
    // happens now, anything else waiting for it is dropped.
    void fail(plugin_api::Snapshot snapshot, const std::string& failure) const;
    // The load of `snapshot` into `region` (rolled back first to the snapshot's version when it
    // is the same region at another version: one history entry). Records region.restore.
    std::int64_t queue_restore(const plugin_api::Region& region,
                               const plugin_api::Snapshot& snapshot) const;

  private:
    void carry_out(const plugin_api::Snapshot& snapshot, bool completed) const;

    Changes* changes_;
    const SnapshotDependencies* deps_;
    std::shared_ptr<QueuedNotifications> notify_;
};

}  // namespace vergegrid::control
