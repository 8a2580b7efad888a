// The channel between the control plane and simulators: operations written with their changes,
// pulled (long poll) by the simulator they belong to, doorbells, lazy coalescing and eager flush,
// idempotent re-delivery, and durability across a control-plane restart.
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <thread>

#include "ssl_runtime/ssl_runtime.hpp"
#include "tests/e2e/api_client.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/throwaway_pki.hpp"

namespace channel_test {
namespace {

using nlohmann::json;
using vergegrid::test::ApiClient;
using vergegrid::test::ControlPlaneProcess;
using vergegrid::test::TempDir;
using vergegrid::test::ThrowawayPki;
using namespace std::chrono_literals;

// A push URL that accepts connections and never answers: holds each one until the control plane
// gives up on it, and says whether it did.
class SilentListener {
  public:
    SilentListener() : socket_(Poco::Net::SocketAddress("127.0.0.1", 0)) {}
    std::string url() const {
        return "http://127.0.0.1:" + std::to_string(socket_.address().port()) + "/doorbell";
    }
    // The next connection, once accepted (within `timeout`).
    bool accept(std::chrono::milliseconds timeout) {
        if (!socket_.poll(Poco::Timespan(timeout.count() * 1000), Poco::Net::Socket::SELECT_READ)) {
            return false;
        }
        accepted_ = socket_.acceptConnection();
        return true;
    }
    // Whether the control plane closed the accepted connection, reading what it sent meanwhile.
    bool closed_by_peer() {
        char buffer[1024];
        while (accepted_.poll(Poco::Timespan(0), Poco::Net::Socket::SELECT_READ)) {
            if (accepted_.receiveBytes(buffer, sizeof buffer) <= 0) {
                return true;
            }
        }
        return false;
    }
    // Sends the status line one byte every `every` until the peer goes or `limit` passes;
    // how long the peer stayed.
    std::chrono::steady_clock::duration trickle(std::chrono::milliseconds every,
                                                std::chrono::seconds limit) {
        const auto started = std::chrono::steady_clock::now();
        const std::string line = "HTTP/1.1 204 No Content, very slowly, one byte at a time........";
        for (std::size_t i = 0; std::chrono::steady_clock::now() - started < limit; ++i) {
            if (closed_by_peer()) {
                break;
            }
            try {
                accepted_.sendBytes(&line[i % line.size()], 1);
            } catch (const Poco::Exception&) {
                break;
            }
            std::this_thread::sleep_for(every);
        }
        return std::chrono::steady_clock::now() - started;
    }

  private:
    Poco::Net::ServerSocket socket_;
    Poco::Net::StreamSocket accepted_;
};

// A bridge's push listener: counts doorbells.
class DoorbellListener {
  public:
    DoorbellListener()
        : DoorbellListener(Poco::Net::ServerSocket(Poco::Net::SocketAddress("127.0.0.1", 0)),
                           "http") {}
    // Over TLS with `pki`'s server certificate (for 127.0.0.1).
    explicit DoorbellListener(const ThrowawayPki& pki)
        : DoorbellListener(Poco::Net::SecureServerSocket(Poco::Net::SocketAddress("127.0.0.1", 0),
                                                         64, server_context(pki)),
                           "https") {}
    DoorbellListener(Poco::Net::ServerSocket socket, std::string scheme)
        : scheme_(std::move(scheme)), socket_(std::move(socket)) {
        auto* params = new Poco::Net::HTTPServerParams;
        params->setMaxThreads(2);
        server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(rings_), socket_, params);
        server_->start();
    }
    ~DoorbellListener() { server_->stopAll(true); }
    std::string url() const {
        return scheme_ + "://127.0.0.1:" + std::to_string(socket_.address().port()) + "/doorbell";
    }
    int rings() const { return rings_.load(); }

  private:
    static Poco::Net::Context::Ptr server_context(const ThrowawayPki& pki) {
        vergegrid::ssl_runtime::ensure_initialized();
        return new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, pki.server_key().string(),
                                      pki.server_cert().string(), "",
                                      Poco::Net::Context::VERIFY_NONE);
    }

