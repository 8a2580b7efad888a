// Several control planes on one PostgreSQL behind HAProxy (issue 15, docs/ha.md): news crosses
// replicas, the leadership moves when its holder dies, nothing acknowledged is lost or doubled,
// and a replica cut from the database leaves the balancer until it is back.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/e2e/api_client.hpp"
#include "tests/e2e/ha/ha_stack.hpp"

namespace vergegrid::test::ha {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

struct Simulator {
    std::string id;
    std::string key;
    std::string hostname;
};

Simulator register_simulator(std::uint16_t port, const std::string& hostname) {
    const ApiClient admin(port);
    const std::string token =
        admin.post("/api/v1/simulators/registration-tokens", json::object()).body.at("token");
    const auto registered = ApiClient(port, "").post(
        "/api/v1/sim/register", {{"token", token}, {"hostname", hostname}, {"capacity", 5000}});
    if (registered.status != 201) {
        throw std::runtime_error("registration failed: " + registered.raw);
    }
    return {registered.body.at("simulator_id"), registered.body.at("api_key"), hostname};
}

// GET /api/v1/cluster until `done` says yes (or 30 s pass); the last answer.
template <typename Done>
json wait_for_cluster(std::uint16_t port, Done done, std::chrono::milliseconds within = 30s) {
    json last;
    const auto deadline = Clock::now() + within;
    while (Clock::now() < deadline) {
        try {
            const auto answer = ApiClient(port).get("/api/v1/cluster");
            if (answer.status == 200) {
                last = answer.body;
                if (done(last)) {
                    return last;
                }
            }
        } catch (const std::exception&) {
        }
        std::this_thread::sleep_for(100ms);
    }
    return last;
}

std::string replica_id_named(const json& cluster, const std::string& name) {
    for (const auto& item : cluster.at("items")) {
        if (item.at("name") == name) {
            return item.at("id");
        }
    }
    return "";
}

// A bridge's loop through the balancer: heartbeat every second, long polls, a result for every
// operation it is handed. Remembers every operation id it got.
class SimulatedBridge {
  public:
    SimulatedBridge(std::uint16_t port, Simulator simulator)
        : port_(port), simulator_(std::move(simulator)), thread_([this] { run(); }) {}
    ~SimulatedBridge() {
        stop_ = true;
        thread_.join();
    }
    std::set<std::int64_t> received() const {
        const std::lock_guard lock(mutex_);
        return received_;
    }
    int polls_answered() const { return polls_answered_.load(); }

  private:
    void run() {
        const ApiClient api(port_, simulator_.key);
        auto next_beat = Clock::now();
        while (!stop_) {
            try {
                if (Clock::now() >= next_beat) {
                    api.post("/api/v1/sim/heartbeat", json::object());
                    next_beat = Clock::now() + 1s;
                }
                const auto answer = api.get("/api/v1/sim/operations?wait=2");
                if (answer.status != 200) {
                    std::this_thread::sleep_for(100ms);
                    continue;
                }
                ++polls_answered_;
                for (const auto& item : answer.body.at("items")) {
                    const std::int64_t id = item.at("id");
                    api.post("/api/v1/sim/operations/" + std::to_string(id) + "/result",
                             {{"state", "succeeded"}});
                    const std::lock_guard lock(mutex_);
                    received_.insert(id);
                }
            } catch (const std::exception&) {
                std::this_thread::sleep_for(100ms);  // a replica died mid-call: the next one
            }
        }
    }

    std::uint16_t port_;
    Simulator simulator_;
    std::atomic<bool> stop_{false};
    std::atomic<int> polls_answered_{0};
    mutable std::mutex mutex_;
    std::set<std::int64_t> received_;
    std::thread thread_;
};

class HighAvailability : public ::testing::Test {
  protected:
    void start(std::map<std::string, std::string> env) {
        stack_ = std::make_unique<HaStack>(3, std::move(env));
        // The first one alone: it sets the schema up and the first admin.
        stack_->start_replica(0);
        stack_->start_replica(1);
        stack_->start_replica(2);
        stack_->wait_until_balanced();
        estate_ = ApiClient(stack_->replica_port(0))
                      .post("/api/v1/estates", {{"name", "Main"}, {"owner", "Grid Owner"}})
                      .body.at("id");
    }

