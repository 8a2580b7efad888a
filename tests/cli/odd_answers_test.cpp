// vergegridctl against servers that misbehave: every odd answer ends in a message and an exit
// code, never a crash. The CLI runs in process (cli::run) against tests/cli/fake_server.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "cli/app.hpp"
#include "tests/cli/fake_server.hpp"
#include "tests/cli/temp_dir.hpp"

namespace odd_answers_test {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::StartsWith;
using vergegrid::cli::Environment;
using vergegrid::cli::test::FakeServer;
using vergegrid::cli::test::RawServer;
using vergegrid::cli::test::Reply;
using vergegrid::cli::test::SeenRequest;
using vergegrid::cli::test::TempDir;

struct Result {
    int code = -1;
    std::string out;
    std::string err;
};

// Runs vergegridctl with `args`; HOME points at an empty directory unless `env` says otherwise.
class OddAnswers : public ::testing::Test {
  protected:
    Result ctl(const std::vector<std::string>& args, Environment env = {},
               const std::string& input = "") {
        env.emplace("HOME", home_.path().string());
        std::vector<const char*> argv{"vergegridctl"};
        for (const auto& arg : args) {
            argv.push_back(arg.c_str());
        }
        std::istringstream in(input);
        std::ostringstream out;
        std::ostringstream err;
        Result result;
        result.code =
            vergegrid::cli::run(static_cast<int>(argv.size()), argv.data(), env, {in, out, err});
        result.out = out.str();
        result.err = err.str();
        return result;
    }

    static FakeServer::Responder always(Reply reply) {
        return [reply](const SeenRequest&) { return reply; };
    }

    TempDir home_;
};

TEST_F(OddAnswers, ASuccessThatIsNotJsonIsExitOne) {
    FakeServer server(always({200, "text/html", "<html><body>hello</body></html>"}));
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"region", "list"},
          {"estate", "get", "69fce8fd-2572-4bf3-9462-9a2aeba8c17c"},
          {"-o", "json", "audit", "list"}}) {
        auto command = args;
        command.insert(command.begin(), {"--server", server.url()});
        const auto result = ctl(command);
        EXPECT_EQ(result.code, 1);
        EXPECT_THAT(result.err, StartsWith("error: the server's answer is not JSON (HTTP 200"));
        EXPECT_THAT(result.err, HasSubstr("text/html"));
    }
}

TEST_F(OddAnswers, AnEmptySuccessWhereJsonWasExpectedIsExitOne) {
    FakeServer server(always({200, "application/json", ""}));
    const auto result = ctl({"--server", server.url(), "estate", "list"});
    EXPECT_EQ(result.code, 1);
    EXPECT_THAT(result.err, HasSubstr("not JSON"));
}

TEST_F(OddAnswers, ListsOfTheWrongShapeAreExitOne) {
    for (const std::string body :
         {R"({"items":5})", R"([1,2])", R"({"next":null})", R"({"items":[],"next":5})",
          R"({"items":[],"next":""})", R"("text")"}) {
        FakeServer server(always({200, "application/json", body}));
        const auto result = ctl({"--server", server.url(), "region", "list"});
        EXPECT_EQ(result.code, 1) << body;
        EXPECT_THAT(result.err, StartsWith("error: the server's answer")) << body;
    }
}

TEST_F(OddAnswers, ItemsOfAnyShapeStillMakeATable) {
    FakeServer server(
        always({200, "application/json",
                R"({"items":[7,null,"x",[1],{"name":{"a":1},"loc_x":[1,2],"port":null},
                                  {"name":"\u001b[2Jboom","id":12.5}],"next":null})"}));
    const auto result = ctl({"--server", server.url(), "region", "list"});
    EXPECT_EQ(result.code, 0) << result.err;
    EXPECT_THAT(result.out, StartsWith("NAME"));
    EXPECT_THAT(result.out, HasSubstr("?[2Jboom"));
    EXPECT_THAT(result.out, Not(HasSubstr("\x1b")));
    const auto json = ctl({"--server", server.url(), "region", "list", "-o", "json"});
    EXPECT_EQ(json.code, 0);
    EXPECT_THAT(json.out, HasSubstr("\"\\u001b[2Jboom\""));
}

