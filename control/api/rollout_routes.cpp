#include "control/api/rollout_routes.hpp"

#include "control/api/paging.hpp"
#include "control/api/request_actor.hpp"
#include "control/api/route_permission.hpp"
#include "control/common/newest_first_cursor.hpp"
#include "control/rollouts/rollout_json.hpp"

namespace vergegrid::control {

using kernel::http::Request;
using kernel::http::Response;
using plugin_api::Rollout;

namespace {

// ?limit=&after= (the page before's "next"), newest first.
Response listed(const RolloutService& rollouts, const std::string& template_id,
                const Request& request) {
    const auto page = page_request(request);
    return Response::json(
        200, paged_json(
                 rollouts.list(template_id, page.after, page.limit + 1), page.limit,
                 [](const Rollout& r) { return newest_first_cursor(r.created_at, r.id); },
                 rollout_summary_json));
}

void add_state_route(kernel::http::Router& router,
                     const std::shared_ptr<const RolloutService>& rollouts,
                     const std::string& verb) {
    router.add("POST", "/api/v1/rollouts/{id}/" + verb, Permission::write,
               [rollouts, verb](const Request& request) {
                   const auto& id = request.path_params.at("id");
                   const auto actor = request_actor(request);
                   const auto changed = verb == "pause"    ? rollouts->pause(actor, id)
                                        : verb == "resume" ? rollouts->resume(actor, id)
                                                           : rollouts->cancel(actor, id);
                   return Response::json(200, changed.value);
               });
}

}  // namespace

void add_rollout_routes(kernel::http::Router& router,
                        std::shared_ptr<const RolloutService> rollouts) {
    router.add("POST", "/api/v1/templates/{id}/rollouts", Permission::write,
               [rollouts](const Request& request) {
                   const auto answer = rollouts->create(
                       request_actor(request), request.path_params.at("id"), request.json_body());
                   return Response::json(answer.value.created ? 201 : 200, answer.value.body);
               });

    router.add("GET", "/api/v1/templates/{id}/rollouts", Permission::read,
               [rollouts](const Request& request) {
                   return listed(*rollouts, request.path_params.at("id"), request);
               });

    router.add("GET", "/api/v1/rollouts", Permission::read,
               [rollouts](const Request& request) { return listed(*rollouts, "", request); });

    router.add("GET", "/api/v1/rollouts/{id}", Permission::read,
               [rollouts](const Request& request) {
                   return Response::json(200, rollouts->get(request.path_params.at("id")));
               });

    for (const char* verb : {"pause", "resume", "cancel"}) {
        add_state_route(router, rollouts, verb);
    }
}

}  // namespace vergegrid::control
