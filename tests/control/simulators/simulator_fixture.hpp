// A SimulatorService on real SQLite storage, with helpers that register simulators through it
// and callers that act as them.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "control/common/clock.hpp"
#include "control/common/extensions.hpp"
#include "control/simulators/simulator_service.hpp"
#include "tests/control/simulators/sqlite_store.hpp"

namespace vergegrid::test {

class SimulatorFixture : public ::testing::Test {
  protected:
    struct Registered {
        std::string id;
        std::string key;
    };

    Registered register_simulator(const std::string& hostname = "sim.example.org",
                                  std::vector<std::string> labels = {}) {
        control::NewRegistrationToken request;
        request.labels = std::move(labels);
        const auto issued = service_.create_registration_token(admin_, request);
        control::Registration registration;
        registration.token = issued.token;
        registration.hostname = hostname;
        registration.push_url = "http://" + hostname + ":9100/doorbell";
        const auto registered = service_.register_simulator("req-register", registration);
        return {registered.simulator_id, registered.api_key};
    }

    static control::SimulatorCaller caller(const Registered& simulator, bool previous = false) {
        return {simulator.id, previous, "Bearer " + simulator.key, "simulator:" + simulator.id,
                "req-sim"};
    }

    // Changes the stored simulator behind the service's back (a state or a heartbeat time the
    // test needs).
    void edit(const std::string& id, const std::function<void(plugin_api::Simulator&)>& change) {
        sqlite_.write([&](plugin_api::StorageTransaction& tx) {
            auto simulator = *control::access_store(tx).find_simulator(id);
            change(simulator);
            control::access_store(tx).update_simulator(simulator);
        });
    }

    std::string state(const std::string& id) { return service_.get(id).state; }

    SqliteStore sqlite_;
    control::PendingKeys pending_keys_;
    std::vector<std::pair<std::string, std::string>> rotations_;  // id, push URL
    control::SimulatorService service_{sqlite_.store(), pending_keys_,
                                       [this](const std::string& id, const std::string& url) {
                                           rotations_.emplace_back(id, url);
                                       }};
    control::Actor admin_{"admin", "req-admin"};
};

}  // namespace vergegrid::test
