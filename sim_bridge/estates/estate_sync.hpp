// Brings a running region into the OpenSim estate its VergeGrid estate names, and confirms it by
// reading the estate back from the simulator's console (`estate show`): the operation result's
// "fields"."estate_id" entry. OpenSim's own routes (verified on 0.9.2.2, docs/bridge.md):
//  - the estate runs here (a region of it is listed by `estate show`): `estate link region`, live;
//  - it does not: `estate create <owner uuid> <name>` (the owner given as a UUID, or a "First
//    Last" owner whose UUID another estate's owner line reveals), then the link;
//  - otherwise (the estate exists only in OpenSim's database, or its owner is known by name only):
//    close the region and create it again into the estate by name (admin_create_region joins an
//    existing estate, or creates it with estate_owner_first/last while another region runs).
// An owner-less VergeGrid estate that OpenSim does not have leaves the region in the simulator's
// default estate (OpenSim cannot create an estate without an owner).
#pragma once

#include <spdlog/fwd.h>

#include <chrono>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "sim_bridge/core/simulator_host.hpp"
#include "sim_bridge/estates/estate_console.hpp"
#include "sim_bridge/settings/field_report.hpp"

namespace vergegrid::bridge {

class EstateSync {
  public:
    EstateSync(const SimulatorSettings& settings, SimulatorHost& host,
               std::shared_ptr<spdlog::logger> log);

    // The settings applier's estate seam (SettingsApplier::set_estate_seam), called when the
    // operation carries the region's estate_id (a create, or an update that changes it): brings
    // the running region into its estate and reads it back.
    settings::FieldReport report(const DesiredRegion& region);

    // The same as JSON {"status", "mechanism", "value", "reason"?}. Without a console to read,
    // admin_create_region's success is the confirmation (SimulatorHost::estate_created_in).
    nlohmann::json apply(const DesiredRegion& region);

    // The OpenSim estate name a region should be in.
    std::string target_estate(const DesiredRegion& region) const;

  private:
    // One console line; the lines the simulator printed until `done` matched one (or the
    // time ran out). Empty when the console cannot be read.
    std::vector<std::string> run(const std::string& line,
                                 const std::function<bool(const std::string&)>& done);
    std::vector<EstateRow> show(const std::string& region_name);
    std::optional<std::string> owner_uuid(const EstateOwner& owner,
                                          const std::vector<EstateRow>& rows);
    // Close + create into the target estate by name; on failure the region is created again
    // into `fallback` so that it keeps running. Empty when it worked, else why not.
    std::string recreate(const DesiredRegion& region, const std::string& fallback);
    nlohmann::json confirmed(const DesiredRegion& region, const std::string& target,
                             const std::string& note);

    const SimulatorSettings& settings_;
    SimulatorHost& host_;
    std::shared_ptr<spdlog::logger> log_;
};

}  // namespace vergegrid::bridge
