#include "control/templates/template_routes.hpp"

#include "control/api/route_permission.hpp"
#include "control/audit/audit_trail.hpp"
#include "control/common/clock.hpp"
#include "control/common/entity_lookup.hpp"
#include "control/common/json_reader.hpp"
#include "control/common/paging.hpp"
#include "control/common/preconditions.hpp"
#include "control/domain/store.hpp"
#include "control/templates/template_spec.hpp"
#include "strict_json/strict_json.hpp"

namespace vergegrid::control {

using kernel::http::ApiError;
using kernel::http::Request;
using kernel::http::Response;
using plugin_api::StorageTransaction;
using plugin_api::Template;

namespace {

constexpr std::size_t kMaxTemplateName = 64;

void require_unique_name(StorageTransaction& tx, const Template& tmpl) {
    if (auto other = tx.find_template_by_name(tmpl.name); other && other->id != tmpl.id) {
        throw ApiError(409, "name_taken", "a template named '" + tmpl.name + "' exists", "name");
    }
}

nlohmann::json version_to_json(const plugin_api::TemplateVersion& v) {
    return {{"version", v.version.to_string()},
            {"spec", strict_json::parse(v.spec)},
            {"actor", v.actor},
            {"at", v.at}};
}

}  // namespace

nlohmann::json template_to_json(const Template& tmpl) {
    nlohmann::json json = template_spec_to_json(template_spec_from_text(tmpl.spec));
    json["id"] = tmpl.id;
    json["name"] = tmpl.name;
    json["version"] = tmpl.version.to_string();
    json["created_at"] = tmpl.created_at;
    json["updated_at"] = tmpl.updated_at;
    return json;
}

void add_template_routes(kernel::http::Router& router, Store store) {
    router.add("GET", "/api/v1/templates", Permission::read, [store](const Request& request) {
        const auto page = page_request(request);
        auto rows = store.read(
            [&](StorageTransaction& tx) { return tx.list_templates(page.after, page.limit + 1); });
        return Response::json(
            200, paged_json(
                     rows, page.limit, [](const Template& t) { return t.name; }, template_to_json));
    });

    router.add("GET", "/api/v1/templates/{id}", Permission::read, [store](const Request& request) {
        return store.read([&](StorageTransaction& tx) {
            const auto tmpl = existing_template(tx, request.path_params.at("id"));
            return with_etag(Response::json(200, template_to_json(tmpl)), tmpl.version);
        });
    });

    router.add("GET", "/api/v1/templates/{id}/versions", Permission::read,
               [store](const Request& request) {
                   return store.read([&](StorageTransaction& tx) {
                       const auto tmpl = existing_template(tx, request.path_params.at("id"));
                       nlohmann::json items = nlohmann::json::array();
                       for (const auto& v : tx.list_template_versions(tmpl.id)) {
                           items.push_back(version_to_json(v));
                       }
                       return Response::json(200, {{"items", items}, {"next", nullptr}});
                   });
               });

    router.add("GET", "/api/v1/templates/{id}/versions/{version}", Permission::read,
               [store](const Request& request) {
                   const auto version =
                       plugin_api::SemVer::parse(request.path_params.at("version"));
                   if (!version) {
                       throw ApiError::invalid_field("version", "must be MAJOR.MINOR.PATCH");
                   }
                   return store.read([&](StorageTransaction& tx) {
                       const auto tmpl = existing_template(tx, request.path_params.at("id"));
                       auto found = tx.find_template_version(tmpl.id, *version);
                       if (!found) {
                           throw ApiError::not_found("template '" + tmpl.name +
                                                     "' has no version " + version->to_string());
                       }
                       return Response::json(200, version_to_json(*found));
                   });
               });

    router.add("POST", "/api/v1/templates", Permission::write, [store](const Request& request) {
        const auto body = request.json_body();
        JsonReader reader(body, "");
        Template tmpl;
        tmpl.name = reader.name("name", kMaxTemplateName).value_or("");
        TemplateSpec spec;
        read_template_spec(reader, spec);
        reader.forbid("version", "is assigned by the server");
        reader.reject_unknown();
        if (tmpl.name.empty()) {
            throw ApiError::invalid_field("name", "is required");
        }
        tmpl.id = new_uuid();
        tmpl.version = {1, 0, 0};
        tmpl.spec = template_spec_to_json(spec).dump();
        tmpl.created_at = tmpl.updated_at = now_iso8601();
        tmpl.actor = request.caller.subject;
        return store.write([&](StorageTransaction& tx) {
            require_unique_name(tx, tmpl);
            tx.insert_template(tmpl);
            record_audit(tx, request, "template.create", "template", tmpl.id, nullptr,
                         template_to_json(tmpl));
            return with_etag(Response::json(201, template_to_json(tmpl)), tmpl.version);
        });
    });

    router.add(
        "PATCH", "/api/v1/templates/{id}", Permission::write, [store](const Request& request) {
            const auto body = request.json_body();
            return store.write([&](StorageTransaction& tx) {
                const Template before = existing_template(tx, request.path_params.at("id"));
                check_if_match(request, before.version);
                Template after = before;
                JsonReader reader(body, "");
                after.name = reader.name("name", kMaxTemplateName).value_or(before.name);
                const TemplateSpec old_spec = template_spec_from_text(before.spec);
                TemplateSpec spec = old_spec;
                read_template_spec(reader, spec);
                reader.forbid("id", "is read-only");
                reader.forbid("version", "is assigned by the server");
                reader.reject_unknown();
                const Bump bump = template_bump(old_spec, spec);
                if (bump == Bump::none && after.name == before.name) {
                    return with_etag(Response::json(200, template_to_json(before)), before.version);
                }
                require_unique_name(tx, after);
                after.spec = template_spec_to_json(spec).dump();
                // A rename alone changes no region made from the template: it is a patch.
                after.version = bumped(before.version, bump == Bump::none ? Bump::patch : bump);
                after.updated_at = now_iso8601();
                after.actor = request.caller.subject;
                tx.update_template(after);
                record_audit(tx, request, "template.update", "template", after.id,
                             template_to_json(before), template_to_json(after));
                auto json = template_to_json(after);
                json["change"] = to_string(bump == Bump::none ? Bump::patch : bump);
                return with_etag(Response::json(200, json), after.version);
            });
        });

    router.add(
        "DELETE", "/api/v1/templates/{id}", Permission::write, [store](const Request& request) {
            return store.write([&](StorageTransaction& tx) {
                const Template tmpl = existing_template(tx, request.path_params.at("id"));
                check_if_match(request, tmpl.version);
                if (const int regions = tx.count_regions_from_template(tmpl.id); regions > 0) {
                    throw ApiError(
                        409, "in_use",
                        std::to_string(regions) + " region(s) were made from this template", "id");
                }
                tx.delete_template(tmpl.id);
                record_audit(tx, request, "template.delete", "template", tmpl.id,
                             template_to_json(tmpl), nullptr);
                return Response{204, "application/json", "", {}};
            });
        });
}

}  // namespace vergegrid::control
