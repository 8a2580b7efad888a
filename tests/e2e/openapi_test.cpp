// GET /api/v1/openapi.json of a real control plane against its own route table: every route in
// the document with its method and permission, described by a fragment, no fragment operation
// that is no route, every $ref resolvable.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "tests/e2e/api_client.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/temp_dir.hpp"

namespace openapi_test {
namespace {

using nlohmann::json;
using vergegrid::test::ApiClient;
using vergegrid::test::ControlPlaneProcess;
using vergegrid::test::TempDir;

std::string upper(std::string text) {
    for (auto& c : text) {
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    return text;
}

// Every "$ref" value anywhere under `node`.
void collect_refs(const json& node, std::set<std::string>& refs) {
    if (node.is_object()) {
        for (const auto& [key, value] : node.items()) {
            if (key == "$ref" && value.is_string()) {
                refs.insert(value.get<std::string>());
            } else {
                collect_refs(value, refs);
            }
        }
    } else if (node.is_array()) {
        for (const auto& value : node) {
            collect_refs(value, refs);
        }
    }
}

class OpenApi : public ::testing::Test {
  protected:
    void SetUp() override {
        control_ = std::make_unique<ControlPlaneProcess>(std::vector<std::string>{
            "--listen", "127.0.0.1:0", "--data-dir", (dir_.path() / "data").string()});
        ASSERT_TRUE(control_->started()) << control_->process().output();
        api_ = std::make_unique<ApiClient>(control_->port());
        auto answer = api_->get("/api/v1/openapi.json");
        ASSERT_EQ(answer.status, 200) << answer.raw;
        EXPECT_EQ(answer.headers["content-type"], "application/json");
        document_ = answer.body;
        const auto listed = api_->get("/api/v1/routes");
        for (const auto& route : listed.body.at("items")) {
            routes_[route.at("method").get<std::string>() + " " +
                    route.at("pattern").get<std::string>()] = route.at("permission");
        }
        ASSERT_GT(routes_.size(), 30u);
    }

    TempDir dir_;
    std::unique_ptr<ControlPlaneProcess> control_;
    std::unique_ptr<ApiClient> api_;
    json document_;
    std::map<std::string, std::string> routes_;  // "GET /x" -> permission
};

TEST_F(OpenApi, IsAnOpenApi31DocumentOfThisProgram) {
    EXPECT_EQ(document_.at("openapi"), "3.1.0");
    EXPECT_EQ(document_.at("info").at("version"), api_->get("/api/v1/version").body.at("version"));
    EXPECT_EQ(document_.at("servers").at(0).at("url"), "/");
    // Who may read it: the same callers as the route table it describes.
    EXPECT_EQ(ApiClient(control_->port(), "").get("/api/v1/openapi.json").status, 401);
}

TEST_F(OpenApi, ListsEveryRouteWithItsMethodAndPermissionAndNothingElse) {
    std::set<std::string> operation_ids;
    std::map<std::string, std::string> documented;
    std::vector<std::string> undocumented;
    for (const auto& [pattern, operations] : document_.at("paths").items()) {
        for (const auto& [method, operation] : operations.items()) {
            const auto key = upper(method) + " " + pattern;
            documented[key] = operation.at("x-vergegrid-permission");
            if (operation.value("x-vergegrid-undocumented", false)) {
                undocumented.push_back(key);
            }
            const std::string id = operation.value("operationId", "");
            EXPECT_FALSE(id.empty()) << key << " has no operationId";
            EXPECT_TRUE(operation_ids.insert(id).second) << "operationId used twice: " << id;
            EXPECT_TRUE(operation.contains("summary")) << key;
            EXPECT_FALSE(operation.at("tags").empty()) << key;
        }
    }
    EXPECT_EQ(documented, routes_);
    std::string missing;
    for (const auto& key : undocumented) {
        missing += "\n  " + key;
    }
    EXPECT_TRUE(undocumented.empty())
        << "routes no fragment in control/api/openapi/ describes:" << missing;
}

TEST_F(OpenApi, NoFragmentDescribesAnOperationThatIsNoRoute) {
    const std::filesystem::path folder =
        std::filesystem::path(VERGEGRID_SOURCE_DIR) / "control" / "api" / "openapi";
    int fragments = 0;
    for (const auto& entry : std::filesystem::directory_iterator(folder)) {
        if (entry.path().extension() != ".json") {
            continue;
        }
        ++fragments;
        std::ifstream in(entry.path());
        const auto fragment = json::parse(in);
        const json paths = fragment.value("paths", json::object());
        for (const auto& [pattern, operations] : paths.items()) {
            for (const auto& [method, operation] : operations.items()) {
                EXPECT_TRUE(routes_.contains(upper(method) + " " + pattern))
                    << entry.path().filename() << " describes " << upper(method) << " " << pattern
                    << ", which is no route";
            }
        }
    }
    EXPECT_GT(fragments, 0);
}

TEST_F(OpenApi, EveryRefResolvesAndEveryPathParameterIsDeclared) {
    std::set<std::string> refs;
    collect_refs(document_, refs);
    EXPECT_FALSE(refs.empty());
    for (const auto& ref : refs) {
        ASSERT_EQ(ref.rfind("#/", 0), 0u) << "not a local $ref: " << ref;
        EXPECT_TRUE(document_.contains(json::json_pointer(ref.substr(1)))) << ref;
    }
    for (const auto& [pattern, operations] : document_.at("paths").items()) {
        for (const auto& [method, operation] : operations.items()) {
            std::set<std::string> declared;
            for (const auto& parameter : operation.value("parameters", json::array())) {
                if (parameter.at("in") == "path") {
                    EXPECT_EQ(parameter.at("required"), true) << method << " " << pattern;
                    declared.insert(parameter.at("name"));
                }
            }
            std::set<std::string> in_pattern;
            for (auto open = pattern.find('{'); open != std::string::npos;
                 open = pattern.find('{', open + 1)) {
                in_pattern.insert(pattern.substr(open + 1, pattern.find('}', open) - open - 1));
            }
            EXPECT_EQ(declared, in_pattern) << method << " " << pattern;
        }
    }
}

}  // namespace
}  // namespace openapi_test
