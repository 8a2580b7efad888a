#include "control/estates/estate_routes.hpp"

#include <optional>
#include <string>

#include "control/api/route_permission.hpp"
#include "control/audit/audit_trail.hpp"
#include "control/common/clock.hpp"
#include "control/common/entity_lookup.hpp"
#include "control/common/json_reader.hpp"
#include "control/common/paging.hpp"
#include "control/domain/store.hpp"

namespace vergegrid::control {

using kernel::http::ApiError;
using kernel::http::Request;
using kernel::http::Response;
using plugin_api::Estate;
using plugin_api::StorageTransaction;

namespace {

constexpr std::size_t kMaxEstateName = 64;
constexpr std::size_t kMaxOwner = 128;

// Ignoring case, like region names (OpenSim's estate look-ups are case-insensitive too).
void require_unique_name(StorageTransaction& tx, const Estate& estate) {
    if (auto other = tx.find_estate_by_name(estate.name); other && other->id != estate.id) {
        throw ApiError(409, "name_taken",
                       "an estate named '" + other->name + "' exists (names ignore letter case)",
                       "name");
    }
}

// The estate name reaches OpenSim as `TargetEstate` in Regions/*.ini, where no form of a value
// can hold a double quote (its reader ends every value at one).
std::optional<std::string> estate_name(JsonReader& reader) {
    auto name = reader.name("name", kMaxEstateName);
    if (name && name->find('"') != std::string::npos) {
        throw ApiError::invalid_field(
            reader.field("name"), "must not contain '\"' (OpenSim's Regions.ini cannot hold it)");
    }
    return name;
}

}  // namespace

nlohmann::json estate_to_json(const Estate& estate) {
    return {{"id", estate.id},
            {"name", estate.name},
            {"owner", estate.owner},
            {"created_at", estate.created_at},
            {"updated_at", estate.updated_at}};
}

void add_estate_routes(kernel::http::Router& router, Store store) {
    router.add("GET", "/api/v1/estates", Permission::read, [store](const Request& request) {
        const auto page = page_request(request);
        auto rows = store.read(
            [&](StorageTransaction& tx) { return tx.list_estates(page.after, page.limit + 1); });
        return Response::json(
            200, paged_json(
                     rows, page.limit, [](const Estate& e) { return e.name; }, estate_to_json));
    });

    router.add("GET", "/api/v1/estates/{id}", Permission::read, [store](const Request& request) {
        return store.read([&](StorageTransaction& tx) {
            return Response::json(
                200, estate_to_json(existing_estate(tx, request.path_params.at("id"))));
        });
    });

    router.add("POST", "/api/v1/estates", Permission::write, [store](const Request& request) {
        const auto body = request.json_body();
        JsonReader reader(body, "");
        Estate estate;
        estate.name = estate_name(reader).value_or("");
        estate.owner = reader.name("owner", kMaxOwner).value_or("");
        reader.reject_unknown();
        if (estate.name.empty()) {
            throw ApiError::invalid_field("name", "is required");
        }
        if (estate.owner.empty()) {
            throw ApiError::invalid_field("owner", "is required");
        }
        estate.id = new_uuid();
        estate.created_at = estate.updated_at = now_iso8601();
        return store.write([&](StorageTransaction& tx) {
            require_unique_name(tx, estate);
            tx.insert_estate(estate);
            record_audit(tx, request, "estate.create", "estate", estate.id, nullptr,
                         estate_to_json(estate));
            return Response::json(201, estate_to_json(estate));
        });
    });

    router.add("PATCH", "/api/v1/estates/{id}", Permission::write, [store](const Request& request) {
        const auto body = request.json_body();
        return store.write([&](StorageTransaction& tx) {
            const Estate before = existing_estate(tx, request.path_params.at("id"));
            Estate after = before;
            JsonReader reader(body, "");
            after.name = estate_name(reader).value_or(after.name);
            after.owner = reader.name("owner", kMaxOwner).value_or(after.owner);
            reader.forbid("id", "is read-only");
            reader.reject_unknown();
            if (after.name == before.name && after.owner == before.owner) {
                return Response::json(200, estate_to_json(before));
            }
            require_unique_name(tx, after);
            after.updated_at = now_iso8601();
            tx.update_estate(after);
            record_audit(tx, request, "estate.update", "estate", after.id, estate_to_json(before),
                         estate_to_json(after));
            return Response::json(200, estate_to_json(after));
        });
    });

    router.add(
        "DELETE", "/api/v1/estates/{id}", Permission::write, [store](const Request& request) {
            return store.write([&](StorageTransaction& tx) {
                const Estate estate = existing_estate(tx, request.path_params.at("id"));
                if (const int regions = tx.count_regions_in_estate(estate.id); regions > 0) {
                    throw ApiError(409, "in_use",
                                   "the estate still has " + std::to_string(regions) + " region(s)",
                                   "id");
                }
                tx.delete_estate(estate.id);
                record_audit(tx, request, "estate.delete", "estate", estate.id,
                             estate_to_json(estate), nullptr);
                return Response{204, "application/json", "", {}};
            });
        });
}

}  // namespace vergegrid::control
