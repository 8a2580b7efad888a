// The SDK's blueprint example (sdk/examples/hello-blueprint), built out of tree against the
// installed SDK (tests/sdk), loads into the plugin host as a blueprint, describes its parameters
// and plans its five regions, refusing bad parameters by name.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "plugin_host/plugin_loader.hpp"
#include "tests/support/test_logger.hpp"
#include "vergegrid/plugin_api/blueprint.hpp"

namespace {

namespace api = vergegrid::plugin_api;
using nlohmann::json;
using vergegrid::plugin_host::PluginLoader;
using vergegrid::plugin_host::PluginStatus;

api::BlueprintInput input(const json& parameters) {
    api::BlueprintInput in;
    in.parameters = parameters.dump();
    in.templates = json::array({{{"id", "t1"},
                                 {"name", "Plain"},
                                 {"size_x", 256},
                                 {"size_y", 256},
                                 {"version", "1.0.0"}},
                                {{"id", "t2"},
                                 {"name", "Big"},
                                 {"size_x", 512},
                                 {"size_y", 512},
                                 {"version", "1.0.0"}}})
                       .dump();
    in.estates = json::array({{{"id", "e1"}, {"name", "Main"}}}).dump();
    return in;
}

std::string refused(const api::Blueprint& blueprint, const json& parameters) {
    try {
        blueprint.plan(input(parameters));
    } catch (const api::ParameterError& e) {
        return e.field();
    }
    return "";
}

TEST(SdkBlueprintExample, BuiltOutOfTreeItLoadsDescribesAndPlansAPlaza) {
    auto log =
        std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::null_sink_mt>());
    PluginLoader loader(log);
    auto outcome = loader.load(VERGEGRID_SDK_BLUEPRINT_PLUGIN);
    ASSERT_EQ(outcome.record.status, PluginStatus::loaded) << outcome.record.reason;
    EXPECT_EQ(outcome.record.kind, "blueprint");
    EXPECT_EQ(outcome.record.name, "hello-blueprint");

    const api::ConfigSection config;
    auto blueprint = outcome.plugin->create<api::Blueprint>(api::HostContext{
        api::kAbiVersion, std::make_shared<vergegrid::test::RecordingLogger>(), config, "/tmp"});
    const auto described = json::parse(blueprint->describe());
    EXPECT_EQ(described["parameters"]["type"], "object");
    EXPECT_EQ(described["parameters"]["properties"]["x"]["type"], "integer");

    const json good{
        {"name", "Town"}, {"template", "Plain"}, {"estate", "Main"}, {"x", 10}, {"y", 20}};
    std::vector<json> regions;
    for (const auto& body : blueprint->plan(input(good))) {
        regions.push_back(json::parse(body));
    }
    ASSERT_EQ(regions.size(), 5U);
    EXPECT_EQ(regions[0]["name"], "Town Plaza");
    EXPECT_EQ(regions[0]["loc_x"], 10);
    EXPECT_EQ(regions[1]["name"], "Town North");
    EXPECT_EQ(regions[1]["loc_y"], 21);
    EXPECT_EQ(regions[4]["name"], "Town West");
    EXPECT_EQ(regions[4]["loc_x"], 9);
    EXPECT_EQ(regions[4]["template_id"], "t1");
    EXPECT_EQ(regions[4]["estate_id"], "e1");

    auto bad = good;
    bad["x"] = 0;
    EXPECT_EQ(refused(*blueprint, bad), "x");
    bad = good;
    bad["template"] = "Big";
    EXPECT_EQ(refused(*blueprint, bad), "template");
    bad = good;
    bad.erase("estate");
    EXPECT_EQ(refused(*blueprint, bad), "estate");
    bad = good;
    bad["colour"] = "red";
    EXPECT_EQ(refused(*blueprint, bad), "colour");
}

}  // namespace
