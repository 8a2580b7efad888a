// vergegrid-control as an operator runs it: a real process, real sockets on 127.0.0.1.
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "tests/support/child_process.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/temp_dir.hpp"
#include "vergegrid/plugin_api/abi.hpp"

namespace control_plane_process_test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using ::testing::HasSubstr;
using vergegrid::test::ChildProcess;
using vergegrid::test::ControlPlaneProcess;
using vergegrid::test::http_get;
using vergegrid::test::http_request;
using vergegrid::test::TempDir;
using namespace std::chrono_literals;

std::vector<std::string> ephemeral(const TempDir& dir) {
    return {"--listen", "127.0.0.1:0", "--data-dir", (dir.path() / "data").string()};
}

std::map<std::string, std::string> admin() {
    return {{"Authorization", std::string("Bearer ") + vergegrid::test::kTestAdminToken}};
}

json find_plugin(const json& listing, const std::string& file) {
    for (const auto& item : listing.at("items")) {
        if (fs::path(item.at("file").get<std::string>()).filename() == file) {
            return item;
        }
    }
    return nullptr;
}

TEST(ControlPlaneProcess, WithNoArgumentsServesLoopback9800WithAnEmbeddedDatabase) {
    TempDir dir;
    ControlPlaneProcess control({}, {}, dir.path());
    ASSERT_TRUE(control.started()) << control.process().output();
    EXPECT_EQ(control.port(), 9800);

    const auto health = http_get(9800, "/healthz");
    EXPECT_EQ(health.status, 200);
    EXPECT_EQ(json::parse(health.body).at("status"), "ok");
    EXPECT_TRUE(fs::exists(dir.path() / "data" / "vergegrid.db"));

    const auto plugins =
        json::parse(http_request(9800, "GET", "/api/v1/plugins", "", admin()).body);
    const auto sqlite = find_plugin(plugins, "vg-storage-sqlite.so");
    ASSERT_FALSE(sqlite.is_null()) << plugins.dump(2);
    EXPECT_EQ(sqlite.at("status"), "loaded");
    EXPECT_EQ(sqlite.at("kind"), "storage");
    EXPECT_EQ(sqlite.at("abi"), vergegrid::plugin_api::kAbiVersion.to_string());

    control.process().send_signal(SIGTERM);
    EXPECT_EQ(control.process().wait_for_exit(15s), 0) << control.process().output();
}

TEST(ControlPlaneProcess, PluginsNeedCredentials) {
    TempDir dir;
    ControlPlaneProcess control(ephemeral(dir));
    ASSERT_TRUE(control.started()) << control.process().output();
    EXPECT_EQ(http_get(control.port(), "/api/v1/plugins").status, 401);
    EXPECT_EQ(http_request(control.port(), "GET", "/api/v1/plugins", "", admin()).status, 200);
}

TEST(ControlPlaneProcess, AnswersReadinessVersionAndMetrics) {
    TempDir dir;
    ControlPlaneProcess control(ephemeral(dir));
    ASSERT_TRUE(control.started()) << control.process().output();

    const auto ready = http_get(control.port(), "/readyz");
    EXPECT_EQ(ready.status, 200) << ready.body;
    EXPECT_EQ(json::parse(ready.body).at("storage").at("ok"), true);

    const auto version = json::parse(http_get(control.port(), "/api/v1/version").body);
    EXPECT_EQ(version.at("program"), "vergegrid-control");
    EXPECT_FALSE(version.at("version").get<std::string>().empty());
    EXPECT_EQ(version.at("abi"), vergegrid::plugin_api::kAbiVersion.to_string());

    const auto metrics = http_get(control.port(), "/metrics");
    EXPECT_EQ(metrics.status, 200);
    EXPECT_THAT(
        metrics.body,
        HasSubstr(
            R"(vergegrid_http_requests_total{method="GET",route="/api/v1/version",status="200"} 1)"));
    EXPECT_THAT(metrics.body, HasSubstr("vergegrid_http_request_duration_seconds_bucket"));
    EXPECT_THAT(metrics.body,
                HasSubstr(R"(vergegrid_plugins{kind="storage",name="sqlite",status="loaded")"));
}

