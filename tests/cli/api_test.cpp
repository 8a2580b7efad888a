// Turning HTTP answers into JSON, messages and exit codes; request targets; names and ids.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cli/api.hpp"
#include "cli/name_lookup.hpp"

namespace api_test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using vergegrid::cli::api_target;
using vergegrid::cli::check_status;
using vergegrid::cli::CliError;
using vergegrid::cli::error_summary;
using vergegrid::cli::exit_code_for_status;
using vergegrid::cli::ExitCode;
using vergegrid::cli::HttpResponse;
using vergegrid::cli::Json;
using vergegrid::cli::kRegion;
using vergegrid::cli::looks_like_uuid;
using vergegrid::cli::parse_answer;
using vergegrid::cli::path_segment;
using vergegrid::cli::pick_by_name;

HttpResponse answer(int status, std::string body, std::string content_type = "application/json") {
    return {status, status == 200 ? "OK" : "Whatever", std::move(content_type), std::move(body)};
}

TEST(ApiAnswers, StatusesMapToTheDocumentedExitCodes) {
    EXPECT_EQ(exit_code_for_status(200), ExitCode::ok);
    EXPECT_EQ(exit_code_for_status(201), ExitCode::ok);
    EXPECT_EQ(exit_code_for_status(204), ExitCode::ok);
    EXPECT_EQ(exit_code_for_status(404), ExitCode::not_found);
    EXPECT_EQ(exit_code_for_status(409), ExitCode::conflict);
    EXPECT_EQ(exit_code_for_status(412), ExitCode::conflict);
    for (int status : {301, 400, 401, 403, 405, 413, 422, 500, 503, 999}) {
        EXPECT_EQ(exit_code_for_status(status), ExitCode::server_error) << status;
    }
}

TEST(ApiAnswers, ErrorSummaryQuotesCodeMessageAndField) {
    EXPECT_EQ(error_summary(answer(
                  409, R"({"error":{"code":"overlap","message":"it overlaps","field":"loc_x"}})")),
              "overlap: it overlaps (field: loc_x)");
    EXPECT_EQ(error_summary(answer(404, R"({"error":{"code":"not_found","message":"no region"}})")),
              "not_found: no region");
    EXPECT_EQ(error_summary(answer(
                  404, R"({"error":{"code":"not_found","message":"no region","field":""}})")),
              "not_found: no region");
}

TEST(ApiAnswers, ErrorSummaryCopesWithAnyBody) {
    EXPECT_EQ(error_summary(answer(502, "<html>\n<b>Bad gateway</b>\n</html>", "text/html")),
              "HTTP 502 Whatever: <html> <b>Bad gateway</b> </html>");
    EXPECT_EQ(error_summary(answer(500, "")), "HTTP 500 Whatever");
    EXPECT_EQ(error_summary(answer(400, R"({"error":{"code":7,"message":["x"]}})")),
              "HTTP 400 Whatever: {\"error\":{\"code\":7,\"message\":[\"x\"]}}");
    EXPECT_EQ(error_summary(answer(400, R"({"error":{"message":"only a message"}})")),
              "HTTP 400 Whatever: only a message");
    EXPECT_EQ(error_summary(answer(400, R"({"error":"flat"})")),
              "HTTP 400 Whatever: {\"error\":\"flat\"}");
    EXPECT_THAT(error_summary(answer(500, std::string(10000, 'x'))), HasSubstr("..."));
    EXPECT_LT(error_summary(answer(500, std::string(10000, 'x'))).size(), 300u);
    EXPECT_THAT(error_summary(answer(500, "\x1b[31mred")), Not(HasSubstr("\x1b")));
    EXPECT_THAT(error_summary(answer(500, std::string(100000, '['))), HasSubstr("HTTP 500"));
}

TEST(ApiAnswers, CheckStatusThrowsTheMappedCode) {
    EXPECT_NO_THROW(check_status(answer(200, "{}")));
    try {
        check_status(answer(
            412,
            R"({"error":{"code":"version_mismatch","message":"moved on","field":"If-Match"}})"));
        FAIL();
    } catch (const CliError& e) {
        EXPECT_EQ(e.code(), ExitCode::conflict);
        EXPECT_STREQ(e.what(), "version_mismatch: moved on (field: If-Match)");
    }
}

