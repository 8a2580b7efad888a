#include "control/control_routes.hpp"

#include "control/audit/audit_trail.hpp"
#include "control/estates/estate_routes.hpp"
#include "control/regions/region_routes.hpp"
#include "control/templates/template_routes.hpp"

namespace vergegrid::control {

void add_control_routes(kernel::http::Router& router, kernel::services::ServiceRegistry& services) {
    const Store store(services.storage);
    add_estate_routes(router, store);
    add_template_routes(router, store);
    add_region_routes(router, store);
    add_audit_routes(router, store);
}

}  // namespace vergegrid::control
