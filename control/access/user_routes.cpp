#include "control/access/user_routes.hpp"

#include "control/access/authenticator.hpp"
#include "control/audit/audit_trail.hpp"
#include "control/common/clock.hpp"
#include "control/common/extensions.hpp"
#include "control/common/json_reader.hpp"
#include "secrets/secrets.hpp"
#include "timestamps/rfc3339.hpp"

namespace vergegrid::control {

using kernel::http::ApiError;
using kernel::http::Permission;
using kernel::http::Request;
using kernel::http::Response;
using plugin_api::StorageTransaction;
using plugin_api::User;

namespace {

using AuthSlot = kernel::services::ActiveSlot<plugin_api::AuthProvider>;

std::shared_ptr<plugin_api::AuthProvider> provider(AuthSlot& slot) {
    auto auth = slot.get();
    if (!auth) {
        throw ApiError(503, "auth_unavailable", "no auth provider is active");
    }
    return auth;
}

nlohmann::json user_to_json(const User& user) {
    return {{"id", user.id},
            {"name", user.name},
            {"role", user.role},
            {"disabled", user.disabled},
            {"has_password", !user.password_hash.empty()},
            {"created_at", user.created_at}};
}

nlohmann::json token_to_json(const plugin_api::AccessToken& token) {
    return {{"id", token.id},
            {"kind", token.kind},
            {"label", token.label},
            {"created_at", token.created_at},
            {"expires_at",
             token.expires_at.empty() ? nlohmann::json(nullptr) : nlohmann::json(token.expires_at)},
            {"revoked_at", token.revoked_at.empty() ? nlohmann::json(nullptr)
                                                    : nlohmann::json(token.revoked_at)}};
}

std::string read_role(JsonReader& reader) {
    auto role = reader.string("role", 16);
    if (role && *role != "admin" && *role != "operator" && *role != "viewer") {
        throw ApiError::invalid_field("role", "must be one of admin, operator, viewer");
    }
    return role.value_or("");
}

std::string hashed_password(plugin_api::AuthProvider& auth, const std::string& password) {
    try {
        return auth.hash_password(password);
    } catch (const std::invalid_argument& e) {
        throw ApiError::invalid_field("password", e.what());
    }
}

User existing_user(plugin_api::AccessStore& access, const std::string& id) {
    auto user = access.find_user(id);
    if (!user) {
        throw ApiError::not_found("no user with id '" + id + "'");
    }
    return *user;
}

// "" (never) or an RFC 3339 UTC timestamp in the future, stored in the control plane's own form.
// Compared as text, "9999" or "garbage" sorted after every date and made a token that never
// expired.
std::string read_expires_at(JsonReader& reader) {
    const auto text = reader.nullable_string("expires_at", 64);
    if (!text || text->empty()) {
        return "";
    }
    const auto time = timestamps::parse_utc(*text);
    if (!time) {
        throw ApiError::invalid_field(
            "expires_at", "must be an RFC 3339 UTC timestamp such as 2027-01-31T12:00:00Z");
    }
    const auto now = timestamps::parse_utc(now_iso8601());
    if (now && *time <= *now) {
        throw ApiError::invalid_field("expires_at", "must be in the future");
    }
    return timestamps::format_utc(*time);
}

bool active_admin(const User& user) {
    return user.role == "admin" && !user.disabled;
}

// Refuses a change that would leave no enabled admin: nobody could manage users any more.
void keep_an_admin(plugin_api::AccessStore& access, const User& before, const User& after) {
    if (!active_admin(before) || active_admin(after)) {
        return;
    }
    int admins = 0;
    for (const auto& user : access.list_users()) {
        admins += active_admin(user) ? 1 : 0;
    }
    if (admins <= 1) {
        throw ApiError(409, "last_admin",
                       "'" + before.name + "' is the last enabled admin; make another admin first",
                       after.disabled ? "disabled" : "role");
    }
}

// A new password or a disable ends the user's web sessions: whoever had the old password (or the
// account) must not stay logged in. API tokens stay; a disabled user's are refused anyway.
void end_sessions(plugin_api::AccessStore& access, const std::string& user_id,
                  const std::string& now) {
    for (const auto& token : access.list_access_tokens(user_id)) {
        if (token.kind == "session" && token.revoked_at.empty()) {
            access.revoke_access_token(token.id, now);
        }
    }
}

}  // namespace

void add_user_routes(kernel::http::Router& router, Store store, AuthSlot& auth,
                     std::shared_ptr<AuthCache> auth_cache) {
    router.add("GET", "/api/v1/users", Permission::admin, [store](const Request&) {
        return store.read([&](StorageTransaction& tx) {
            nlohmann::json items = nlohmann::json::array();
            for (const auto& user : access_store(tx).list_users()) {
                items.push_back(user_to_json(user));
            }
            return Response::json(200, {{"items", items}, {"next", nullptr}});
        });
    });

    router.add("POST", "/api/v1/users", Permission::admin, [store, &auth](const Request& request) {
        const auto body = request.json_body();
        JsonReader reader(body, "");
        User user;
        user.name = reader.name("name", 64).value_or("");
        user.role = read_role(reader);
        const auto password = reader.string("password", 1024);
        reader.reject_unknown();
        if (user.name.empty()) {
            throw ApiError::invalid_field("name", "is required");
        }
        if (user.role.empty()) {
            throw ApiError::invalid_field("role", "is required");
        }
        if (password) {
            user.password_hash = hashed_password(*provider(auth), *password);
        }
        user.id = new_uuid();
        user.created_at = now_iso8601();
        return store.write([&](StorageTransaction& tx) {
            auto& access = access_store(tx);
            if (access.find_user_by_name(user.name)) {
                throw ApiError(409, "name_taken", "a user named '" + user.name + "' exists",
                               "name");
            }
            access.insert_user(user);
            record_audit(tx, request, "user.create", "user", user.id, nullptr, user_to_json(user));
            return Response::json(201, user_to_json(user));
        });
    });

    router.add("PATCH", "/api/v1/users/{id}", Permission::admin,
               [store, &auth, auth_cache](const Request& request) {
                   const auto body = request.json_body();
                   JsonReader reader(body, "");
                   const auto role = read_role(reader);
                   const auto password = reader.string("password", 1024);
                   const auto disabled = reader.boolean("disabled");
                   reader.reject_unknown();
                   const std::string hash =
                       password ? hashed_password(*provider(auth), *password) : "";
                   auto response = store.write([&](StorageTransaction& tx) {
                       auto& access = access_store(tx);
                       const User before = existing_user(access, request.path_params.at("id"));
                       User after = before;
                       after.role = role.empty() ? before.role : role;
                       after.password_hash = password ? hash : before.password_hash;
                       after.disabled = disabled.value_or(before.disabled);
                       keep_an_admin(access, before, after);
                       access.update_user(after);
                       if (password || (after.disabled && !before.disabled)) {
                           end_sessions(access, after.id, now_iso8601());
                       }
                       record_audit(tx, request, "user.update", "user", after.id,
                                    user_to_json(before), user_to_json(after));
                       return Response::json(200, user_to_json(after));
                   });
                   // A lower role, a disabled user or an ended session counts from now.
                   auth_cache->forget_all();
                   return response;
               });

    router.add("GET", "/api/v1/users/{id}/tokens", Permission::admin,
               [store](const Request& request) {
                   return store.read([&](StorageTransaction& tx) {
                       auto& access = access_store(tx);
                       const User user = existing_user(access, request.path_params.at("id"));
                       nlohmann::json items = nlohmann::json::array();
                       for (const auto& token : access.list_access_tokens(user.id)) {
                           items.push_back(token_to_json(token));
                       }
                       return Response::json(200, {{"items", items}, {"next", nullptr}});
                   });
               });

    router.add("POST", "/api/v1/users/{id}/tokens", Permission::admin,
               [store, &auth](const Request& request) {
                   const auto body = request.json_body();
                   JsonReader reader(body, "");
                   const auto label = reader.name("label", 128).value_or("api token");
                   const auto expires_at = read_expires_at(reader);
                   reader.reject_unknown();
                   const auto auth_provider = provider(auth);
                   return store.write([&](StorageTransaction& tx) {
                       auto& access = access_store(tx);
                       const User user = existing_user(access, request.path_params.at("id"));
                       auto issued = auth_provider->issue_api_token(user, label, expires_at, access,
                                                                    now_iso8601());
                       record_audit(tx, request, "token.create", "token", issued.record.id, nullptr,
                                    token_to_json(issued.record));
                       auto json = token_to_json(issued.record);
                       json["token"] = issued.token;  // shown this once
                       return Response::secret_json(201, json);
                   });
               });

    router.add("DELETE", "/api/v1/users/{id}/tokens/{token}", Permission::admin,
               [store, auth_cache](const Request& request) {
                   auto response = store.write([&](StorageTransaction& tx) {
                       auto& access = access_store(tx);
                       const User user = existing_user(access, request.path_params.at("id"));
                       const auto& token_id = request.path_params.at("token");
                       bool found = false;
                       for (const auto& token : access.list_access_tokens(user.id)) {
                           found = found || token.id == token_id;
                       }
                       if (!found) {
                           throw ApiError::not_found("user '" + user.name + "' has no token '" +
                                                     token_id + "'");
                       }
                       access.revoke_access_token(token_id, now_iso8601());
                       record_audit(tx, request, "token.revoke", "token", token_id, nullptr,
                                    nullptr);
                       return Response{204, "application/json", "", {}};
                   });
                   auth_cache->forget_all();
                   return response;
               });
}

}  // namespace vergegrid::control