    struct Handler : Poco::Net::HTTPRequestHandler {
        explicit Handler(std::atomic<int>& rings) : rings_(rings) {}
        void handleRequest(Poco::Net::HTTPServerRequest& request,
                           Poco::Net::HTTPServerResponse& response) override {
            request.stream().ignore(1 << 16);
            rings_.fetch_add(1);
            response.setStatus(Poco::Net::HTTPResponse::HTTP_NO_CONTENT);
            response.send();
        }
        std::atomic<int>& rings_;
    };
    struct Factory : Poco::Net::HTTPRequestHandlerFactory {
        explicit Factory(std::atomic<int>& rings) : rings_(rings) {}
        Poco::Net::HTTPRequestHandler* createRequestHandler(
            const Poco::Net::HTTPServerRequest&) override {
            return new Handler(rings_);
        }
        std::atomic<int>& rings_;
    };

    std::atomic<int> rings_{0};
    std::string scheme_;
    Poco::Net::ServerSocket socket_;
    std::unique_ptr<Poco::Net::HTTPServer> server_;
};

class Channel : public ::testing::Test {
  protected:
    void SetUp() override { start(); }

    void start(std::map<std::string, std::string> env = {}) {
        control_.reset();
        env.emplace("VERGEGRID_SYNC_HYBRID_WINDOW_S", "2");
        control_ = std::make_unique<ControlPlaneProcess>(
            std::vector<std::string>{"--listen", "127.0.0.1:0", "--data-dir",
                                     (dir_.path() / "data").string()},
            env);
        ASSERT_TRUE(control_->started()) << control_->process().output();
        admin_ = std::make_unique<ApiClient>(control_->port());
    }

    std::pair<std::string, std::string> simulator(const std::string& hostname,
                                                  const std::string& push_url = "") {
        return vergegrid::test::register_simulator(*admin_, control_->port(), hostname, push_url);
    }

    std::string estate() {
        if (estate_id_.empty()) {
            estate_id_ =
                admin_->post("/api/v1/estates", {{"name", "Main"}, {"owner", "Grid Owner"}})
                    .body.at("id");
        }
        return estate_id_;
    }

    json create_region(const std::string& name, int x, const std::string& simulator_id) {
        auto result =
            admin_->post("/api/v1/regions", {{"name", name},
                                             {"estate_id", estate()},
                                             {"loc_x", x},
                                             {"loc_y", 0},
                                             {"port", 9000 + x},
                                             {"host", "sim.example.org"},
                                             {"placement", {{"simulator_id", simulator_id}}}});
        EXPECT_EQ(result.status, 201) << result.raw;
        return result.body;
    }

    json pull(const std::string& key, int wait = 0) const {
        auto result = ApiClient(control_->port(), key)
                          .get("/api/v1/sim/operations?wait=" + std::to_string(wait));
        EXPECT_EQ(result.status, 200) << result.raw;
        return result.body.at("items");
    }

    void report(const std::string& key, const json& operation) const {
        auto result = ApiClient(control_->port(), key)
                          .post("/api/v1/sim/operations/" +
                                    std::to_string(operation.at("id").get<long>()) + "/result",
                                {{"state", "succeeded"}, {"result", {{"healthy", true}}}});
        EXPECT_EQ(result.status, 200) << result.raw;
    }

    TempDir dir_;
    std::unique_ptr<ControlPlaneProcess> control_;
    std::unique_ptr<ApiClient> admin_;
    std::string estate_id_;
};

