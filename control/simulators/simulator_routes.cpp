#include "control/simulators/simulator_routes.hpp"

#include <Poco/Exception.h>
#include <Poco/URI.h>

#include "control/access/authenticator.hpp"
#include "control/api/route_permission.hpp"
#include "control/audit/audit_trail.hpp"
#include "control/common/clock.hpp"
#include "control/common/extensions.hpp"
#include "control/common/host_name.hpp"
#include "control/common/json_reader.hpp"
#include "control/simulators/simulator_regions.hpp"
#include "secrets/secrets.hpp"

namespace vergegrid::control {

using kernel::http::ApiError;
using kernel::http::Request;
using kernel::http::Response;
using plugin_api::Simulator;
using plugin_api::StorageTransaction;

namespace {

constexpr const char* kRegistrationTokenPrefix = "vgr_";

Simulator existing_simulator(plugin_api::AccessStore& access, const std::string& id) {
    auto simulator = access.find_simulator(id);
    if (!simulator) {
        throw ApiError::not_found("no simulator with id '" + id + "'");
    }
    return *simulator;
}

std::string read_push_url(JsonReader& reader) {
    const auto url = reader.string("push_url", 2048).value_or("");
    if (url.empty()) {
        return url;
    }
    try {
        const Poco::URI uri(url);
        if ((uri.getScheme() != "http" && uri.getScheme() != "https") || uri.getHost().empty()) {
            throw ApiError::invalid_field("push_url", "must be an http:// or https:// URL");
        }
    } catch (const Poco::SyntaxException&) {
        throw ApiError::invalid_field("push_url", "is not a URL");
    }
    return url;
}

// Registration, revocation and the other state changes of one simulator, audited.
Response change_simulator(StorageTransaction& tx, const Request& request, const std::string& action,
                          const Simulator& before, const Simulator& after) {
    access_store(tx).update_simulator(after);
    record_audit(tx, request, action, "simulator", after.id, simulator_to_json(before),
                 simulator_to_json(after));
    return Response::json(200, simulator_to_json(after));
}

}  // namespace

nlohmann::json simulator_to_json(const Simulator& s) {
    return {
        {"id", s.id},
        {"hostname", s.hostname},
        {"labels", s.labels},
        {"capacity", s.capacity},
        {"push_url", s.push_url.empty() ? nlohmann::json(nullptr) : nlohmann::json(s.push_url)},
        {"state", s.state},
        {"registered_at", s.registered_at},
        {"last_heartbeat_at", s.last_heartbeat_at.empty() ? nlohmann::json(nullptr)
                                                          : nlohmann::json(s.last_heartbeat_at)},
        {"load", {{"cpu", s.cpu_load}, {"memory", s.memory_load}, {"regions", s.region_count}}}};
}

void add_simulator_routes(kernel::http::Router& router, Store store, PendingKeys& pending_keys,
                          OperationSignals& signals, SimulatorSettings settings) {
    router.add(
        "POST", "/api/v1/simulators/registration-tokens", Permission::admin,
        [store, settings](const Request& request) {
            const auto body = request.body.empty() ? nlohmann::json::object() : request.json_body();
            JsonReader reader(body, "");
            plugin_api::RegistrationToken record;
            record.labels =
                reader.string_list("labels", 32, 64).value_or(std::vector<std::string>{});
            const long ttl = reader.integer("ttl_s", 1, 30 * 24 * 3600)
                                 .value_or(static_cast<int>(settings.registration_token_ttl_s));
            reader.reject_unknown();
            const std::string token = secrets::random_token(kRegistrationTokenPrefix);
            record.id = new_uuid();
            record.token_hash = secrets::sha256_hex(token);
            record.created_by = request.caller.subject;
            record.created_at = now_iso8601();
            record.expires_at = iso8601_plus_seconds(record.created_at, ttl);
            return store.write([&](StorageTransaction& tx) {
                access_store(tx).insert_registration_token(record);
                record_audit(tx, request, "registration_token.create", "registration_token",
                             record.id, nullptr,
                             {{"labels", record.labels}, {"expires_at", record.expires_at}});
                return Response::secret_json(201, {{"token", token},
                                                   {"id", record.id},
                                                   {"expires_at", record.expires_at},
                                                   {"labels", record.labels}});
            });
        });

    router.add("POST", "/api/v1/sim/register", Permission::anyone, [store](const Request& request) {
        const auto body = request.json_body();
        JsonReader reader(body, "");
        const auto token = reader.string("token", 128).value_or("");
        Simulator simulator;
        simulator.hostname = reader.string("hostname", 253).value_or("");
        simulator.labels =
            reader.string_list("labels", 32, 64).value_or(std::vector<std::string>{});
        simulator.capacity = reader.integer("capacity", 0, 100000).value_or(0);
        simulator.push_url = read_push_url(reader);
        reader.reject_unknown();
        if (token.empty()) {
            throw ApiError::invalid_field("token", "is required");
        }
        if (simulator.hostname.empty()) {
            throw ApiError::invalid_field("hostname", "is required");
        }
        if (!is_host_name(simulator.hostname)) {
            // It becomes the host of the regions placed on it, and so a line of Regions.ini.
            throw ApiError::invalid_field("hostname", kHostNameRule);
        }
        const std::string api_key = secrets::random_token(kSimulatorKeyPrefix);
        return store.write([&](StorageTransaction& tx) {
            auto& access = access_store(tx);
            const std::string now = now_iso8601();
            auto record = access.find_registration_token_by_hash(secrets::sha256_hex(token));
            if (!record || !record->used_at.empty() || record->expires_at <= now) {
                // One answer for unknown, used and expired tokens: nothing to learn by probing.
                throw ApiError(403, "registration_refused",
                               "the registration token is unknown, used or expired", "token");
            }
            simulator.id = new_uuid();
            for (const auto& label : record->labels) {
                if (std::find(simulator.labels.begin(), simulator.labels.end(), label) ==
                    simulator.labels.end()) {
                    simulator.labels.push_back(label);
                }
            }
            simulator.state = "registered";
            simulator.key_hash = secrets::sha256_hex(api_key);
            simulator.registered_at = now;
            if (!access.consume_registration_token(record->id, simulator.id, now)) {
                throw ApiError(403, "registration_refused",
                               "the registration token is unknown, used or expired", "token");
            }
            access.insert_simulator(simulator);
            auto caller = request;
            caller.caller.subject = "simulator:" + simulator.id;
            record_audit(tx, caller, "simulator.register", "simulator", simulator.id, nullptr,
                         simulator_to_json(simulator));
            return Response::secret_json(201,
                                         {{"simulator_id", simulator.id}, {"api_key", api_key}});
        });
    });

    router.add("GET", "/api/v1/simulators", Permission::read, [store](const Request&) {
        return store.read([&](StorageTransaction& tx) {
            nlohmann::json items = nlohmann::json::array();
            for (const auto& simulator : access_store(tx).list_simulators()) {
                items.push_back(simulator_to_json(simulator));
            }
            return Response::json(200, {{"items", items}, {"next", nullptr}});
        });
    });

    router.add("GET", "/api/v1/simulators/{id}", Permission::read, [store](const Request& request) {
        return store.read([&](StorageTransaction& tx) {
            return Response::json(200, simulator_to_json(existing_simulator(
                                           access_store(tx), request.path_params.at("id"))));
        });
    });

    // Rotation by an admin, or by the simulator itself with its current key.
    // `caller_key_hash`: for a simulator's own rotation, the hash of the key it called with,
    // which must still be the current one when the rotation commits (an admin's rotation may
    // have come in between).
    auto rotate = [store, settings, &pending_keys, &signals](const Request& request,
                                                             const std::string& id,
                                                             const std::string& caller_key_hash) {
        long overlap_s = settings.key_rotation_overlap_s;
        if (!request.body.empty()) {
            const auto body = request.json_body();
            JsonReader reader(body, "");
            overlap_s =
                reader.integer("overlap_s", 0, 24 * 3600).value_or(static_cast<int>(overlap_s));
            reader.reject_unknown();
        }
        const std::string api_key = secrets::random_token(kSimulatorKeyPrefix);
        std::string push_url;
        auto answer = store.write([&](StorageTransaction& tx) {
            auto& access = access_store(tx);
            const Simulator before = existing_simulator(access, id);
            if (before.state == "revoked") {
                throw ApiError(409, "revoked", "a revoked simulator gets no new key", "id");
            }
            if (!caller_key_hash.empty() &&
                !secrets::constant_time_equal(before.key_hash, caller_key_hash)) {
                throw ApiError(403, "previous_key",
                               "a key replaced by a rotation may only pull, beat and report; "
                               "rotate with the current key",
                               "authorization");
            }
            Simulator after = before;
            const std::string now = now_iso8601();
            after.previous_key_hash = before.key_hash;
            after.previous_key_expires_at = iso8601_plus_seconds(now, overlap_s);
            after.key_hash = secrets::sha256_hex(api_key);
            access.update_simulator(after);
            record_audit(tx, request, "simulator.rotate_key", "simulator", after.id, nullptr,
                         {{"overlap_s", overlap_s}});
            push_url = after.push_url;
            return Response::secret_json(
                200, {{"simulator_id", after.id},
                      {"api_key", api_key},
                      {"previous_key_valid_until", after.previous_key_expires_at}});
        });
        // Committed: the bridge, still calling with the previous key during the overlap, is
        // handed the new one by its next pull or heartbeat (also when it rotated itself and the
        // answer above got lost). Its waiting poll is woken for that.
        pending_keys.hold(id, api_key, std::chrono::seconds(overlap_s));
        signals.notify(id, push_url);
        return answer;
    };
    router.add("POST", "/api/v1/simulators/{id}/rotate-key", Permission::admin,
               [rotate](const Request& request) {
                   return rotate(request, request.path_params.at("id"), "");
               });
    router.add("POST", "/api/v1/sim/rotate-key", Permission::simulator,
               [rotate](const Request& request) {
                   if (request.caller.previous_key) {
                       // Whoever holds the old key (a thief, after an admin rotated because of
                       // the theft) must not be able to take the new one over.
                       throw ApiError(403, "previous_key",
                                      "a key replaced by a rotation may only pull, beat and "
                                      "report; rotate with the current key",
                                      "authorization");
                   }
                   const auto authorization = request.header("authorization");
                   return rotate(request, request.caller.simulator_id,
                                 secrets::sha256_hex(authorization.substr(
                                     std::min(authorization.size(), std::size_t{7}))));
               });

    // `from`: the only state the change applies to ("" = any state but revoked).
    auto set_state = [store, &pending_keys](const std::string& action, const std::string& state,
                                            const std::string& from = "") {
        return [store, &pending_keys, action, state, from](const Request& request) {
            if (state == "revoked") {
                pending_keys.forget(request.path_params.at("id"));
            }
            return store.write([&](StorageTransaction& tx) {
                const Simulator before =
                    existing_simulator(access_store(tx), request.path_params.at("id"));
                if (before.state == "revoked") {
                    throw ApiError(409, "revoked", "the simulator is revoked", "id");
                }
                if (!from.empty() && before.state != from) {
                    // Uncordoning a registered or offline simulator would mark it online
                    // without a heartbeat, and placement would trust it.
                    throw ApiError(409, "invalid_state",
                                   "the simulator is " + before.state + ", not " + from, "state");
                }
                Simulator after = before;
                after.state = state;
                if (state == "revoked") {
                    after.previous_key_hash.clear();
                    after.previous_key_expires_at.clear();
                }
                return change_simulator(tx, request, action, before, after);
            });
        };
    };
    router.add("POST", "/api/v1/simulators/{id}/revoke", Permission::admin,
               set_state("simulator.revoke", "revoked"));
    router.add("POST", "/api/v1/simulators/{id}/cordon", Permission::write,
               set_state("simulator.cordon", "cordoned"));
    router.add("POST", "/api/v1/simulators/{id}/uncordon", Permission::write,
               set_state("simulator.uncordon", "online", "cordoned"));

    router.add("POST", "/api/v1/sim/heartbeat", Permission::simulator,
               [store, &pending_keys](const Request& request) {
                   const auto body = request.json_body();
                   JsonReader reader(body, "");
                   const auto cpu = reader.number("cpu_load", 0, 1);
                   const auto memory = reader.number("memory_load", 0, 1);
                   const auto regions = reader.string_list("regions", 10000, 64);
                   reader.reject_unknown();
                   if (regions) {
                       // Checked before the write transaction: a large simulator's list is many
                       // reads.
                       store.read([&](StorageTransaction& tx) {
                           for (std::size_t i = 0; i < regions->size(); ++i) {
                               require_own_region(tx, request.caller.simulator_id, regions->at(i),
                                                  "regions[" + std::to_string(i) + "]");
                           }
                           return 0;
                       });
                   }
                   return store.write([&](StorageTransaction& tx) {
                       auto& access = access_store(tx);
                       Simulator simulator =
                           existing_simulator(access, request.caller.simulator_id);
                       const Simulator before = simulator;
                       simulator.cpu_load = cpu.value_or(simulator.cpu_load);
                       simulator.memory_load = memory.value_or(simulator.memory_load);
                       simulator.region_count =
                           regions ? static_cast<int>(regions->size()) : simulator.region_count;
                       simulator.last_heartbeat_at = now_iso8601();
                       if (simulator.state == "registered" || simulator.state == "offline") {
                           simulator.state = "online";
                       }
                       access.update_simulator(simulator);
                       if (before.state == "offline") {
                           // Its going offline was audited; so is its return.
                           record_audit(tx, request, "simulator.online", "simulator", simulator.id,
                                        simulator_to_json(before), simulator_to_json(simulator));
                       }
                       nlohmann::json answer = {{"state", simulator.state},
                                                {"received_at", simulator.last_heartbeat_at}};
                       if (!request.caller.previous_key) {
                           pending_keys.delivered(simulator.id, request.header("authorization"));
                       } else if (auto key = pending_keys.for_previous_key(simulator.id)) {
                           answer["new_api_key"] = *key;
                           return Response::secret_json(200, answer);
                       }
                       return Response::json(200, answer);
                   });
               });

    // What a bridge repaired or found on its own (self-healing): one audit row per event,
    // action "simulator.repair", so operators see every repair where they see every change.
    router.add(
        "POST", "/api/v1/sim/repairs", Permission::simulator, [store](const Request& request) {
            const auto body = request.json_body();
            JsonReader reader(body, "");
            const auto* events = reader.raw("events");
            reader.reject_unknown();
            if (events == nullptr || !events->is_array() || events->empty() ||
                events->size() > 100) {
                throw ApiError::invalid_field("events", "must be an array of 1 to 100 events");
            }
            struct Event {
                std::string kind, region_id, detail;
            };
            std::vector<Event> parsed;
            for (std::size_t i = 0; i < events->size(); ++i) {
                JsonReader event(events->at(i), "events[" + std::to_string(i) + "]");
                Event e;
                e.kind = event.name("kind", 64).value_or("");
                e.region_id = event.string("region_id", 64).value_or("");
                e.detail = event.string("detail", 2000).value_or("");
                event.reject_unknown();
                if (e.kind.empty()) {
                    throw ApiError::invalid_field(event.field("kind"), "is required");
                }
                parsed.push_back(std::move(e));
            }
            return store.write([&](StorageTransaction& tx) {
                existing_simulator(access_store(tx), request.caller.simulator_id);
                for (std::size_t i = 0; i < parsed.size(); ++i) {
                    if (!parsed[i].region_id.empty()) {
                        require_own_region(tx, request.caller.simulator_id, parsed[i].region_id,
                                           "events[" + std::to_string(i) + "].region_id");
                    }
                }
                for (const auto& e : parsed) {
                    record_audit(tx, request, "simulator.repair",
                                 e.region_id.empty() ? "simulator" : "region",
                                 e.region_id.empty() ? request.caller.simulator_id : e.region_id,
                                 nullptr,
                                 {{"kind", e.kind},
                                  {"detail", e.detail},
                                  {"simulator_id", request.caller.simulator_id}});
                }
                return Response::json(200, {{"recorded", parsed.size()}});
            });
        });
}

}  // namespace vergegrid::control
