// GET /api/v1/cluster's answer (docs/api.md, docs/ha.md): the replicas on this database from
// their rows, live when seen within ha.failover_s, and which one leads. This process's own entry
// comes from memory (it is answering, so it is live, and it knows whether it leads now).
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <chrono>
#include <string>

#include "control/cluster/replica_heartbeat.hpp"
#include "control/common/leadership.hpp"
#include "control/domain/store.hpp"

namespace vergegrid::control {

struct ClusterContext {
    Store store;
    ReplicaIdentity self;
    std::shared_ptr<const Leadership> leadership;
    std::string coordination;  // "postgresql", "mysql" or "single"
    std::chrono::seconds failover;
};

nlohmann::json describe_cluster(const ClusterContext& context);

}  // namespace vergegrid::control