TEST_F(Channel, APinnedRegionBecomesAnOperationOnlyItsSimulatorPulls) {
    auto [sim_a, key_a] = simulator("sim-a");
    auto [sim_b, key_b] = simulator("sim-b");
    const auto region = create_region("Alpha", 0, sim_a);

    EXPECT_TRUE(pull(key_b).empty()) << "another simulator's operations stay invisible";
    const auto operations = pull(key_a);
    ASSERT_EQ(operations.size(), 1u);
    const auto& op = operations.at(0);
    EXPECT_EQ(op.at("kind"), "create");
    EXPECT_EQ(op.at("class"), "eager");
    EXPECT_EQ(op.at("region_id"), region.at("id"));
    EXPECT_EQ(op.at("region_version"), "1.0.0");
    EXPECT_EQ(op.at("spec").at("name"), "Alpha");
    EXPECT_EQ(op.at("state"), "delivered");

    auto foreign =
        ApiClient(control_->port(), key_b)
            .post("/api/v1/sim/operations/" + std::to_string(op.at("id").get<long>()) + "/result",
                  {{"state", "succeeded"}});
    EXPECT_EQ(foreign.status, 404);

    // Not reported yet: delivered again (re-delivery is harmless, the version says what applies).
    const auto again = pull(key_a);
    ASSERT_EQ(again.size(), 1u);
    EXPECT_EQ(again.at(0).at("attempts"), 2);
    report(key_a, op);
    report(key_a, op);  // reporting twice changes nothing
    EXPECT_TRUE(pull(key_a).empty());
    auto listed = admin_->get("/api/v1/operations?region_id=" + region.at("id").get<std::string>())
                      .body.at("items");
    ASSERT_EQ(listed.size(), 1u);
    EXPECT_EQ(listed.at(0).at("state"), "succeeded");
    EXPECT_EQ(listed.at(0).at("result").at("healthy"), true);
}

TEST_F(Channel, ALongPollWakesWhenAnOperationIsQueuedAndTheDoorbellRings) {
    DoorbellListener doorbell;
    auto [sim, key] = simulator("sim-a", doorbell.url());
    auto waiting = std::async(std::launch::async, [&, key = key] {
        const auto started = std::chrono::steady_clock::now();
        auto items = pull(key, 20);
        return std::make_pair(items, std::chrono::steady_clock::now() - started);
    });
    std::this_thread::sleep_for(300ms);
    create_region("Alpha", 0, sim);
    auto [items, waited] = waiting.get();
    ASSERT_EQ(items.size(), 1u);
    EXPECT_LT(waited, 5s) << "woken by the new operation, not by the 20 s deadline";
    for (int i = 0; i < 200 && doorbell.rings() == 0; ++i) {
        std::this_thread::sleep_for(10ms);
    }
    EXPECT_EQ(doorbell.rings(), 1);
}

TEST_F(Channel, LazyChangesCoalesceInTheirWindowAndAnEagerChangeFlushesThem) {
    auto [sim, key] = simulator("sim-a");
    const std::string id = create_region("Alpha", 0, sim).at("id");
    for (const auto& op : pull(key)) {
        report(key, op);
    }
    for (int i = 1; i <= 10; ++i) {
        admin_->patch("/api/v1/regions/" + id, {{"environment", {{"water_height", 20.0 + i}}}});
    }
    EXPECT_TRUE(pull(key).empty()) << "lazy changes wait for their window";
    std::this_thread::sleep_for(2200ms);
    auto lazy = pull(key);
    ASSERT_EQ(lazy.size(), 1u) << "ten lazy edits become one operation";
    EXPECT_EQ(lazy.at(0).at("class"), "lazy");
    EXPECT_EQ(lazy.at(0).at("spec").at("environment").at("water_height"), 30.0);
    EXPECT_EQ(lazy.at(0).at("region_version"), "1.0.10");
    report(key, lazy.at(0));

    admin_->patch("/api/v1/regions/" + id, {{"flags", {{"allow_voice", false}}}});
    admin_->patch("/api/v1/regions/" + id, {{"loc_x", 5}});
    auto flushed = pull(key);
    ASSERT_EQ(flushed.size(), 1u) << "the eager change carries the pending lazy one";
    EXPECT_EQ(flushed.at(0).at("class"), "eager");
    EXPECT_EQ(flushed.at(0).at("spec").at("flags").at("allow_voice"), false);
    EXPECT_EQ(flushed.at(0).at("spec").at("loc_x"), 5);
}

TEST_F(Channel, AWaitingPollEndsEmptyAtItsDeadlineAndWakesWhenALazyOperationFallsDue) {
    auto [sim, key] = simulator("sim-a");
    const std::string id = create_region("Alpha", 0, sim).at("id");
    for (const auto& op : pull(key)) {
        report(key, op);
    }
    EXPECT_TRUE(pull(key, 1).empty()) << "nothing queued: answered empty when the wait ends";

    admin_->patch("/api/v1/regions/" + id, {{"environment", {{"water_height", 25.0}}}});
    const auto started = std::chrono::steady_clock::now();
    auto lazy = pull(key, 30);  // the window is 2 s
    ASSERT_EQ(lazy.size(), 1u) << "the lazy operation reaches the waiting poll when it falls due";
    EXPECT_EQ(lazy.at(0).at("class"), "lazy");
    EXPECT_LT(std::chrono::steady_clock::now() - started, 20s) << "woken, not the 30 s deadline";
}

