// How a domain event is told to the world: its CloudEvents type, subject and document, and which
// events are never published.
#include "control/events/cloud_event.hpp"

#include <gtest/gtest.h>

namespace vergegrid::control {
namespace {

DomainEvent region_event(const std::string& verb, nlohmann::json before, nlohmann::json after) {
    return {"region." + verb, "region", "r-1", std::move(before), std::move(after)};
}

TEST(CloudEvent, DomainVerbsBecomePastTenseTypesUnderTheProjectsPrefix) {
    const std::vector<std::pair<DomainEvent, std::string>> cases = {
        {region_event("create", nullptr, {{"id", "r-1"}}), "org.vergegrid.region.created"},
        {region_event("update", {{"id", "r-1"}}, {{"id", "r-1"}}), "org.vergegrid.region.updated"},
        {region_event("delete", {{"id", "r-1"}}, nullptr), "org.vergegrid.region.deleted"},
        {region_event("rollback", nullptr, {{"id", "r-1"}}), "org.vergegrid.region.rolled_back"},
        {region_event("restart", nullptr, nullptr), "org.vergegrid.region.restarted"},
        {{"simulator.offline", "simulator", "s-1", nullptr, {{"id", "s-1"}}},
         "org.vergegrid.simulator.offline"},
        {{"simulator.register", "simulator", "s-1", nullptr, {{"id", "s-1"}}},
         "org.vergegrid.simulator.registered"},
        {{"simulator.rotate_key", "simulator", "s-1", nullptr, nullptr},
         "org.vergegrid.simulator.key_rotated"},
        {{"snapshot.complete", "snapshot", "n-1", nullptr, {{"id", "n-1"}}},
         "org.vergegrid.snapshot.completed"},
        {{"migration.succeed", "migration", "m-1", nullptr, {{"id", "m-1"}}},
         "org.vergegrid.migration.succeeded"},
        {{"migration_batch.cancel", "migration_batch", "b-1", nullptr, {{"id", "b-1"}}},
         "org.vergegrid.migration_batch.cancelled"},
        {{"placement.policy", "placement_policy", "spread", nullptr, {{"policy", "spread"}}},
         "org.vergegrid.placement.policy_changed"},
    };
    for (const auto& [event, type] : cases) {
        EXPECT_EQ(cloud_event_type(event), type) << event.type;
    }
}

TEST(CloudEvent, AccessEventsAndWebhooksAreNeverPublished) {
    for (const DomainEvent& event :
         {DomainEvent{"user.create", "user", "u-1", nullptr, {{"name", "ann"}}},
          DomainEvent{"auth.login", "user", "u-1", nullptr, {{"name", "ann"}}},
          DomainEvent{"token.create", "token", "t-1", nullptr, {{"id", "t-1"}}},
          DomainEvent{"registration_token.create", "registration_token", "x", nullptr, nullptr},
          DomainEvent{"webhook.create", "webhook", "w-1", nullptr, {{"url", "https://x"}}}}) {
        EXPECT_FALSE(cloud_event_type(event)) << event.type;
        EXPECT_FALSE(to_outbox_event(event, {"admin", "req"}, "/vergegrid", "t")) << event.type;
    }
}

TEST(CloudEvent, AnOperationResultIsToldAsWhatItDidToItsRegion) {
    const auto result = [](const std::string& verb, const std::string& kind) {
        return DomainEvent{"operation." + verb,
                           "operation",
                           "17",
                           nullptr,
                           {{"id", 17}, {"kind", kind}, {"region_id", "r-9"}},
                           false};
    };
    const auto outbox = [](const DomainEvent& event) {
        return *to_outbox_event(event, {"simulator:s-1", ""}, "/vergegrid", "t");
    };
    EXPECT_EQ(outbox(result("succeed", "create")).type, "org.vergegrid.region.live");
    EXPECT_EQ(outbox(result("succeed", "create")).subject, "r-9");
    EXPECT_EQ(outbox(result("succeed", "restart")).type, "org.vergegrid.region.live");
    EXPECT_EQ(outbox(result("succeed", "delete")).type, "org.vergegrid.region.removed");
    EXPECT_EQ(outbox(result("fail", "update")).type, "org.vergegrid.region.failed");
    EXPECT_EQ(outbox(result("fail", "update")).subject, "r-9");
    // A snapshot's end is told by snapshot.completed / snapshot.failed; its operation stays one.
    EXPECT_EQ(outbox(result("succeed", "snapshot")).type, "org.vergegrid.operation.succeeded");
    EXPECT_EQ(outbox(result("succeed", "snapshot")).subject, "17");
}

TEST(CloudEvent, TheDocumentIsACloudEventWithTheEntityAsData) {
    const auto row = to_outbox_event(region_event("update", {{"id", "r-1"}, {"version", "1.0.0"}},
                                                  {{"id", "r-1"}, {"version", "1.1.0"}}),
                                     {"alice", "req-7"}, "/grid/test", "2026-12-05T10:00:00.000Z");
    ASSERT_TRUE(row);
    const auto document = nlohmann::json::parse(row->document);
    EXPECT_EQ(document.at("specversion"), "1.0");
    EXPECT_EQ(document.at("id"), row->id);
    EXPECT_EQ(row->id.size(), 36u);
    EXPECT_EQ(document.at("source"), "/grid/test");
    EXPECT_EQ(document.at("type"), "org.vergegrid.region.updated");
    EXPECT_EQ(document.at("subject"), "r-1");
    EXPECT_EQ(document.at("time"), "2026-12-05T10:00:00.000Z");
    EXPECT_EQ(document.at("datacontenttype"), "application/json");
    EXPECT_EQ(document.at("data").at("version"), "1.1.0") << "the entity after the change";
    EXPECT_EQ(document.at("actor"), "alice");
    EXPECT_EQ(document.at("requestid"), "req-7");
    EXPECT_EQ(row->document.find('\n'), std::string::npos) << "one line: one SSE data field";

    const auto deleted = to_outbox_event(region_event("delete", {{"id", "r-1"}}, nullptr),
                                         {"system:job", ""}, "/vergegrid", "t");
    const auto gone = nlohmann::json::parse(deleted->document);
    EXPECT_EQ(gone.at("data").at("id"), "r-1") << "a deletion carries the entity as it was";
    EXPECT_FALSE(gone.contains("requestid")) << "no request behind a background job";
}

TEST(CloudEvent, EnvelopeStringsAreEscapedWhateverTheyHold) {
    // A request id comes from a client's header and an actor from a user name: quotes,
    // backslashes, control characters and non-ASCII must stay one valid JSON document.
    const std::string actor = "o\"brien\\ \u00e9\t";
    const std::string request = "id\n\x01\x7f";
    const auto row = to_outbox_event(region_event("create", nullptr, {{"id", "r-1"}}),
                                     {actor, request}, "/grid \"main\"", "t");
    ASSERT_TRUE(row);
    const auto document = nlohmann::json::parse(row->document);
    EXPECT_EQ(document.at("actor"), actor);
    EXPECT_EQ(document.at("requestid"), request);
    EXPECT_EQ(document.at("source"), "/grid \"main\"");
    EXPECT_EQ(row->document.find('\n'), std::string::npos);
}

// An audited event is stored short (its audit row holds the rest) and read back as the whole
// CloudEvent the same change without an audit row is stored as.
TEST(CloudEvent, AnAuditedEventIsStoredShortAndReadBackWhole) {
    auto event = region_event("update", {{"id", "r-1"}, {"version", "1.0.0"}},
                              {{"id", "r-1"}, {"version", "1.1.0"}});
    const auto whole_row = to_outbox_event(event, {"alice", "req-7"}, "/grid/test", "T");
    event.audit_id = 5;
    const auto row = to_outbox_event(event, {"alice", "req-7"}, "/grid/test", "T");
    ASSERT_TRUE(row && whole_row);
    EXPECT_EQ(row->document, R"({"source":"/grid/test"})");
    const plugin_api::AuditEntry audit{5,
                                       "T",
                                       "alice",
                                       "region.update",
                                       "region",
                                       "r-1",
                                       "req-7",
                                       event.before.dump(),
                                       event.after.dump()};
    auto read = nlohmann::json::parse(whole_event(*row, &audit));
    auto expected = nlohmann::json::parse(whole_row->document);
    expected["id"] = row->id;
    EXPECT_EQ(read, expected);

    const auto orphan = nlohmann::json::parse(whole_event(*row, nullptr));
    EXPECT_TRUE(orphan.at("data").is_null()) << "the audit row is gone";
    EXPECT_EQ(orphan.at("source"), "/grid/test");
    EXPECT_EQ(orphan.at("id"), row->id);
    EXPECT_FALSE(orphan.contains("actor"));
}

// Schema 11 and 12 stored an audited event's envelope whole but for its data.
TEST(CloudEvent, AnAuditedEventStoredBeforeSchemaThirteenIsReadWhole) {
    plugin_api::OutboxEvent row;
    row.id = "e-1";
    row.audit_id = 3;
    row.document =
        R"({"specversion":"1.0","id":"e-1","source":"/s","type":"org.vergegrid.region.created","subject":"r-1","time":"T","datacontenttype":"application/json","actor":"bob"})";
    plugin_api::AuditEntry audit;
    audit.after = R"({"id":"r-1"})";
    const auto read = nlohmann::json::parse(whole_event(row, &audit));
    EXPECT_EQ(read.at("data"), nlohmann::json({{"id", "r-1"}}));
    EXPECT_EQ(read.at("actor"), "bob");
    EXPECT_EQ(read.at("source"), "/s");
    EXPECT_TRUE(nlohmann::json::parse(whole_event(row, nullptr)).at("data").is_null());
}

TEST(CloudEvent, EveryEventGetsItsOwnId) {
    const auto event = region_event("create", nullptr, {{"id", "r-1"}});
    EXPECT_NE(to_outbox_event(event, {}, "/v", "t")->id, to_outbox_event(event, {}, "/v", "t")->id);
}

}  // namespace
}  // namespace vergegrid::control
