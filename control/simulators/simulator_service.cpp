#include "control/simulators/simulator_service.hpp"

#include <algorithm>

#include "control/common/clock.hpp"
#include "control/common/extensions.hpp"
#include "control/common/host_name.hpp"
#include "control/common/simulator_key.hpp"
#include "control/simulators/simulator_json.hpp"
#include "control/simulators/simulator_lifecycle.hpp"
#include "control/simulators/simulator_regions.hpp"
#include "secrets/secrets.hpp"

namespace vergegrid::control {

using plugin_api::AccessStore;
using plugin_api::Simulator;
using plugin_api::StorageTransaction;

namespace {

constexpr const char* kRegistrationTokenPrefix = "vgr_";

Simulator existing_simulator(AccessStore& access, const std::string& id) {
    auto simulator = access.find_simulator(id);
    if (!simulator) {
        throw DomainError::not_found("no simulator with id '" + id + "'");
    }
    return *simulator;
}

DomainEvent simulator_event(const std::string& type, const Simulator& before,
                            const Simulator& after) {
    return {type, "simulator", after.id, simulator_to_json(before), simulator_to_json(after)};
}

void require_registration_fields(const Registration& registration) {
    if (registration.token.empty()) {
        throw DomainError::invalid_field("token", "is required");
    }
    if (registration.hostname.empty()) {
        throw DomainError::invalid_field("hostname", "is required");
    }
    if (!is_host_name(registration.hostname)) {
        // It becomes the host of the regions placed on it, and so a line of Regions.ini.
        throw DomainError::invalid_field("hostname", kHostNameRule);
    }
}

DomainError registration_refused() {
    // One answer for unknown, used and expired tokens: nothing to learn by probing.
    return DomainError(Fault::forbidden, "registration_refused",
                       "the registration token is unknown, used or expired", "token");
}

// The token's labels join the simulator's own, each once.
void add_labels(Simulator& simulator, const std::vector<std::string>& labels) {
    for (const auto& label : labels) {
        if (std::find(simulator.labels.begin(), simulator.labels.end(), label) ==
            simulator.labels.end()) {
            simulator.labels.push_back(label);
        }
    }
}

DomainError previous_key_refused() {
    return DomainError(Fault::forbidden, "previous_key",
                       "a key replaced by a rotation may only pull, beat and report; rotate with "
                       "the current key",
                       "authorization");
}

Actor actor_of(const SimulatorCaller& caller) {
    return {caller.subject, caller.request_id};
}

bool is_silent(const Simulator& simulator, const std::string& cutoff) {
    return state_of(simulator) == SimulatorState::online && !simulator.last_heartbeat_at.empty() &&
           simulator.last_heartbeat_at < cutoff;
}

}  // namespace

void require_current_key(const SimulatorCaller& caller) {
    if (caller.previous_key) {
        // Whoever holds the old key (a thief, after an admin rotated because of the theft) must
        // not be able to take the new one over.
        throw previous_key_refused();
    }
}

Simulator drain_simulator(Changes& changes, const std::string& id) {
    auto& access = access_store(changes.tx());
    const Simulator before = existing_simulator(access, id);
    Simulator after = before;
    after.state = std::string(to_string(next_state(state_of(before), SimulatorEvent::drain)));
    if (after.state != before.state) {
        access.update_simulator(after);
    }
    // Recorded even when it was cordoned already: the drain itself is what operators look for.
    changes.record(simulator_event("simulator.drain", before, after));
    return after;
}

SimulatorService::SimulatorService(Store store, PendingKeys& pending_keys, KeyRotated key_rotated,
                                   SimulatorSettings settings)
    : store_(store),
      pending_keys_(&pending_keys),
      key_rotated_(std::move(key_rotated)),
      settings_(settings) {}

IssuedRegistrationToken SimulatorService::create_registration_token(
    const Actor& actor, const NewRegistrationToken& request) {
    IssuedRegistrationToken issued;
    issued.token = secrets::random_token(kRegistrationTokenPrefix);
    auto& record = issued.record;
    record.id = new_uuid();
    record.labels = request.labels;
    record.token_hash = secrets::sha256_hex(issued.token);
    record.created_by = actor.subject;
    record.created_at = now_iso8601();
    record.expires_at = iso8601_plus_seconds(
        record.created_at, request.ttl_s.value_or(settings_.registration_token_ttl_s));
    store_.command(actor, [&](Changes& changes) {
        access_store(changes.tx()).insert_registration_token(record);
        changes.record({"registration_token.create",
                        "registration_token",
                        record.id,
                        nullptr,
                        {{"labels", record.labels}, {"expires_at", record.expires_at}}});
    });
    return issued;
}

RegisteredSimulator SimulatorService::register_simulator(const std::string& request_id,
                                                         Registration registration) {
    require_registration_fields(registration);
    Simulator simulator;
    simulator.id = new_uuid();
    simulator.hostname = std::move(registration.hostname);
    simulator.labels = std::move(registration.labels);
    simulator.capacity = registration.capacity;
    simulator.push_url = std::move(registration.push_url);
    const std::string api_key = secrets::random_token(kSimulatorKeyPrefix);
    store_.command(Actor{"simulator:" + simulator.id, request_id}, [&](Changes& changes) {
        auto& access = access_store(changes.tx());
        const std::string now = now_iso8601();
        auto token =
            access.find_registration_token_by_hash(secrets::sha256_hex(registration.token));
        if (!token || !token->used_at.empty() || token->expires_at <= now) {
            throw registration_refused();
        }
        add_labels(simulator, token->labels);
        simulator.state = std::string(to_string(SimulatorState::registered));
        simulator.key_hash = secrets::sha256_hex(api_key);
        simulator.registered_at = now;
        if (!access.consume_registration_token(token->id, simulator.id, now)) {
            throw registration_refused();
        }
        access.insert_simulator(simulator);
        changes.record({"simulator.register", "simulator", simulator.id, nullptr,
                        simulator_to_json(simulator)});
    });
    return {simulator.id, api_key};
}

std::vector<Simulator> SimulatorService::list() const {
    return store_.read([](StorageTransaction& tx) { return access_store(tx).list_simulators(); });
}

Simulator SimulatorService::get(const std::string& id) const {
    return store_.read(
        [&](StorageTransaction& tx) { return existing_simulator(access_store(tx), id); });
}

RotatedKey SimulatorService::rotate_key(const Actor& actor, const std::string& id,
                                        std::optional<long> overlap_s) {
    return rotate(actor, id, overlap_s, "");
}

RotatedKey SimulatorService::rotate_own_key(const SimulatorCaller& caller,
                                            std::optional<long> overlap_s) {
    require_current_key(caller);
    const auto& authorization = caller.authorization;
    return rotate(
        actor_of(caller), caller.simulator_id, overlap_s,
        secrets::sha256_hex(authorization.substr(std::min(authorization.size(), std::size_t{7}))));
}

// `caller_key_hash`: for a simulator's own rotation, the hash of the key it called with, which
// must still be the current one when the rotation commits.
RotatedKey SimulatorService::rotate(const Actor& actor, const std::string& id,
                                    std::optional<long> overlap,
                                    const std::string& caller_key_hash) {
    const long overlap_s = overlap.value_or(settings_.key_rotation_overlap_s);
    const std::string api_key = secrets::random_token(kSimulatorKeyPrefix);
    return store_
        .command(actor,
                 [&](Changes& changes) {
                     auto& access = access_store(changes.tx());
                     const Simulator before = existing_simulator(access, id);
                     if (state_of(before) == SimulatorState::revoked) {
                         throw DomainError::conflict("revoked",
                                                     "a revoked simulator gets no new key", "id");
                     }
                     if (!caller_key_hash.empty() &&
                         !secrets::constant_time_equal(before.key_hash, caller_key_hash)) {
                         throw previous_key_refused();
                     }
                     Simulator after = before;
                     after.previous_key_hash = before.key_hash;
                     after.previous_key_expires_at = iso8601_plus_seconds(now_iso8601(), overlap_s);
                     after.key_hash = secrets::sha256_hex(api_key);
                     access.update_simulator(after);
                     changes.record({"simulator.rotate_key",
                                     "simulator",
                                     after.id,
                                     nullptr,
                                     {{"overlap_s", overlap_s}}});
                     // Committed: the bridge, still calling with the previous key during the
                     // overlap, is handed the new one by its next pull or heartbeat (also when
                     // it rotated itself and the answer got lost). Its waiting poll is woken.
                     changes.after_commit([this, id, api_key, overlap_s, url = after.push_url] {
                         pending_keys_->hold(id, api_key, std::chrono::seconds(overlap_s));
                         if (key_rotated_) {
                             key_rotated_(id, url);
                         }
                     });
                     return RotatedKey{after.id, api_key, after.previous_key_expires_at};
                 })
        .value;
}

Simulator SimulatorService::revoke(const Actor& actor, const std::string& id) {
    auto revoked = change_state(actor, id, SimulatorEvent::revoke, "simulator.revoke");
    details_->set(id, "");  // a revoked simulator's bridge never beats again
    return revoked;
}

Simulator SimulatorService::cordon(const Actor& actor, const std::string& id) {
    return change_state(actor, id, SimulatorEvent::cordon, "simulator.cordon");
}

Simulator SimulatorService::uncordon(const Actor& actor, const std::string& id) {
    return change_state(actor, id, SimulatorEvent::uncordon, "simulator.uncordon");
}

// An operator's state change: `type` is its event (and audit action).
Simulator SimulatorService::change_state(const Actor& actor, const std::string& id,
                                         SimulatorEvent event, const std::string& type) {
    return store_
        .command(actor,
                 [&](Changes& changes) {
                     auto& access = access_store(changes.tx());
                     const Simulator before = existing_simulator(access, id);
                     Simulator after = before;
                     const auto state = next_state(state_of(before), event);
                     after.state = std::string(to_string(state));
                     if (state == SimulatorState::revoked) {
                         after.previous_key_hash.clear();
                         after.previous_key_expires_at.clear();
                         changes.after_commit([this, id] { pending_keys_->forget(id); });
                     }
                     access.update_simulator(after);
                     changes.record(simulator_event(type, before, after));
                     return after;
                 })
        .value;
}

HeartbeatReceipt SimulatorService::heartbeat(const SimulatorCaller& caller, const Heartbeat& beat) {
    if (beat.regions) {
        // Checked before the write transaction: a large simulator's list is many reads.
        store_.read([&](StorageTransaction& tx) {
            for (std::size_t i = 0; i < beat.regions->size(); ++i) {
                require_own_region(tx, caller.simulator_id, beat.regions->at(i),
                                   "regions[" + std::to_string(i) + "]");
            }
            return 0;
        });
    }
    auto receipt =
        store_
            .command(actor_of(caller),
                     [&](Changes& changes) {
                         auto& access = access_store(changes.tx());
                         const Simulator before = existing_simulator(access, caller.simulator_id);
                         Simulator after = before;
                         after.cpu_load = beat.cpu_load.value_or(before.cpu_load);
                         after.memory_load = beat.memory_load.value_or(before.memory_load);
                         after.region_count = beat.regions ? static_cast<int>(beat.regions->size())
                                                           : before.region_count;
                         after.last_heartbeat_at = now_iso8601();
                         const auto from = state_of(before);
                         const auto state = next_state(from, SimulatorEvent::heartbeat);
                         after.state = std::string(to_string(state));
                         access.update_simulator(after);
                         if (from == SimulatorState::offline) {
                             // Its going offline was recorded; so is its return. The load
                             // figures of a plain beat are no domain change.
                             changes.record(simulator_event("simulator.online", before, after));
                         }
                         // A stall (or its end) is a change operators look for in the audit
                         // trail; the same detail beat after beat is not.
                         const auto held = details_->get(caller.simulator_id);
                         if (held != beat.state_detail) {
                             changes.record({"simulator.state_detail",
                                             "simulator",
                                             caller.simulator_id,
                                             {{"state_detail", held}},
                                             {{"state_detail", beat.state_detail}}});
                             changes.after_commit(
                                 [details = details_, id = caller.simulator_id,
                                  detail = beat.state_detail] { details->set(id, detail); });
                         }
                         return HeartbeatReceipt{state, after.last_heartbeat_at, std::nullopt};
                     })
            .value;
    receipt.new_api_key = pending_keys_->handover(caller);
    return receipt;
}

std::size_t SimulatorService::record_repairs(const SimulatorCaller& caller,
                                             const std::vector<RepairReport>& reports) {
    store_.command(actor_of(caller), [&](Changes& changes) {
        auto& tx = changes.tx();
        existing_simulator(access_store(tx), caller.simulator_id);
        for (std::size_t i = 0; i < reports.size(); ++i) {
            if (!reports[i].region_id.empty()) {
                require_own_region(tx, caller.simulator_id, reports[i].region_id,
                                   "events[" + std::to_string(i) + "].region_id");
            }
        }
        for (const auto& report : reports) {
            const bool of_region = !report.region_id.empty();
            changes.record({"simulator.repair",
                            of_region ? "region" : "simulator",
                            of_region ? report.region_id : caller.simulator_id,
                            nullptr,
                            {{"kind", report.kind},
                             {"detail", report.detail},
                             {"simulator_id", caller.simulator_id}}});
        }
    });
    return reports.size();
}

std::vector<Simulator> SimulatorService::mark_silent_offline(const Actor& actor,
                                                             const std::string& cutoff) {
    // The common case (everyone beating) costs one read; only silent simulators take the write
    // lock.
    const auto silent = store_.read([&](StorageTransaction& tx) {
        std::vector<std::string> ids;
        for (const auto& simulator : access_store(tx).list_simulators()) {
            if (is_silent(simulator, cutoff)) {
                ids.push_back(simulator.id);
            }
        }
        return ids;
    });
    if (silent.empty()) {
        return {};
    }
    return store_
        .command(actor,
                 [&](Changes& changes) {
                     auto& access = access_store(changes.tx());
                     std::vector<Simulator> gone;
                     for (const auto& id : silent) {
                         const auto before = access.find_simulator(id);
                         if (!before || !is_silent(*before, cutoff)) {
                             continue;  // a heartbeat landed in between
                         }
                         auto after = *before;
                         after.state = std::string(
                             to_string(next_state(state_of(*before), SimulatorEvent::silence)));
                         access.update_simulator(after);
                         changes.record(simulator_event("simulator.offline", *before, after));
                         gone.push_back(after);
                     }
                     return gone;
                 })
        .value;
}

}  // namespace vergegrid::control