TEST_F(Channel, OperationsOfARegionArriveInOrderAndMovesTearDownOnTheOldSimulator) {
    auto [sim_a, key_a] = simulator("sim-a");
    auto [sim_b, key_b] = simulator("sim-b");
    const std::string id = create_region("Alpha", 0, sim_a).at("id");
    admin_->patch("/api/v1/regions/" + id, {{"flags", {{"enabled", false}}}});
    admin_->post("/api/v1/regions/" + id + "/restart", json::object());
    auto ops = pull(key_a);
    ASSERT_EQ(ops.size(), 3u);
    EXPECT_EQ(ops.at(0).at("kind"), "create");
    EXPECT_EQ(ops.at(1).at("kind"), "disable");
    EXPECT_EQ(ops.at(2).at("kind"), "restart");
    EXPECT_LT(ops.at(0).at("id"), ops.at(1).at("id"));

    admin_->patch("/api/v1/regions/" + id, {{"placement", {{"simulator_id", sim_b}}}});
    auto teardown = pull(key_a);
    ASSERT_EQ(teardown.size(), 4u);  // the three above, still unreported, and the delete
    EXPECT_EQ(teardown.back().at("kind"), "delete");
    auto arrival = pull(key_b);
    ASSERT_EQ(arrival.size(), 1u);
    EXPECT_EQ(arrival.at(0).at("kind"), "create");

    auto bad_pin =
        admin_->patch("/api/v1/regions/" + id,
                      {{"placement", {{"simulator_id", "00000000-0000-4000-8000-000000000000"}}}});
    EXPECT_EQ(bad_pin.status, 422);
    EXPECT_EQ(bad_pin.body.at("error").at("field"), "placement.simulator_id");
}

TEST_F(Channel, AQueuedOperationSurvivesAControlPlaneRestart) {
    auto [sim, key] = simulator("sim-a");
    create_region("Alpha", 0, sim);
    start();  // same data dir
    const auto ops = pull(key);
    ASSERT_EQ(ops.size(), 1u);
    EXPECT_EQ(ops.at(0).at("kind"), "create");
}

TEST_F(Channel, HeartbeatsAndRepairsNameOnlyTheSimulatorsOwnRegions) {
    auto [sim_a, key_a] = simulator("sim-a");
    auto [sim_b, key_b] = simulator("sim-b");
    const std::string mine = create_region("Alpha", 0, sim_a).at("id");
    const std::string theirs = create_region("Beta", 1, sim_b).at("id");
    const ApiClient a(control_->port(), key_a);

    EXPECT_EQ(a.post("/api/v1/sim/heartbeat", {{"regions", {mine}}}).status, 200);
    auto foreign = a.post("/api/v1/sim/heartbeat", {{"regions", {mine, theirs}}});
    EXPECT_EQ(foreign.status, 403) << foreign.raw;
    EXPECT_EQ(foreign.body.at("error").at("field"), "regions[1]");
    auto malformed = a.post("/api/v1/sim/heartbeat", {{"regions", {"Beta"}}});
    EXPECT_EQ(malformed.status, 400) << malformed.raw;
    EXPECT_EQ(malformed.body.at("error").at("field"), "regions[0]");
    EXPECT_EQ(admin_->get("/api/v1/simulators/" + sim_a).body.at("load").at("regions"), 1)
        << "a refused heartbeat counts nothing";

    auto repair = [&](const std::string& region_id) {
        return a.post("/api/v1/sim/repairs",
                      {{"events", {{{"kind", "reinjected"}, {"region_id", region_id}}}}});
    };
    EXPECT_EQ(repair(mine).status, 200);
    auto foreign_repair = repair(theirs);
    EXPECT_EQ(foreign_repair.status, 403) << foreign_repair.raw;
    EXPECT_EQ(foreign_repair.body.at("error").at("field"), "events[0].region_id");
    EXPECT_EQ(repair("../x").status, 400);
    auto audit = admin_->get("/api/v1/audit?action=simulator.repair&entity_id=" + theirs).body;
    EXPECT_TRUE(audit.at("items").empty())
        << "nothing written about the other simulator's region: " << audit.dump();

    // A region moved away still runs here until the delete is applied: still ours to report.
    admin_->patch("/api/v1/regions/" + mine, {{"placement", {{"simulator_id", sim_b}}}});
    EXPECT_EQ(a.post("/api/v1/sim/heartbeat", {{"regions", {mine}}}).status, 200);
}