TEST(ControlPlaneProcess, UnknownRouteIsA404JsonError) {
    TempDir dir;
    ControlPlaneProcess control(ephemeral(dir));
    ASSERT_TRUE(control.started()) << control.process().output();
    const auto result = http_get(control.port(), "/api/v1/nothing-here");
    EXPECT_EQ(result.status, 404);
    EXPECT_EQ(result.headers.at("content-type").rfind("application/json", 0), 0u);
    EXPECT_EQ(json::parse(result.body).at("error").at("code"), "not_found");
}

TEST(ControlPlaneProcess, OversizedBodyIsA413) {
    TempDir dir;
    ControlPlaneProcess control(ephemeral(dir), {{"VERGEGRID_HTTP_MAX_BODY_BYTES", "1024"}});
    ASSERT_TRUE(control.started()) << control.process().output();
    const auto result =
        http_request(control.port(), "POST", "/api/v1/plugins", std::string(4096, 'x'));
    EXPECT_EQ(result.status, 413);
    EXPECT_EQ(json::parse(result.body).at("error").at("code"), "payload_too_large");
}

TEST(ControlPlaneProcess, SigtermLetsTheRequestInFlightFinishThenExitsZero) {
    TempDir dir;
    ControlPlaneProcess control(ephemeral(dir));
    ASSERT_TRUE(control.started()) << control.process().output();

    // Headers now, body later: the request is in the server's hands when SIGTERM arrives.
    Poco::Net::StreamSocket socket(Poco::Net::SocketAddress("127.0.0.1", control.port()));
    socket.setReceiveTimeout(Poco::Timespan(10, 0));
    const std::string head =
        "POST /api/v1/version HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        "Content-Length: 2\r\n\r\n";
    socket.sendBytes(head.data(), static_cast<int>(head.size()));
    std::this_thread::sleep_for(300ms);

    control.process().send_signal(SIGTERM);
    ASSERT_TRUE(control.process().wait_for_output(std::regex("received SIGTERM"), 5s))
        << control.process().output();
    EXPECT_FALSE(control.process().wait_for_exit(500ms)) << "exited with a request in flight";

    socket.sendBytes("{}", 2);
    std::string response;
    char buffer[4096];
    for (int n; (n = socket.receiveBytes(buffer, sizeof buffer)) > 0;) {
        response.append(buffer, static_cast<std::size_t>(n));
        if (response.find("\r\n\r\n") != std::string::npos &&
            response.find("}}") != std::string::npos) {
            break;
        }
    }
    EXPECT_THAT(response, HasSubstr("HTTP/1.1 405"));
    EXPECT_THAT(response, HasSubstr(R"("code":"method_not_allowed")"));
    EXPECT_EQ(control.process().wait_for_exit(15s), 0) << control.process().output();
    EXPECT_THAT(control.process().output(), HasSubstr("storage closed"));
}

TEST(ControlPlaneProcess, BadConfigurationIsReportedByNameAndExitsNonZero) {
    TempDir dir;
    const auto ini = dir.path() / "control.ini";
    std::ofstream(ini) << "listen = 127.0.0.1:0\n[http]\nmax_body = "
                          "5\n[storage.sqlite]\nbusy_timeout_ms = never\n";
    ChildProcess bad_env(
        VERGEGRID_CONTROL_BINARY, {"--config", ini.string()},
        {{"VERGEGRID_LOG_FORMAT", "xml"}, {"VERGEGRID_DATA_DIR", (dir.path() / "d").string()}});
    EXPECT_EQ(bad_env.wait_for_exit(15s), 2);
    EXPECT_THAT(bad_env.output(), HasSubstr("http.max_body: unknown key"));
    EXPECT_THAT(bad_env.output(), HasSubstr("log.format: 'xml' is not one of text, json"));

    std::ofstream(ini, std::ios::trunc)
        << "listen = 127.0.0.1:0\n[storage.sqlite]\nbusy_timeout_ms = never\npth = x\n";
    ChildProcess bad_plugin_key(VERGEGRID_CONTROL_BINARY, {"--config", ini.string()},
                                {{"VERGEGRID_DATA_DIR", (dir.path() / "d").string()}});
    EXPECT_EQ(bad_plugin_key.wait_for_exit(15s), 2);
    EXPECT_THAT(bad_plugin_key.output(),
                HasSubstr("storage.sqlite.pth: unknown key for plugin storage.sqlite"));

    std::ofstream(ini, std::ios::trunc)
        << "listen = 127.0.0.1:0\n[storage.sqlite]\nbusy_timeout_ms = never\n";
    ChildProcess bad_plugin_value(VERGEGRID_CONTROL_BINARY, {"--config", ini.string()},
                                  {{"VERGEGRID_DATA_DIR", (dir.path() / "d").string()}});
    EXPECT_EQ(bad_plugin_value.wait_for_exit(15s), 2);
    EXPECT_THAT(bad_plugin_value.output(), HasSubstr("storage.sqlite.busy_timeout_ms"));
}

