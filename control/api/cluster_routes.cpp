#include "control/api/cluster_routes.hpp"

#include <nlohmann/json.hpp>

#include "control/api/route_permission.hpp"

namespace vergegrid::control {

void add_cluster_routes(kernel::http::Router& router,
                        std::shared_ptr<const ClusterContext> cluster) {
    router.add("GET", "/api/v1/cluster", Permission::read, [cluster](const kernel::http::Request&) {
        return kernel::http::Response::json(200, describe_cluster(*cluster));
    });
}

}  // namespace vergegrid::control