TEST_F(Channel, ASimulatorHoldsAtMostItsShareOfWaitingPolls) {
    start({{"VERGEGRID_SIMULATORS_MAX_PARKED_POLLS", "2"}});
    auto [sim_a, key_a] = simulator("sim-a");
    auto [sim_b, key_b] = simulator("sim-b");
    auto first = std::async(std::launch::async, [&, key = key_a] { return pull(key, 3); });
    auto second = std::async(std::launch::async, [&, key = key_a] { return pull(key, 3); });
    std::this_thread::sleep_for(700ms);  // both parked (or the third below is refused anyway)
    auto third = ApiClient(control_->port(), key_a).get("/api/v1/sim/operations?wait=3");
    EXPECT_EQ(third.status, 429) << third.raw;
    EXPECT_EQ(third.body.at("error").at("code"), "too_many_polls");
    EXPECT_EQ(third.headers["retry-after"], "1");
    EXPECT_EQ(ApiClient(control_->port(), key_a).get("/api/v1/sim/operations").status, 200)
        << "a pull that does not wait is always answered";
    EXPECT_TRUE(pull(key_b, 1).empty()) << "another simulator still waits";
    first.get();
    second.get();
    EXPECT_TRUE(pull(key_a, 1).empty()) << "the share comes back when the polls end";
}

TEST_F(Channel, ASilentPushUrlDelaysNoOtherSimulatorsDoorbell) {
    SilentListener silent;
    DoorbellListener doorbell;
    auto [sim_a, key_a] = simulator("sim-a", silent.url());
    auto [sim_b, key_b] = simulator("sim-b", doorbell.url());
    create_region("Alpha", 0, sim_a);
    ASSERT_TRUE(silent.accept(10s)) << "sim-a's doorbell was rung";
    create_region("Beta", 1, sim_b);
    for (int i = 0; i < 500 && doorbell.rings() == 0; ++i) {
        std::this_thread::sleep_for(10ms);
    }
    EXPECT_EQ(doorbell.rings(), 1);
    EXPECT_FALSE(silent.closed_by_peer())
        << "sim-b's doorbell rang while sim-a's was still waiting for an answer";
}

TEST_F(Channel, ADoorbellAnsweredByteByByteIsCutOffAtItsDeadline) {
    SilentListener trickling;
    auto [sim, key] = simulator("sim-a", trickling.url());
    create_region("Alpha", 0, sim);
    ASSERT_TRUE(trickling.accept(10s));
    const auto held = trickling.trickle(200ms, 30s);
    EXPECT_LT(held, 15s) << "the control plane kept a trickling push URL for the whole test";
}

TEST_F(Channel, AnHttpsPushUrlIsRungOverTlsAndItsCertificateIsChecked) {
    ThrowawayPki pki;
    start({{"VERGEGRID_SIMULATORS_PUSH_CA_FILE", pki.ca_cert().string()}});
    DoorbellListener tls(pki);
    auto [sim, key] = simulator("sim-a", tls.url());
    create_region("Alpha", 0, sim);
    for (int i = 0; i < 500 && tls.rings() == 0; ++i) {
        std::this_thread::sleep_for(10ms);
    }
    EXPECT_EQ(tls.rings(), 1) << control_->process().output();

    // A certificate from a CA the control plane was not told to trust: no ring.
    start({{"VERGEGRID_SIMULATORS_PUSH_CA_FILE", pki.other_ca_cert().string()}});
    create_region("Beta", 1, sim);
    std::this_thread::sleep_for(1500ms);
    EXPECT_EQ(tls.rings(), 1);
}

