// -o json|yaml|table against a real control plane: json and yaml carry the same document (yaml
// read back by PyYAML, a reader of its own), table stays the default, a bad format is refused.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <fstream>

#include "tests/cli/control_plane_fixture.hpp"

namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::StartsWith;
using vergegrid::cli::test::CtlAgainstControlPlane;

class OutputFormats : public CtlAgainstControlPlane {
  protected:
    // The YAML text as PyYAML reads it (YAML 1.1: it would take an unquoted 1.0.0 or a date for
    // something else than a string), as JSON.
    json read_yaml(const std::string& text) {
        const auto file = dir_.path() / "answer.yaml";
        std::ofstream(file) << text;
        const std::string command =
            "python3 -c 'import json, sys, yaml; json.dump(yaml.safe_load(open(sys.argv[1])), "
            "sys.stdout)' '" +
            file.string() + "' 2>&1";
        std::string out;
        FILE* pipe = ::popen(command.c_str(), "r");
        std::array<char, 4096> buffer{};
        while (pipe != nullptr && std::fgets(buffer.data(), buffer.size(), pipe) != nullptr) {
            out += buffer.data();
        }
        EXPECT_EQ(pipe == nullptr ? -1 : ::pclose(pipe), 0) << out;
        return json::parse(out, nullptr, false);
    }
};

TEST_F(OutputFormats, JsonAndYamlCarryTheSameDocumentForEveryKindOfAnswer) {
    const json estate = created("/api/v1/estates", {{"name", "Main"}, {"owner", "Grid Ops"}});
    created("/api/v1/regions", {{"name", "Alpha"},
                                {"estate_id", estate.at("id")},
                                {"loc_x", 1000},
                                {"loc_y", 1000},
                                {"port", 9000},
                                {"host", "sim1.example.org"},
                                {"flags", {{"allow_voice", false}}}});
    for (const std::vector<std::string>& command : {std::vector<std::string>{"region", "list"},
                                                    {"region", "get", "Alpha"},
                                                    {"region", "history", "Alpha"},
                                                    {"estate", "list"},
                                                    {"audit", "list"},
                                                    {"operation", "list"},
                                                    {"simulator", "list"}}) {
        auto as_json = command;
        as_json.insert(as_json.end(), {"-o", "json"});
        auto as_yaml = command;
        as_yaml.insert(as_yaml.end(), {"--output", "yaml"});
        const auto json_outcome = ctl(as_json);
        const auto yaml_outcome = ctl(as_yaml);
        ASSERT_EQ(json_outcome.code, 0) << json_outcome.output;
        ASSERT_EQ(yaml_outcome.code, 0) << yaml_outcome.output;
        const json from_json = json::parse(json_outcome.output, nullptr, false);
        ASSERT_FALSE(from_json.is_discarded()) << json_outcome.output;
        EXPECT_EQ(read_yaml(yaml_outcome.output), from_json) << command.front() << "\n"
                                                             << yaml_outcome.output;
    }
    // Strings that look like other things stay strings: a version, a time.
    const json alpha = read_yaml(ctl({"region", "get", "Alpha", "-o", "yaml"}).output);
    EXPECT_EQ(alpha.at("version"), "1.0.0");
    const json audit = read_yaml(ctl({"audit", "list", "-o", "yaml"}).output);
    ASSERT_FALSE(audit.at("items").empty()) << audit;
    EXPECT_TRUE(audit.at("items").at(0).at("at").is_string()) << audit;
    EXPECT_EQ(alpha.at("flags").at("allow_voice"), false);
}

TEST_F(OutputFormats, TableStaysTheDefaultAndABadFormatIsRefusedNamingTheOption) {
    const json estate = created("/api/v1/estates", {{"name", "Main"}, {"owner", "Grid Ops"}});
    const auto plain = ctl({"estate", "list"});
    ASSERT_EQ(plain.code, 0) << plain.output;
    EXPECT_THAT(plain.output, StartsWith("NAME  ID"));
    EXPECT_THAT(plain.output, HasSubstr("\nMain  " + estate.at("id").get<std::string>()));
    EXPECT_EQ(ctl({"estate", "list", "-o", "table"}).output, plain.output);

    const auto bad = ctl({"estate", "list", "--output", "xml"});
    EXPECT_EQ(bad.code, 2) << bad.output;
    EXPECT_THAT(bad.output, HasSubstr("--output"));
    EXPECT_THAT(bad.output, HasSubstr("xml"));
}

}  // namespace
