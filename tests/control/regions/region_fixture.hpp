// A RegionService over real storage and the hybrid sync plugin, with an estate to put regions in,
// simulators to put them on, and no placement policy (regions are placed by hand or pinned).
#pragma once

#include <string>
#include <vector>

#include "control/common/extensions.hpp"
#include "control/estates/estate_service.hpp"
#include "control/regions/region_service.hpp"
#include "tests/control/service_fixture.hpp"

namespace vergegrid::control {

class RegionFixture : public test::ServiceFixture {
  protected:
    static constexpr const char* kSimulator = "00000000-0000-4000-8000-0000000000a1";
    static constexpr const char* kOtherSimulator = "00000000-0000-4000-8000-0000000000a2";

    RegionFixture() {
        estate_id =
            EstateService(store()).create(actor(), {"Mainland", "Estate Governor"}).value.id;
        store().write([](plugin_api::StorageTransaction& tx) {
            for (const char* id : {kSimulator, kOtherSimulator}) {
                plugin_api::Simulator simulator;
                simulator.id = id;
                simulator.hostname = std::string(id) + ".example.org";
                simulator.capacity = 10;
                simulator.state = "online";
                simulator.key_hash = std::string("hash-") + id;
                simulator.registered_at = "2026-01-01T00:00:00Z";
                access_store(tx).insert_simulator(simulator);
            }
        });
    }

    // A region placed by hand at <x, 1000>: on no simulator until a pin moves it onto one.
    RegionRecord create(const std::string& name, int x = 1000) {
        return regions
            .create(actor(), {{{"name", name},
                               {"estate_id", estate_id},
                               {"loc_x", x},
                               {"loc_y", 1000},
                               {"host", "sim.example.org"},
                               {"port", 9000 + x % 1000}}})
            .value.region;
    }

    Committed<RegionChanged> update(const plugin_api::Region& region, nlohmann::json changes) {
        return regions.update(actor(), {region.uuid, std::nullopt, std::move(changes)});
    }

    std::vector<plugin_api::Operation> operations(const std::string& simulator_id) {
        return store().read([&](plugin_api::StorageTransaction& tx) {
            plugin_api::OperationFilter filter;
            filter.simulator_id = simulator_id;
            return operation_store(tx).list_operations(filter, 0, 100);
        });
    }

    std::string estate_id;
    kernel::services::ActiveSlot<plugin_api::PlacementPolicy> no_policy;
    OperationSignals signals{test::quiet_log()};
    RegionService regions{store(), RegionChannel{&sync_, &signals},
                          std::make_shared<PlacementService>(
                              no_policy, "", std::vector<std::string>{}, nullptr, PortRange{})};
};

}  // namespace vergegrid::control
