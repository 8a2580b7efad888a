// vergegridctl cluster [show] (docs/api.md, "Cluster"): the replicas as a table with the leader,
// the gone ones and the one that answered marked; -o json as the server sent it; an answer
// lacking a member the view needs is an error naming it. Against tests/cli/fake_server.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include "tests/cli/ctl_runner.hpp"

namespace cluster_commands_test {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::StartsWith;
using vergegrid::cli::test::CtlRunner;
using vergegrid::cli::test::FakeServer;
using vergegrid::cli::test::Reply;
using vergegrid::cli::test::SeenRequest;
using Json = nlohmann::ordered_json;

constexpr const char* kOne = "0193a1b2-0000-7000-8000-000000000001";
constexpr const char* kTwo = "0193a1b2-0000-7000-8000-000000000002";
constexpr const char* kThree = "0193a1b2-0000-7000-8000-000000000003";

Json replica(const char* id, const std::string& name, bool leading, bool live) {
    return {{"id", id},
            {"name", name},
            {"url", "http://" + name},
            {"version", "0.1.0"},
            {"started_at", "2026-12-05T05:10:00Z"},
            {"seen_at", live ? "2026-12-05T05:12:03Z" : "2026-12-05T05:11:30Z"},
            {"leading", leading},
            {"live", live}};
}

Json three_replicas(const Json& leader) {
    return {{"replica", kTwo},
            {"leader", leader},
            {"coordination", "postgresql"},
            {"failover_s", 10},
            {"items",
             {replica(kOne, "cp1.example:9800", !leader.is_null(), true),
              replica(kTwo, "cp2.example:9800", false, true),
              replica(kThree, "cp3.example:9800", false, false)}}};
}

FakeServer::Responder answering(const Json& body) {
    return [text = body.dump()](const SeenRequest&) {
        return Reply{200, "application/json", text};
    };
}

// The table row of the replica named `name` (rows start with a 3-character mark column).
std::string line_of(const std::string& out, const std::string& name) {
    std::istringstream lines(out);
    for (std::string line; std::getline(lines, line);) {
        if (line.size() > 3 && line.compare(3, name.size() + 1, name + " ") == 0) {
            return line;
        }
    }
    return "(no row for " + name + ")";
}

TEST(ClusterCommands, ShowsTheLeaderTheGoneAndTheAnsweringReplica) {
    FakeServer server(answering(three_replicas(kOne)));
    CtlRunner ctl;
    const auto result = ctl(server, {"cluster", "show"});
    ASSERT_EQ(result.code, 0) << result.err;
    ASSERT_EQ(server.requests().size(), 1u);
    EXPECT_EQ(server.requests()[0].method, "GET");
    EXPECT_EQ(server.requests()[0].uri, "/api/v1/cluster");
    EXPECT_THAT(result.out, HasSubstr("coordination  postgresql\n"));
    EXPECT_THAT(result.out, HasSubstr("failover_s    10\n"));
    EXPECT_THAT(result.out,
                HasSubstr(std::string("leader        cp1.example:9800 (") + kOne + ")\n"));
    EXPECT_THAT(result.out, HasSubstr(std::string("this replica  cp2.example:9800 (") + kTwo +
                                      ") (marked *)\n"));
    EXPECT_THAT(result.out, HasSubstr("NAME  "));
    for (const char* header : {"ID", "URL", "VERSION", "STARTED", "SEEN", "LEADER", "LIVE"}) {
        EXPECT_THAT(result.out, HasSubstr(header)) << header;
    }
    const std::string one = line_of(result.out, "cp1.example:9800");
    const std::string two = line_of(result.out, "cp2.example:9800");
    const std::string three = line_of(result.out, "cp3.example:9800");
    EXPECT_THAT(one, StartsWith("   cp1.example:9800"));
    EXPECT_THAT(one, HasSubstr("http://cp1.example:9800"));
    EXPECT_THAT(one, HasSubstr("2026-12-05T05:10:00Z"));
    EXPECT_THAT(one, HasSubstr("leader  live"));
    EXPECT_THAT(two, StartsWith("*  cp2.example:9800")) << "the replica that answered";
    EXPECT_THAT(two, HasSubstr("-       live"));
    EXPECT_THAT(three, HasSubstr("-       gone"));
    EXPECT_THAT(three, HasSubstr("2026-12-05T05:11:30Z"));
}

TEST(ClusterCommands, ClusterAloneIsShow) {
    FakeServer server(answering(three_replicas(kOne)));
    CtlRunner ctl;
    const auto alone = ctl(server, {"cluster"});
    const auto show = ctl(server, {"cluster", "show"});
    ASSERT_EQ(alone.code, 0) << alone.err;
    EXPECT_EQ(alone.out, show.out);
    EXPECT_EQ(server.requests().size(), 2u);
    EXPECT_EQ(ctl(server, {"cluster", "shout"}).code, 2);
}

TEST(ClusterCommands, NoLeaderSaysNone) {
    FakeServer server(answering(three_replicas(nullptr)));
    CtlRunner ctl;
    const auto result = ctl(server, {"cluster", "show"});
    ASSERT_EQ(result.code, 0) << result.err;
    EXPECT_THAT(result.out, HasSubstr("leader        none\n"));
    EXPECT_THAT(result.out, Not(HasSubstr("leader  live")));
}

TEST(ClusterCommands, SingleReplicaOnSqlite) {
    Json answer = {{"replica", kOne},
                   {"leader", kOne},
                   {"coordination", "single"},
                   {"failover_s", 10},
                   {"items", {replica(kOne, "127.0.0.1:9800", true, true)}}};
    FakeServer server(answering(answer));
    CtlRunner ctl;
    const auto result = ctl(server, {"cluster"});
    ASSERT_EQ(result.code, 0) << result.err;
    EXPECT_THAT(result.out, HasSubstr("coordination  single\n"));
    EXPECT_THAT(line_of(result.out, "127.0.0.1:9800"), StartsWith("*  127.0.0.1:9800"));
    EXPECT_THAT(line_of(result.out, "127.0.0.1:9800"), HasSubstr("leader  live"));
}

TEST(ClusterCommands, JsonIsTheServersAnswer) {
    const Json answer = three_replicas(kOne);
    FakeServer server(answering(answer));
    CtlRunner ctl;
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"cluster", "show", "-o", "json"}, {"-o", "json", "cluster"}}) {
        const auto result = ctl(server, args);
        ASSERT_EQ(result.code, 0) << result.err;
        EXPECT_EQ(Json::parse(result.out), answer);
        EXPECT_EQ(result.out, answer.dump(2) + "\n") << "keys in the server's order";
    }
}