TEST(ControlPlaneProcess, ListsRefusedPluginsWithTheirReasonOverTheApiAndTheCommandLine) {
    TempDir dir;
    const auto plugins = dir.path() / "plugins";
    fs::create_directories(plugins);
    for (const char* needed : {"vg-auth-builtin.so", "vg-sync-hybrid.so"}) {
        fs::copy_file(fs::path(VERGEGRID_PLUGIN_DIR) / needed, plugins / needed);
    }
    fs::copy_file(fs::path(VERGEGRID_PLUGIN_DIR) / "vg-storage-sqlite.so",
                  plugins / "vg-storage-sqlite.so");
    fs::copy_file(fs::path(VERGEGRID_TEST_PLUGIN_DIR) / "vg-test-other-major.so",
                  plugins / "vg-test-other-major.so");
    fs::copy_file(fs::path(VERGEGRID_TEST_PLUGIN_DIR) / "vg-test-missing-dependency.so",
                  plugins / "vg-test-missing-dependency.so");

    ChildProcess list(VERGEGRID_CONTROL_BINARY,
                      {"--list-plugins", "--plugin-dir", plugins.string()});
    EXPECT_EQ(list.wait_for_exit(15s), 0);
    EXPECT_THAT(list.output(), HasSubstr("refused"));
    EXPECT_THAT(list.output(), HasSubstr("vg-test-other-major.so"));
    EXPECT_THAT(list.output(),
                HasSubstr("reason: vg-test-other-major.so was built for plugin ABI"));
    EXPECT_THAT(list.output(), HasSubstr("failed"));

    auto args = ephemeral(dir);
    args.insert(args.end(), {"--plugin-dir", plugins.string()});
    ControlPlaneProcess control(args);
    ASSERT_TRUE(control.started()) << control.process().output();
    const auto listing =
        json::parse(http_request(control.port(), "GET", "/api/v1/plugins", "", admin()).body);
    const auto refused = find_plugin(listing, "vg-test-other-major.so");
    ASSERT_FALSE(refused.is_null()) << listing.dump(2);
    EXPECT_EQ(refused.at("status"), "refused");
    const std::string reason = refused.at("reason");
    EXPECT_THAT(reason, HasSubstr("vg-test-other-major.so was built for plugin ABI " +
                                  std::to_string(vergegrid::plugin_api::kAbiMajor + 1) + ".0"));
    EXPECT_THAT(reason, HasSubstr("speaks ABI " + vergegrid::plugin_api::kAbiVersion.to_string()));
    EXPECT_EQ(find_plugin(listing, "vg-test-missing-dependency.so").at("status"), "failed");
    EXPECT_EQ(find_plugin(listing, "vg-storage-sqlite.so").at("status"), "loaded");
}

TEST(ControlPlaneProcess, AMissingStorageBackendStopsStartUpWithAClearMessage) {
    TempDir dir;
    auto args = ephemeral(dir);
    args.insert(args.end(), {"--plugin-dir", (dir.path() / "empty").string()});
    ChildProcess control(VERGEGRID_CONTROL_BINARY, args);
    EXPECT_EQ(control.wait_for_exit(15s), 1);
    EXPECT_THAT(control.output(),
                HasSubstr("storage.backend: no loaded storage plugin named 'sqlite'"));
}