    json region(const std::string& name, int n, const Simulator& simulator) const {
        return {{"name", name},
                {"estate_id", estate_},
                {"loc_x", 1000 + (n % 500) * 4},
                {"loc_y", 1000 + (n / 500) * 4},
                {"host", simulator.hostname},
                {"port", 9000 + n % 900},
                {"placement", {{"simulator_id", simulator.id}}}};
    }

    std::unique_ptr<HaStack> stack_;
    std::string estate_;
};

TEST_F(HighAvailability, ACreateOnOneReplicaWakesAPollParkedOnAnotherAndItsPolicySwapIsFollowed) {
    // No re-check timer to fall back on: only the other replica's notification can wake it.
    start({{"VERGEGRID_HA_POLL_RECHECK_S", "0"}});
    const auto on_a = stack_->replica_port(0);
    const auto on_b = stack_->replica_port(1);
    const auto simulator = register_simulator(on_a, "sim-wake.example.org");
    std::vector<double> latencies_ms;
    for (int n = 0; n < 30; ++n) {
        std::atomic<bool> parked{false};
        JsonResult answer;
        Clock::time_point answered;
        std::thread poll([&] {
            parked = true;
            answer = ApiClient(on_b, simulator.key).get("/api/v1/sim/operations?wait=8");
            answered = Clock::now();
        });
        while (!parked) {
            std::this_thread::yield();
        }
        std::this_thread::sleep_for(150ms);  // parked on B by now
        const auto created = ApiClient(on_a).post(
            "/api/v1/regions", region("Wake " + std::to_string(n), n, simulator));
        const auto created_at = Clock::now();
        ASSERT_EQ(created.status, 201) << created.raw;
        poll.join();
        ASSERT_EQ(answer.status, 200) << answer.raw;
        ASSERT_EQ(answer.body.at("items").size(), 1u) << "woken by A's create: " << answer.raw;
        EXPECT_EQ(answer.body.at("items").at(0).at("region_id"), created.body.at("id"));
        const std::int64_t id = answer.body.at("items").at(0).at("id");
        ApiClient(on_b, simulator.key)
            .post("/api/v1/sim/operations/" + std::to_string(id) + "/result",
                  {{"state", "succeeded"}});
        latencies_ms.push_back(std::max(
            0.0, std::chrono::duration<double, std::milli>(answered - created_at).count()));
    }
    std::sort(latencies_ms.begin(), latencies_ms.end());
    // Reported for docs/benchmarks.md; the behaviour asserted is that B was woken at all (its
    // poll would otherwise have waited its 8 s out).
    std::cout << "[ha] create on A -> poll on B answered after A's 201: p50 "
              << latencies_ms[latencies_ms.size() / 2] << " ms, max " << latencies_ms.back()
              << " ms\n";
    EXPECT_LT(latencies_ms.back(), 4000.0);

    // A runtime swap of the placement policy on A is followed by B.
    const auto policies = ApiClient(on_a).get("/api/v1/placement/policy").body;
    std::string other;
    for (const auto& name : policies.at("available")) {
        if (name != policies.at("active")) {
            other = name;
        }
    }
    ASSERT_FALSE(other.empty()) << "needs two placement policies: " << policies.dump();
    ASSERT_EQ(ApiClient(on_a)
                  .call("PUT", "/api/v1/placement/policy", json{{"policy", other}}.dump())
                  .status,
              200);
    std::string on_b_active;
    for (int i = 0; i < 100 && on_b_active != other; ++i) {
        on_b_active = ApiClient(on_b).get("/api/v1/placement/policy").body.at("active");
        std::this_thread::sleep_for(50ms);
    }
    EXPECT_EQ(on_b_active, other);
}

TEST_F(HighAvailability, KillingTheLeaderUnderLoadLosesNothingAndAnotherLeads) {
    start({{"VERGEGRID_SIMULATORS_OFFLINE_AFTER_S", "6"}});
    const auto balancer = stack_->balancer_port();
    const auto first = wait_for_cluster(balancer, [](const json& c) {
        return !c.at("leader").is_null() && c.at("items").size() == 3;
    });
    ASSERT_EQ(first.at("coordination"), "postgresql") << first.dump();
    ASSERT_FALSE(first.at("leader").is_null()) << first.dump();
    int leader = -1;
    for (int i = 0; i < 3; ++i) {
        if (replica_id_named(first, "replica-" + std::to_string(i)) == first.at("leader")) {
            leader = i;
        }
    }
    ASSERT_GE(leader, 0) << first.dump();

    std::vector<Simulator> simulators;
    std::vector<std::unique_ptr<SimulatedBridge>> bridges;
    for (int i = 0; i < 3; ++i) {
        simulators.push_back(
            register_simulator(balancer, "sim-" + std::to_string(i) + ".example.org"));
        bridges.push_back(std::make_unique<SimulatedBridge>(balancer, simulators.back()));
    }
    // A simulator that beats until the leader dies: going offline afterwards is the new
    // leader's liveness job at work.
    const auto silent = register_simulator(balancer, "sim-silent.example.org");
    std::atomic<bool> beating{true};
    std::thread beats([&] {
        while (beating) {
            try {
                ApiClient(balancer, silent.key).post("/api/v1/sim/heartbeat", json::object());
            } catch (const std::exception&) {
            }
            std::this_thread::sleep_for(500ms);
        }
    });

    // Creates from every replica directly and through the balancer; a client whose replica
    // died goes on through the balancer.
    std::atomic<bool> loading{true};
    std::atomic<int> next{0};
    std::mutex acked_mutex;
    std::map<std::string, std::string> acked;  // region id -> name
    std::vector<std::thread> clients;
    for (int c = 0; c < 4; ++c) {
        clients.emplace_back([&, c] {
            std::uint16_t port = c < 3 ? stack_->replica_port(c) : balancer;
            while (loading) {
                const int n = next++;
                const auto name = "Load " + std::to_string(n);
                try {
                    const auto created =
                        ApiClient(port).post("/api/v1/regions", region(name, n, simulators[n % 3]));
                    if (created.status == 201) {
                        const std::lock_guard lock(acked_mutex);
                        acked.emplace(created.body.at("id"), name);
                    }
                } catch (const std::exception&) {
                    port = balancer;
                }
            }
        });
    }
    std::this_thread::sleep_for(3s);
    stack_->kill_replica(leader);
    beating = false;
    beats.join();
    const auto killed_at = Clock::now();
    const auto killed_id = first.at("leader").get<std::string>();
    const auto after = wait_for_cluster(balancer, [&](const json& c) {
        return !c.at("leader").is_null() && c.at("leader") != killed_id;
    });
    const auto failover = Clock::now() - killed_at;
    ASSERT_FALSE(after.at("leader").is_null()) << after.dump();
    EXPECT_NE(after.at("leader"), killed_id);
    EXPECT_LT(failover, 10s) << "ha.failover_s is 10";
    std::cout << "[ha] leader killed; another leads after "
              << std::chrono::duration_cast<std::chrono::milliseconds>(failover).count() << " ms\n";
    std::this_thread::sleep_for(3s);  // creates go on meanwhile
    loading = false;
    for (auto& client : clients) {
        client.join();
    }

    const ApiClient api(balancer);
    ASSERT_GT(acked.size(), 20u) << "the load did not run";
    // Every acknowledged create is there, once, with exactly one create operation, and its
    // simulator's bridge got that operation and answered it.
    std::map<std::string, int> names;
    for (const auto& item : all_items(api, "/api/v1/regions", "after")) {
        ++names[item.at("name").get<std::string>()];
    }
    for (const auto& [name, count] : names) {
        EXPECT_EQ(count, 1) << name;
    }
    std::set<std::int64_t> create_operations;
    for (const auto& [id, name] : acked) {
        const auto found = api.get("/api/v1/regions/" + id);
        ASSERT_EQ(found.status, 200) << name << ": " << found.raw;
        EXPECT_EQ(found.body.at("name"), name);
        const auto operations = all_items(api, "/api/v1/operations?region_id=" + id, "before");
        ASSERT_EQ(operations.size(), 1u) << name;
        EXPECT_EQ(operations[0].at("kind"), "create");
        create_operations.insert(operations[0].at("id").get<std::int64_t>());
    }
    std::set<std::int64_t> received;
    for (int i = 0; i < 600; ++i) {
        received.clear();
        for (const auto& bridge : bridges) {
            const auto got = bridge->received();
            received.insert(got.begin(), got.end());
        }
        if (std::includes(received.begin(), received.end(), create_operations.begin(),
                          create_operations.end())) {
            break;
        }
        std::this_thread::sleep_for(100ms);
    }
    EXPECT_TRUE(std::includes(received.begin(), received.end(), create_operations.begin(),
                              create_operations.end()))
        << "every bridge kept pulling: " << received.size() << " of " << create_operations.size()
        << " operations reached their bridge";

    // The new leader's liveness job takes the silent simulator offline.
    std::string state;
    for (int i = 0; i < 300 && state != "offline"; ++i) {
        state = api.get("/api/v1/simulators/" + silent.id).body.value("state", "");
        std::this_thread::sleep_for(100ms);
    }
    EXPECT_EQ(state, "offline") << "no leader ran the liveness check after the kill";
    for (const auto& bridge : bridges) {
        EXPECT_GT(bridge->polls_answered(), 0);
    }
}

TEST_F(HighAvailability, AReplicaCutFromTheDatabaseIsNotReadyUntilItIsBack) {
    start({});
    const auto cut = stack_->replica_port(2);
    ASSERT_EQ(http_get(cut, "/readyz").status, 200);
    stack_->cut_database(2);
    int status = 0;
    for (int i = 0; i < 150 && status != 503; ++i) {
        status = http_get(cut, "/readyz").status;
        std::this_thread::sleep_for(100ms);
    }
    ASSERT_EQ(status, 503) << "a replica without its database is not ready";
    // Once the balancer has dropped it (two failed checks 300 ms apart, later on a loaded
    // machine), requests through the balancer keep succeeding.
    for (int i = 0; i < 150 && stack_->balancer_status(2) != "DOWN"; ++i) {
        std::this_thread::sleep_for(100ms);
    }
    ASSERT_EQ(stack_->balancer_status(2), "DOWN") << "the balancer's checks see /readyz's 503";
    for (int n = 0; n < 12; ++n) {
        const auto listed = ApiClient(stack_->balancer_port()).get("/api/v1/estates");
        EXPECT_EQ(listed.status, 200) << listed.raw;
    }
    stack_->restore_database(2);
    for (int i = 0; i < 150 && status != 200; ++i) {
        status = http_get(cut, "/readyz").status;
        std::this_thread::sleep_for(100ms);
    }
    EXPECT_EQ(status, 200) << "ready again once the database is back";
    // Every pooled connection the cut broke is replaced as it is next used, not failed once.
    for (int n = 0; n < 6; ++n) {
        const auto listed = ApiClient(cut).get("/api/v1/estates");
        EXPECT_EQ(listed.status, 200) << listed.raw;
    }
    // It rejoins the cluster's live replicas.
    const auto cluster = wait_for_cluster(cut, [](const json& c) {
        return std::count_if(c.at("items").begin(), c.at("items").end(),
                             [](const json& item) { return item.at("live").get<bool>(); }) == 3;
    });
    EXPECT_EQ(std::count_if(cluster.at("items").begin(), cluster.at("items").end(),
                            [](const json& item) { return item.at("live").get<bool>(); }),
              3)
        << cluster.dump();
}

}  // namespace
}  // namespace vergegrid::test::ha
