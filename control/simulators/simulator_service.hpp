// Simulators: registration tokens, the one-time registration of a sim bridge, the simulators
// list, key rotation (by an admin or by the simulator itself), revocation, cordon, heartbeats,
// repair reports and the liveness check's offline marking. Every state change goes through the
// state machine (simulator_lifecycle.hpp) and is recorded as a domain event whose type is the
// audit action ("simulator.cordon", ...).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "control/domain/domain_event.hpp"
#include "control/domain/simulator_state.hpp"
#include "control/domain/store.hpp"
#include "control/simulators/pending_keys.hpp"
#include "control/simulators/simulator_caller.hpp"
#include "control/simulators/simulator_lifecycle.hpp"
#include "control/simulators/state_details.hpp"
#include "vergegrid/plugin_api/access_model.hpp"

namespace vergegrid::control {

struct SimulatorSettings {
    long registration_token_ttl_s = 3600;  // default; a request may ask for less or more
    long key_rotation_overlap_s = 300;     // the old key keeps working this long after a rotation
};

struct NewRegistrationToken {
    std::vector<std::string> labels;  // given to every simulator registered with it
    std::optional<long> ttl_s;        // unset: SimulatorSettings::registration_token_ttl_s
};

struct IssuedRegistrationToken {
    std::string token;  // the secret: shown once, stored only as a hash
    plugin_api::RegistrationToken record;
};

struct Registration {
    std::string token;
    std::string hostname;
    std::vector<std::string> labels;
    int capacity = 0;
    std::string push_url;  // "" = none; a URL checked by the caller
};

struct RegisteredSimulator {
    std::string simulator_id;
    std::string api_key;  // the secret: shown once
};

struct RotatedKey {
    std::string simulator_id;
    std::string api_key;  // the secret: shown once
    std::string previous_key_valid_until;
};

struct Heartbeat {
    std::optional<double> cpu_load;                   // 0..1
    std::optional<double> memory_load;                // 0..1
    std::optional<std::vector<std::string>> regions;  // ids of the regions it runs
    std::string state_detail;  // what is wrong with the simulator ("" = nothing; absent = "")
};

struct HeartbeatReceipt {
    SimulatorState state;
    std::string received_at;
    std::optional<std::string> new_api_key;  // for a beat made with a rotated key
};

// Something a bridge repaired or found on its own (self-healing).
struct RepairReport {
    std::string kind;
    std::string region_id;  // "" when it concerns the simulator itself
    std::string detail;
};

// Called once a rotation committed, with the simulator's push URL: its waiting pulls are woken so
// that a bridge still calling with the previous key gets the new one (the composition passes the
// operations channel's doorbell).
using KeyRotated =
    std::function<void(const std::string& simulator_id, const std::string& push_url)>;

// Throws DomainError 403 "previous_key" for a caller using a key a rotation replaced: such a key
// may only pull, beat and report.
void require_current_key(const SimulatorCaller& caller);

// A drain's state change, inside the drain's own command (which plans its regions' moves in the
// same transaction): cordons the simulator (an offline one stays offline) and records
// "simulator.drain". Throws DomainError not_found, or conflict "revoked".
plugin_api::Simulator drain_simulator(Changes& changes, const std::string& id);

class SimulatorService {
  public:
    // `pending_keys` must outlive the service.
    SimulatorService(Store store, PendingKeys& pending_keys, KeyRotated key_rotated,
                     SimulatorSettings settings = {});

    IssuedRegistrationToken create_registration_token(const Actor& actor,
                                                      const NewRegistrationToken& request);
    // Consumes the token; the simulator is its own actor ("simulator:<id>").
    RegisteredSimulator register_simulator(const std::string& request_id,
                                           Registration registration);

    std::vector<plugin_api::Simulator> list() const;
    plugin_api::Simulator get(const std::string& id) const;
    // The simulator's state_detail as its last heartbeat gave it ("" = nothing wrong).
    std::string state_detail(const std::string& id) const { return details_->get(id); }

    // An admin's rotation. `overlap_s` unset: SimulatorSettings::key_rotation_overlap_s.
    RotatedKey rotate_key(const Actor& actor, const std::string& id, std::optional<long> overlap_s);
    // The simulator's own, with its current key (checked again inside the transaction: an admin's
    // rotation may have come in between).
    RotatedKey rotate_own_key(const SimulatorCaller& caller, std::optional<long> overlap_s);

    plugin_api::Simulator revoke(const Actor& actor, const std::string& id);
    plugin_api::Simulator cordon(const Actor& actor, const std::string& id);
    plugin_api::Simulator uncordon(const Actor& actor, const std::string& id);

    // Throws DomainError 403 "not_your_region" (field "regions[i]") for a region that is not the
    // caller's.
    HeartbeatReceipt heartbeat(const SimulatorCaller& caller, const Heartbeat& beat);
    // One "simulator.repair" event per report; returns how many were recorded.
    std::size_t record_repairs(const SimulatorCaller& caller,
                               const std::vector<RepairReport>& reports);

    // The liveness check: online simulators whose last heartbeat is older than `cutoff` (an
    // ISO 8601 time) go offline, each checked again inside the write so that a heartbeat that
    // just landed wins. Returns them as they are now.
    std::vector<plugin_api::Simulator> mark_silent_offline(const Actor& actor,
                                                           const std::string& cutoff);

  private:
    plugin_api::Simulator change_state(const Actor& actor, const std::string& id,
                                       SimulatorEvent event, const std::string& type);
    RotatedKey rotate(const Actor& actor, const std::string& id, std::optional<long> overlap_s,
                      const std::string& caller_key_hash);

    Store store_;
    PendingKeys* pending_keys_;
    KeyRotated key_rotated_;
    SimulatorSettings settings_;
    std::shared_ptr<StateDetails> details_ = std::make_shared<StateDetails>();
};

}  // namespace vergegrid::control
