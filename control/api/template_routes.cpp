#include "control/api/template_routes.hpp"
#include "control/api/route_permission.hpp"

#include "control/api/paging.hpp"
#include "control/api/preconditions.hpp"
#include "control/api/query_flag.hpp"
#include "control/api/request_actor.hpp"
#include "control/common/json_reader.hpp"
#include "control/templates/template_json.hpp"
#include "kernel/http/api_error.hpp"
#include "strict_json/strict_json.hpp"

namespace vergegrid::control {

using kernel::http::ApiError;
using kernel::http::Request;
using kernel::http::Response;
using plugin_api::Template;

namespace {

nlohmann::json version_to_json(const plugin_api::TemplateVersion& v) {
    return {{"version", v.version.to_string()},
            {"spec", strict_json::parse(v.spec)},
            {"actor", v.actor},
            {"at", v.at}};
}

NewTemplate read_new_template(const nlohmann::json& body) {
    JsonReader reader(body, "");
    NewTemplate command;
    command.name = reader.name("name", kMaxTemplateName).value_or("");
    read_template_spec(reader, command.spec);
    reader.forbid("version", "is assigned by the server");
    reader.reject_unknown();
    if (command.name.empty()) {
        throw ApiError::invalid_field("name", "is required");
    }
    return command;
}

Response template_answer(int status, const Template& tmpl) {
    return with_etag(Response::json(status, template_to_json(tmpl)), tmpl.version);
}

// The PATCH answer: the template as the change leaves it, which part of the version it bumps and
// the fields with from/to/bump; a dry run says so and that it came from `from_version`.
Response change_answer(const TemplateChange& change, bool dry_run) {
    auto json = template_to_json(change.tmpl);
    json["change"] = to_string(change.bump);
    json["changes"] = template_field_changes_to_json(change.fields);
    if (dry_run) {
        json["dry_run"] = true;
        json["from_version"] = change.before.version.to_string();
        return Response::json(200, json);
    }
    return with_etag(Response::json(200, json), change.tmpl.version);
}

plugin_api::SemVer version_in_path(const Request& request) {
    const auto version = plugin_api::SemVer::parse(request.path_params.at("version"));
    if (!version) {
        throw ApiError::invalid_field("version", "must be MAJOR.MINOR.PATCH");
    }
    return *version;
}

}  // namespace

void add_template_routes(kernel::http::Router& router, TemplateService templates) {
    router.add("GET", "/api/v1/templates", Permission::read, [templates](const Request& request) {
        const auto page = page_request(request);
        const auto rows = templates.list(page.after, page.limit + 1);
        return Response::json(
            200, paged_json(
                     rows, page.limit, [](const Template& t) { return t.name; }, template_to_json));
    });

    router.add("GET", "/api/v1/templates/{id}", Permission::read,
               [templates](const Request& request) {
                   return template_answer(200, templates.get(request.path_params.at("id")));
               });

    router.add("GET", "/api/v1/templates/{id}/versions", Permission::read,
               [templates](const Request& request) {
                   nlohmann::json items = nlohmann::json::array();
                   for (const auto& v : templates.versions(request.path_params.at("id"))) {
                       items.push_back(version_to_json(v));
                   }
                   return Response::json(200, {{"items", items}, {"next", nullptr}});
               });

    router.add("GET", "/api/v1/templates/{id}/versions/{version}", Permission::read,
               [templates](const Request& request) {
                   const auto version = version_in_path(request);
                   return Response::json(200, version_to_json(templates.version(
                                                  request.path_params.at("id"), version)));
               });

    router.add("POST", "/api/v1/templates", Permission::write, [templates](const Request& request) {
        auto command = read_new_template(request.json_body());
        const auto created = templates.create(request_actor(request), std::move(command));
        return template_answer(201, created.value);
    });

    router.add(
        "PATCH", "/api/v1/templates/{id}", Permission::write, [templates](const Request& request) {
            const bool dry_run = query_flag(request, "dry_run");  // write nothing
            const UpdateTemplate command{request.path_params.at("id"), if_match_version(request),
                                         request.json_body()};
            if (dry_run) {
                return change_answer(templates.preview(request_actor(request), command), true);
            }
            return change_answer(templates.update(request_actor(request), command).value, false);
        });

    router.add("DELETE", "/api/v1/templates/{id}", Permission::write,
               [templates](const Request& request) {
                   templates.remove(request_actor(request),
                                    {request.path_params.at("id"), if_match_version(request)});
                   return Response{204, "application/json", "", {}};
               });
}

}  // namespace vergegrid::control
