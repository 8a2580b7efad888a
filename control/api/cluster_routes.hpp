// GET /api/v1/cluster: the control-plane replicas on this database and which one leads
// (docs/api.md, docs/ha.md).
#pragma once

#include <memory>

#include "control/cluster/cluster_view.hpp"
#include "kernel/http/router.hpp"

namespace vergegrid::control {

void add_cluster_routes(kernel::http::Router& router,
                        std::shared_ptr<const ClusterContext> cluster);

}  // namespace vergegrid::control
