// -o yaml: the document -o json prints, as YAML, with every string still a string.
#include <gtest/gtest.h>

#include <sstream>

#include "cli/output.hpp"
#include "cli/yaml_text.hpp"

namespace yaml_output_test {
namespace {

using vergegrid::cli::Json;
using vergegrid::cli::OutputFormat;
using vergegrid::cli::print_stream_document;
using vergegrid::cli::to_yaml;

TEST(YamlOutput, KeepsTheServersKeyOrderAndNesting) {
    const Json answer = Json::parse(
        R"({"items":[{"name":"Alpha","port":9000,"flags":{"max_prims":20000,"voice":false},
        "labels":[],"extra":{},"next_try":null,"ratio":0.25,"water":20.0,"huge":1e30}],"next":null})");
    EXPECT_EQ(to_yaml(answer),
              "items:\n"
              "  - name: Alpha\n"
              "    port: 9000\n"
              "    flags:\n"
              "      max_prims: 20000\n"
              "      voice: false\n"
              "    labels: []\n"
              "    extra: {}\n"
              "    next_try: ~\n"
              "    ratio: 0.25\n"
              "    water: 20.0\n"
              "    huge: 1.0e+30\n"
              "next: ~");
}

TEST(YamlOutput, QuotesStringsAYamlReaderWouldTakeForSomethingElse) {
    const Json strings = Json::parse(
        R"(["1.0.0","2026-12-06T01:00:00Z","0193ab","yes","No","null","~","","-x","true","on",
            "plain words","a: b","#hash"])");
    const std::string text = to_yaml(strings);
    for (const char* quoted :
         {"\"1.0.0\"", "\"2026-12-06T01:00:00Z\"", "\"0193ab\"", "\"yes\"", "\"No\"", "\"null\"",
          "\"~\"", "\"\"", "\"-x\"", "\"true\"", "\"on\""}) {
        EXPECT_NE(text.find(std::string("- ") + quoted + "\n"), std::string::npos)
            << quoted << " in\n"
            << text;
    }
    EXPECT_NE(text.find("- plain words\n"), std::string::npos) << text;
    // yaml-cpp quotes what plain YAML cannot carry at all.
    EXPECT_NE(text.find("- \"a: b\"\n"), std::string::npos) << text;
    EXPECT_NE(text.find("- \"#hash\""), std::string::npos) << text;
}

TEST(YamlOutput, AStreamPrintsOneDocumentPerItem) {
    std::ostringstream yaml;
    print_stream_document(yaml, OutputFormat::yaml, Json::parse(R"({"a":1})"));
    print_stream_document(yaml, OutputFormat::yaml, Json::parse(R"({"a":2})"));
    EXPECT_EQ(yaml.str(), "---\na: 1\n---\na: 2\n");
    std::ostringstream json;
    print_stream_document(json, OutputFormat::json, Json::parse(R"({"a":1,"b":[]})"));
    EXPECT_EQ(json.str(), "{\"a\":1,\"b\":[]}\n");
}

}  // namespace
}  // namespace yaml_output_test