// Security review: a simulator's `result` nested 60,000 deep crashed vergegrid-control (the
// stored document was dumped recursively). Every body is now limited to 64 levels.
class ChannelJsonLimits : public Channel {
  protected:
    // A delivered operation's id and the simulator's key.
    std::pair<std::string, std::string> delivered_operation() {
        auto [sim, key] = simulator("sim-a");
        create_region("Alpha", 0, sim);
        const auto operations = pull(key);
        EXPECT_EQ(operations.size(), 1u);
        return {std::to_string(operations.at(0).at("id").get<long>()), key};
    }
    // A result body nested `depth` levels in all: the body object, then depth - 1 arrays.
    static std::string result_body(int depth) {
        const auto inner = static_cast<std::size_t>(depth - 1);
        return R"({"state":"succeeded","result":)" + std::string(inner, '[') +
               std::string(inner, ']') + "}";
    }
    vergegrid::test::JsonResult post_result(const std::string& key, const std::string& id,
                                            const std::string& body) const {
        return ApiClient(control_->port(), key)
            .call("POST", "/api/v1/sim/operations/" + id + "/result", body);
    }
    json operation_listing() const { return admin_->get("/api/v1/operations").body.at("items"); }
};

TEST_F(ChannelJsonLimits, ASixtyThousandDeepResultIsRefusedAndTheServerStaysUp) {
    const auto [id, key] = delivered_operation();
    const auto refused = post_result(key, id, result_body(60000));
    EXPECT_EQ(refused.status, 400) << refused.raw;
    EXPECT_EQ(refused.body.at("error").at("code"), "invalid_json");
    EXPECT_THAT(refused.body.at("error").at("message").get<std::string>(),
                ::testing::HasSubstr("nested deeper than 64 levels"));

    EXPECT_EQ(ApiClient(control_->port()).get("/healthz").status, 200);
    const auto listed = operation_listing();
    ASSERT_EQ(listed.size(), 1u);
    EXPECT_EQ(listed.at(0).at("state"), "delivered") << "the refused result changed nothing";
}

TEST_F(ChannelJsonLimits, SixtyFourLevelsAreAcceptedAndSixtyFiveRefused) {
    const auto [id, key] = delivered_operation();
    const auto too_deep = post_result(key, id, result_body(65));
    EXPECT_EQ(too_deep.status, 400) << too_deep.raw;
    EXPECT_EQ(too_deep.body.at("error").at("code"), "invalid_json");

    const auto accepted = post_result(key, id, result_body(64));
    EXPECT_EQ(accepted.status, 200) << accepted.raw;
    const auto listed = operation_listing();
    ASSERT_EQ(listed.size(), 1u);
    EXPECT_EQ(listed.at(0).at("state"), "succeeded");
    // Stored and read back whole: 63 arrays deep under "result" (the listing adds levels above).
    EXPECT_EQ(listed.at(0).at("result").dump(), std::string(63, '[') + std::string(63, ']'));
}

TEST_F(ChannelJsonLimits, ARepeatedKeyIsRefusedNamingTheKey) {
    const auto [id, key] = delivered_operation();
    const auto refused = post_result(key, id, R"({"state":"succeeded","state":"failed"})");
    EXPECT_EQ(refused.status, 400) << refused.raw;
    EXPECT_EQ(refused.body.at("error").at("code"), "invalid_json");
    EXPECT_THAT(refused.body.at("error").at("message").get<std::string>(),
                ::testing::HasSubstr("repeats the key \"state\""));
    EXPECT_EQ(operation_listing().at(0).at("state"), "delivered");
}

// Found by tests/fuzz (json_spec): nlohmann reports a number beyond double's range as
// out_of_range, which escaped json_body() and became a 500.
TEST_F(ChannelJsonLimits, ANumberBeyondDoublesRangeIsInvalidJsonNotA500) {
    const auto [id, key] = delivered_operation();
    const auto refused = post_result(key, id, R"({"state":"succeeded","result":{"x":1e400}})");
    EXPECT_EQ(refused.status, 400) << refused.raw;
    EXPECT_EQ(refused.body.at("error").at("code"), "invalid_json");
    EXPECT_EQ(operation_listing().at(0).at("state"), "delivered");
}

}  // namespace
}  // namespace channel_test