TEST(ClusterCommands, AnswersLackingWhatTheViewNeedsNameTheMember) {
    Json no_items = three_replicas(kOne);
    no_items.erase("items");
    Json no_leader = three_replicas(kOne);
    no_leader.erase("leader");
    Json leader_number = three_replicas(kOne);
    leader_number["leader"] = 7;
    Json item_without_live = three_replicas(kOne);
    item_without_live["items"][2].erase("live");
    Json item_scalar = three_replicas(kOne);
    item_scalar["items"][1] = "cp2";
    Json leading_text = three_replicas(kOne);
    leading_text["items"][0]["leading"] = "yes";
    const struct {
        Json body;
        const char* message;
    } cases[] = {
        {no_items, "the server's cluster answer has no \"items\""},
        {no_leader, "the server's cluster answer has no \"leader\""},
        {leader_number, "has a \"leader\" that is not a string or null"},
        {item_without_live, "has no \"items[2].live\""},
        {item_scalar, "has an \"items[1]\" that is not an object"},
        {leading_text, "has a \"items[0].leading\" that is not true or false"},
        {Json::array(), "the server's cluster answer is not an object"},
        {Json("cluster"), "the server's cluster answer is not an object"},
    };
    CtlRunner ctl;
    for (const auto& c : cases) {
        FakeServer server(answering(c.body));
        for (const char* output : {"table", "json"}) {
            const auto result = ctl(server, {"cluster", "show", "-o", output});
            EXPECT_EQ(result.code, 1) << c.body.dump();
            EXPECT_THAT(result.err, StartsWith("error: ")) << c.body.dump();
            EXPECT_THAT(result.err, HasSubstr(c.message)) << c.body.dump();
            EXPECT_THAT(result.out, IsEmpty()) << c.body.dump();
        }
    }
}

TEST(ClusterCommands, DisplayOnlyMembersMayBeMissing) {
    Json answer = three_replicas(kOne);
    answer.erase("failover_s");
    answer["items"][0] = {{"id", kOne}, {"leading", true}, {"live", true}};
    FakeServer server(answering(answer));
    CtlRunner ctl;
    const auto result = ctl(server, {"cluster"});
    ASSERT_EQ(result.code, 0) << result.err;
    EXPECT_THAT(result.out, HasSubstr("failover_s    -\n"));
    EXPECT_THAT(result.out, HasSubstr(std::string("leader        ") + kOne + "\n"));
    EXPECT_THAT(line_of(result.out, "-"), HasSubstr(std::string(kOne) + "  -"));
    EXPECT_THAT(line_of(result.out, "-"), HasSubstr("leader  live"));
}

TEST(ClusterCommands, AControlPlaneWithoutTheRouteIsNotFound) {
    FakeServer server([](const SeenRequest&) {
        return Reply{404, "application/json",
                     R"({"error":{"code":"not_found","message":"no route GET /api/v1/cluster"}})"};
    });
    CtlRunner ctl;
    const auto result = ctl(server, {"cluster"});
    EXPECT_EQ(result.code, 4);
    EXPECT_EQ(result.err, "error: not_found: no route GET /api/v1/cluster\n");
}

}  // namespace
}  // namespace cluster_commands_test