TEST_F(OddAnswers, AGetAnsweredWithAScalarPrintsIt) {
    FakeServer server(always({200, "application/json", R"("just a string")"}));
    const auto result =
        ctl({"--server", server.url(), "region", "get", "69fce8fd-2572-4bf3-9462-9a2aeba8c17c"});
    EXPECT_EQ(result.code, 0);
    EXPECT_EQ(result.out, "just a string\n");
}

TEST_F(OddAnswers, DeepNestingIsRefused) {
    FakeServer server(
        always({200, "application/json", std::string(100000, '[') + std::string(100000, ']')}));
    const auto result = ctl({"--server", server.url(), "-o", "json", "estate", "list"});
    EXPECT_EQ(result.code, 1);
    EXPECT_THAT(result.err, HasSubstr("nested deeper than 64 levels"));
}

TEST_F(OddAnswers, ErrorAnswersKeepTheirExitCodeWhateverTheBody) {
    const std::string id = "69fce8fd-2572-4bf3-9462-9a2aeba8c17c";
    const struct {
        int status;
        const char* body;
        int exit_code;
        const char* message;
    } cases[] = {
        {404, "<h1>Not Found</h1>", 4, "error: HTTP 404 Not Found: <h1>Not Found</h1>\n"},
        {409, "", 5, "error: HTTP 409 Conflict\n"},
        {412, R"({"error":{"code":"version_mismatch","message":"moved on","field":"If-Match"}})", 5,
         "error: version_mismatch: moved on (field: If-Match)\n"},
        {500, R"({"error":{"code":["x"]}})", 1,
         "error: HTTP 500 Internal Server Error: {\"error\":{\"code\":[\"x\"]}}\n"},
        {503, R"({"error":{"code":"storage_unavailable","message":"down"}})", 1,
         "error: storage_unavailable: down\n"},
        {302, "", 1, "error: HTTP 302 Found\n"},
    };
    for (const auto& c : cases) {
        FakeServer server(always({c.status, "text/plain", c.body}));
        const auto result = ctl({"--server", server.url(), "region", "get", id});
        EXPECT_EQ(result.code, c.exit_code) << c.status;
        EXPECT_EQ(result.err, c.message) << c.status;
        EXPECT_THAT(result.out, IsEmpty());
    }
}

TEST_F(OddAnswers, ARepeatedCursorStopsAllInsteadOfLoopingForever) {
    FakeServer server(
        always({200, "application/json", R"({"items":[{"name":"a","id":"1"}],"next":"same"})"}));
    const auto result = ctl({"--server", server.url(), "estate", "list", "--all"});
    EXPECT_EQ(result.code, 1);
    EXPECT_THAT(result.err, HasSubstr("same list cursor twice"));
    EXPECT_EQ(server.requests().size(), 2u);
}

TEST_F(OddAnswers, AnAnswerThatIsNotHttpIsExitThree) {
    RawServer server("SSH-2.0-OpenSSH_9.2\r\n\r\n");
    const auto result = ctl({"--server", server.url(), "region", "list"});
    EXPECT_EQ(result.code, 3);
    EXPECT_THAT(result.err, StartsWith("error: cannot talk to the server at " + server.url()));
}

TEST_F(OddAnswers, ASlowServerIsATimeoutAndExitThree) {
    FakeServer server(
        always({200, "application/json", R"({"items":[],"next":null})", std::chrono::seconds(5)}));
    const auto started = std::chrono::steady_clock::now();
    const auto result = ctl({"--server", server.url(), "--timeout", "1", "region", "list"});
    EXPECT_EQ(result.code, 3);
    EXPECT_THAT(result.err, HasSubstr("cannot talk to the server"));
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(4));
}

TEST_F(OddAnswers, AmbiguousNamesAreUsageErrorsAndIdsArePathEncoded) {
    FakeServer dup(always({200, "application/json",
                           R"({"items":[{"name":"Dup","id":"1"},{"name":"Dup","id":"2"}]})"}));
    auto result = ctl({"--server", dup.url(), "region", "get", "Dup"});
    EXPECT_EQ(result.code, 2);
    EXPECT_EQ(result.err, "error: 'Dup' names 2 regions (1, 2); pass an id\n");

    FakeServer odd_id([](const SeenRequest& request) {
        if (request.uri.rfind("/api/v1/estates?", 0) == 0) {
            return Reply{200, "application/json",
                         R"({"items":[{"name":"Main","id":"a/b c"}],"next":null})"};
        }
        return Reply{200, "application/json", R"({"id":"a/b c","name":"Main"})"};
    });
    result = ctl({"--server", odd_id.url(), "estate", "get", "Main"});
    EXPECT_EQ(result.code, 0) << result.err;
    ASSERT_EQ(odd_id.requests().size(), 2u);
    EXPECT_EQ(odd_id.requests()[0].uri, "/api/v1/estates?limit=500");
    EXPECT_EQ(odd_id.requests()[1].uri, "/api/v1/estates/a%2Fb%20c");
}