TEST(ControlPlaneProcess, ListsTheBridgesInjectionPluginAsSkippedAndLoadsTheKindsItUses) {
    // The build's plugin folder holds the bridge's injection plugin too.
    ChildProcess list(VERGEGRID_CONTROL_BINARY,
                      {"--list-plugins", "--plugin-dir", VERGEGRID_PLUGIN_DIR});
    EXPECT_EQ(list.wait_for_exit(15s), 0);
    EXPECT_THAT(list.output(),
                ::testing::ContainsRegex("skipped +injection .*vg-injection-hybrid.so"));
    EXPECT_THAT(list.output(), HasSubstr("reason: kind injection not used by vergegrid-control"));
    EXPECT_THAT(list.output(), ::testing::ContainsRegex("loaded +storage +sqlite"));
    EXPECT_THAT(list.output(), ::testing::ContainsRegex("loaded +migration +oar"));

    TempDir dir;
    auto args = ephemeral(dir);
    args.insert(args.end(), {"--plugin-dir", VERGEGRID_PLUGIN_DIR});
    ControlPlaneProcess control(args);
    ASSERT_TRUE(control.started()) << control.process().output();
    const auto listing =
        json::parse(http_request(control.port(), "GET", "/api/v1/plugins", "", admin()).body);
    const auto injection = find_plugin(listing, "vg-injection-hybrid.so");
    ASSERT_FALSE(injection.is_null()) << listing.dump(2);
    EXPECT_EQ(injection.at("status"), "skipped");
    EXPECT_EQ(injection.at("kind"), "injection");
    EXPECT_EQ(injection.at("reason"), "kind injection not used by vergegrid-control");
}

// [migration] strategy: a configured strategy must load; the default one may be missing.
TEST(ControlPlaneProcess, AConfiguredMigrationStrategyThatDoesNotLoadStopsStartUp) {
    TempDir dir;
    ChildProcess control(VERGEGRID_CONTROL_BINARY, ephemeral(dir),
                         {{"VERGEGRID_MIGRATION_STRATEGY", "nosuchstrategy"}});
    EXPECT_EQ(control.wait_for_exit(15s), 1);
    EXPECT_THAT(control.output(),
                HasSubstr("migration.strategy: no loaded migration plugin named 'nosuchstrategy'"));
}

TEST(ControlPlaneProcess, StartsWithoutTheDefaultMigrationStrategyAndSaysSo) {
    TempDir dir;
    const auto plugins = dir.path() / "plugins";
    fs::create_directories(plugins);
    for (const auto& entry : fs::directory_iterator(VERGEGRID_PLUGIN_DIR)) {
        if (entry.path().filename() != "vg-migration-oar.so") {
            fs::copy_file(entry.path(), plugins / entry.path().filename());
        }
    }
    auto args = ephemeral(dir);
    args.insert(args.end(), {"--plugin-dir", plugins.string()});
    ControlPlaneProcess control(args);
    ASSERT_TRUE(control.started()) << control.process().output();
    EXPECT_THAT(control.process().output(),
                HasSubstr("no migration plugin named 'oar': moves with content are unavailable"));
}

TEST(ControlPlaneProcess, AMistypedPluginKeyInTheEnvironmentIsRefusedLikeOneInTheFile) {
    TempDir dir;
    ChildProcess control(VERGEGRID_CONTROL_BINARY, ephemeral(dir),
                         {{"VERGEGRID_PLACEMENT_BASIC_RULES_BOGUS", "1"}});
    EXPECT_EQ(control.wait_for_exit(15s), 2);
    EXPECT_THAT(
        control.output(),
        HasSubstr("placement.basic-rules.bogus: unknown key for plugin "
                  "placement.basic-rules (from env VERGEGRID_PLACEMENT_BASIC_RULES_BOGUS)"));
}

}  // namespace
}  // namespace control_plane_process_test