TEST(ApiAnswers, AnswersThatAreNotJsonAreServerErrors) {
    EXPECT_EQ(parse_answer(answer(200, R"({"a":[1,2.5,null]})")),
              Json::parse(R"({"a":[1,2.5,null]})"));
    for (const std::string body : {"", "<html>", "{\"a\":", "\xff\xfe", "[1] [2]"}) {
        try {
            parse_answer(answer(200, body, "text/html"));
            ADD_FAILURE() << "parsed '" << body << "'";
        } catch (const CliError& e) {
            EXPECT_EQ(e.code(), ExitCode::server_error);
            EXPECT_THAT(e.what(), HasSubstr("not JSON"));
        }
    }
}

TEST(ApiAnswers, DeepNestingIsRefusedBeforeParsing) {
    const std::string deep = std::string(5000, '[') + std::string(5000, ']');
    try {
        parse_answer(answer(200, deep));
        FAIL();
    } catch (const CliError& e) {
        EXPECT_EQ(e.code(), ExitCode::server_error);
        EXPECT_THAT(e.what(), HasSubstr("nested deeper than 64 levels"));
    }
    // Brackets inside strings do not count.
    EXPECT_NO_THROW(parse_answer(answer(200, "{\"s\":\"" + std::string(5000, '[') + "\\\"\"}")));
}

TEST(ApiTargets, QueryValuesAndPathSegmentsAreEncoded) {
    EXPECT_EQ(api_target("/regions", {}), "/api/v1/regions");
    EXPECT_EQ(api_target("/regions", {{"name_prefix", "A b&c=d"}, {"limit", "5"}}),
              "/api/v1/regions?name_prefix=A%20b%26c%3Dd&limit=5");
    EXPECT_EQ(path_segment("a/b?c#d e"), "a%2Fb%3Fc%23d%20e");
    EXPECT_EQ(path_segment("69fce8fd-2572-4bf3-9462-9a2aeba8c17c"),
              "69fce8fd-2572-4bf3-9462-9a2aeba8c17c");
}

TEST(NameLookup, UuidShapedArgumentsAreIds) {
    EXPECT_TRUE(looks_like_uuid("69fce8fd-2572-4bf3-9462-9a2aeba8c17c"));
    EXPECT_TRUE(looks_like_uuid("69FCE8FD-2572-4BF3-9462-9A2AEBA8C17C"));
    EXPECT_FALSE(looks_like_uuid("Alpha"));
    EXPECT_FALSE(looks_like_uuid("69fce8fd-2572-4bf3-9462-9a2aeba8c17"));
    EXPECT_FALSE(looks_like_uuid("69fce8fd_2572-4bf3-9462-9a2aeba8c17c"));
    EXPECT_FALSE(looks_like_uuid("69fce8fd-2572-4bf3-9462-9a2aeba8c17g"));
}

TEST(NameLookup, PicksTheExactNameOnly) {
    const Json items = Json::parse(
        R"([{"name":"Alpha","id":"1"},{"name":"Alpha2","id":"2"},{"name":"alpha","id":"3"},
                                       7, null, {"name":5}, {"id":"9"}])");
    EXPECT_EQ(pick_by_name(items, kRegion, "Alpha"), "1");
    try {
        pick_by_name(items, kRegion, "Alp");
        FAIL();
    } catch (const CliError& e) {
        EXPECT_EQ(e.code(), ExitCode::not_found);
        EXPECT_STREQ(e.what(), "no region named 'Alp'");
    }
}

TEST(NameLookup, AmbiguousOrIdlessMatchesAreErrors) {
    try {
        pick_by_name(Json::parse(R"([{"name":"Dup","id":"1"},{"name":"Dup","id":"2"}])"), kRegion,
                     "Dup");
        FAIL();
    } catch (const CliError& e) {
        EXPECT_EQ(e.code(), ExitCode::usage);
        EXPECT_STREQ(e.what(), "'Dup' names 2 regions (1, 2); pass an id");
    }
    try {
        pick_by_name(Json::parse(R"([{"name":"X","id":null}])"), kRegion, "X");
        FAIL();
    } catch (const CliError& e) {
        EXPECT_EQ(e.code(), ExitCode::server_error);
    }
    EXPECT_THROW(pick_by_name(Json("not a list"), kRegion, "X"), CliError);
}

}  // namespace
}  // namespace api_test
