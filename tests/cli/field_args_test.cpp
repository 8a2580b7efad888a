// --set key=value and --file: how the body of a create or update is built.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/field_args.hpp"

namespace field_args_test {
namespace {

using ::testing::HasSubstr;
using vergegrid::cli::apply_assignment;
using vergegrid::cli::CliError;
using vergegrid::cli::ExitCode;
using vergegrid::cli::Json;
using vergegrid::cli::parse_set_value;
using vergegrid::cli::read_json_document;
using vergegrid::cli::request_body;

Json body_of(const std::vector<std::string>& assignments) {
    std::istringstream none;
    return request_body(assignments, std::nullopt, none);
}

ExitCode failure_of(const std::function<void()>& action) {
    try {
        action();
    } catch (const CliError& e) {
        return e.code();
    }
    return ExitCode::ok;
}

TEST(SetAssignments, ValuesAreJsonWhenTheyParseAndStringsOtherwise) {
    EXPECT_EQ(parse_set_value("100"), Json(100));
    EXPECT_EQ(parse_set_value("-2.5"), Json(-2.5));
    EXPECT_EQ(parse_set_value("true"), Json(true));
    EXPECT_EQ(parse_set_value("false"), Json(false));
    EXPECT_EQ(parse_set_value("null"), Json(nullptr));
    EXPECT_EQ(parse_set_value(R"(["a", 1])"), Json::parse(R"(["a", 1])"));
    EXPECT_EQ(parse_set_value(R"({"x": 1})"), Json::parse(R"({"x": 1})"));
    EXPECT_EQ(parse_set_value("sim1.example.org"), Json("sim1.example.org"));
    EXPECT_EQ(parse_set_value("1.2.0"), Json("1.2.0"));
    EXPECT_EQ(parse_set_value("007"), Json("007"));
    EXPECT_EQ(parse_set_value(R"("123")"), Json("123")) << "quotes force a string";
    EXPECT_EQ(parse_set_value(""), Json(""));
    EXPECT_EQ(parse_set_value("  "), Json("  "));
    EXPECT_EQ(parse_set_value("[1,"), Json("[1,"));
}

TEST(SetAssignments, DottedKeysBuildNestedObjects) {
    const Json body = body_of({"name=Alpha", "flags.max_prims=100", "flags.allow_voice=false",
                               "environment.sun.position=6.5", "loc_x=1000"});
    EXPECT_EQ(body, Json::parse(R"({"name":"Alpha","flags":{"max_prims":100,"allow_voice":false},
                                   "environment":{"sun":{"position":6.5}},"loc_x":1000})"));
}

TEST(SetAssignments, OnlyTheFirstEqualsSignSplits) {
    EXPECT_EQ(body_of({"owner=a=b"}), Json::parse(R"({"owner":"a=b"})"));
    EXPECT_EQ(body_of({"owner="}), Json::parse(R"({"owner":""})"));
}

TEST(SetAssignments, ALaterAssignmentWins) {
    EXPECT_EQ(body_of({"port=9000", "port=9001"}), Json::parse(R"({"port":9001})"));
    EXPECT_EQ(body_of({"flags.max_prims=1", "flags={\"enabled\":true}"}),
              Json::parse(R"({"flags":{"enabled":true}})"));
    EXPECT_EQ(body_of({"parcel_layout=null", "parcel_layout.x=1"}),
              Json::parse(R"({"parcel_layout":{"x":1}})"));
}

TEST(SetAssignments, MalformedAssignmentsAreUsageErrors) {
    EXPECT_EQ(failure_of([] { body_of({"name"}); }), ExitCode::usage);
    EXPECT_EQ(failure_of([] { body_of({"=x"}); }), ExitCode::usage);
    EXPECT_EQ(failure_of([] { body_of({"flags..x=1"}); }), ExitCode::usage);
    EXPECT_EQ(failure_of([] { body_of({".x=1"}); }), ExitCode::usage);
    EXPECT_EQ(failure_of([] { body_of({"x.=1"}); }), ExitCode::usage);
    EXPECT_EQ(failure_of([] { body_of({"port=9000", "port.x=1"}); }), ExitCode::usage);
    try {
        body_of({"port=9000", "port.x=1"});
    } catch (const CliError& e) {
        EXPECT_THAT(e.what(), HasSubstr("'port' is already set to a value that is not an object"));
    }
}

TEST(SetAssignments, KeepTheOrderTheyWereGivenIn) {
    EXPECT_EQ(body_of({"zeta=1", "alpha=2"}).dump(), R"({"zeta":1,"alpha":2})");
}

TEST(FileFields, SetValuesMergeOverTheFileDeeply) {
    const auto path = std::filesystem::temp_directory_path() /
                      ("vergegridctl-spec-" + std::to_string(::getpid()));
    std::ofstream(path)
        << R"({"name":"Std","size_x":256,"flags":{"max_prims":10,"allow_voice":true},"parcel_layout":[1]})";
    std::istringstream none;
    const Json body = request_body({"size_x=512", "flags.max_prims=20", "parcel_layout=null"},
                                   path.string(), none);
    std::filesystem::remove(path);
    EXPECT_EQ(body,
              Json::parse(R"({"name":"Std","size_x":512,"flags":{"max_prims":20,"allow_voice":true},
                                   "parcel_layout":null})"));
}

TEST(FileFields, DashReadsStandardInput) {
    std::istringstream in(R"({"name":"Main","owner":"ops"})");
    EXPECT_EQ(request_body({"owner=someone"}, std::string("-"), in),
              Json::parse(R"({"name":"Main","owner":"someone"})"));
}

TEST(FileFields, AnUnreadableOrNonObjectFileIsAUsageError) {
    std::istringstream array("[1,2]");
    std::istringstream broken("{\"a\":");
    std::istringstream none;
    EXPECT_EQ(failure_of([&] { read_json_document("-", array); }), ExitCode::usage);
    EXPECT_EQ(failure_of([&] { read_json_document("-", broken); }), ExitCode::usage);
    EXPECT_EQ(failure_of([&] { read_json_document("/nonexistent/spec.json", none); }),
              ExitCode::usage);
}

}  // namespace
}  // namespace field_args_test