TEST_F(OddAnswers, StubTextIsPrintedAsIs) {
    const std::string ini = "[Alpha]\r\nRegionUUID = 1\n\n; no trailing newline";
    FakeServer server(always({200, "text/plain; charset=utf-8", ini}));
    const auto result =
        ctl({"--server", server.url(), "region", "stub", "69fce8fd-2572-4bf3-9462-9a2aeba8c17c"});
    EXPECT_EQ(result.code, 0);
    EXPECT_EQ(result.out, ini);
}

TEST_F(OddAnswers, TheTokenIsSentAsBearerFromFlagEnvironmentOrFile) {
    FakeServer server(always({200, "application/json", R"({"items":[],"next":null})"}));
    const auto config = home_.path() / ".config/vergegrid/cli.ini";
    std::filesystem::create_directories(config.parent_path());
    std::ofstream(config) << "[cli]\nserver = " << server.url() << "\ntoken = from-file\n";

    EXPECT_EQ(ctl({"estate", "list"}).code, 0);
    EXPECT_EQ(ctl({"estate", "list"}, {{"VERGEGRID_TOKEN", "from-env"}}).code, 0);
    EXPECT_EQ(
        ctl({"estate", "list", "--token", "from-flag"}, {{"VERGEGRID_TOKEN", "from-env"}}).code, 0);
    EXPECT_EQ(ctl({"--token", "", "estate", "list"}).code, 0);
    const auto seen = server.requests();
    ASSERT_EQ(seen.size(), 4u);
    EXPECT_EQ(seen[0].authorization, "Bearer from-file");
    EXPECT_EQ(seen[1].authorization, "Bearer from-env");
    EXPECT_EQ(seen[2].authorization, "Bearer from-flag");
    EXPECT_EQ(seen[3].authorization, "") << "an empty --token sends no header";

    EXPECT_EQ(ctl({"estate", "list", "--token", "bad\r\nX-Injected: 1"}).code, 2);
}

TEST_F(OddAnswers, RequestsCarryTheBodyIfMatchAndQuery) {
    FakeServer server(always(
        {200, "application/json", R"({"id":"r","name":"A","version":"1.1.0","change":"minor"})"}));
    const std::string id = "69fce8fd-2572-4bf3-9462-9a2aeba8c17c";
    auto result = ctl({"--server", server.url(), "region", "update", id, "--set",
                       "flags.max_prims=100", "--file", "-", "--if-match", "1.0.0"},
                      {}, R"({"port":9001,"flags":{"allow_voice":false}})");
    EXPECT_EQ(result.code, 0) << result.err;
    EXPECT_EQ(result.out, "updated region A (id r, version 1.1.0, minor change)\n");
    result = ctl({"--server", server.url(), "audit", "list", "--actor", "ops&co", "--entity-type",
                  "region", "--limit", "5"});
    EXPECT_EQ(result.code, 1) << "the fake answers no list";
    const auto seen = server.requests();
    ASSERT_EQ(seen.size(), 2u);
    EXPECT_EQ(seen[0].method, "PATCH");
    EXPECT_EQ(seen[0].uri, "/api/v1/regions/" + id);
    EXPECT_EQ(seen[0].if_match, "\"1.0.0\"");
    EXPECT_EQ(seen[0].body, R"({"port":9001,"flags":{"allow_voice":false,"max_prims":100}})");
    EXPECT_EQ(seen[1].uri, "/api/v1/audit?actor=ops%26co&entity_type=region&limit=5");
}

TEST_F(OddAnswers, AServerUrlWithAPathPrefixIsHonoured) {
    FakeServer server(always({200, "application/json", R"({"items":[],"next":null})"}));
    EXPECT_EQ(ctl({"--server", server.url() + "/grid/", "estate", "list"}).code, 0);
    ASSERT_EQ(server.requests().size(), 1u);
    EXPECT_EQ(server.requests()[0].uri, "/grid/api/v1/estates");
}

}  // namespace
}  // namespace odd_answers_test
