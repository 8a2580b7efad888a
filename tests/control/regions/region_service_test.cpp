// RegionService over real storage: each command writes the region, its history row, its event
// (the audit row) and its simulator's operation in one transaction, and rings the doorbell only
// after that transaction committed.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/control/regions/region_fixture.hpp"

namespace vergegrid::control {
namespace {

using plugin_api::SemVer;

class RegionServiceTest : public RegionFixture {
  protected:
    template <typename Command>
    DomainError refusal(Command&& command) {
        try {
            command();
        } catch (const DomainError& e) {
            return e;
        }
        ADD_FAILURE() << "the command was not refused";
        return DomainError(Fault::internal, "none", "none");
    }
};

TEST_F(RegionServiceTest, CreateWritesVersionOneItsHistoryAndRegionCreate) {
    const auto created = regions.create(actor(), {{{"name", "Alpha"},
                                                   {"estate_id", estate_id},
                                                   {"loc_x", 1000},
                                                   {"loc_y", 1000},
                                                   {"host", "sim.example.org"},
                                                   {"port", 9000}}});
    const auto& region = created.value.region;
    EXPECT_EQ(region.version, (SemVer{1, 0, 0}));
    EXPECT_EQ(created.value.change, "create");
    ASSERT_TRUE(created.value.decision.has_value());
    EXPECT_TRUE(created.value.decision->placed);
    ASSERT_EQ(created.events.size(), 1U);
    EXPECT_EQ(created.events[0].type, "region.create");
    EXPECT_TRUE(created.events[0].before.is_null());
    EXPECT_EQ(created.events[0].after.at("name"), "Alpha");

    const auto history = regions.history(region.uuid);
    ASSERT_EQ(history.size(), 1U);
    EXPECT_EQ(history[0].change, "create");
    EXPECT_EQ(history[0].actor, "alice");
    EXPECT_EQ(history[0].request_id, "req-1");
    const auto rows = audit("region.create");
    ASSERT_EQ(rows.size(), 1U);
    EXPECT_EQ(rows[0].entity_id, region.uuid);
    EXPECT_EQ(regions.get(region.uuid).name, "Alpha");
}

// The region's document is dumped once: its history row's text is also its audit row's, and both
// are the event's document.
TEST_F(RegionServiceTest, TheHistoryRowTheAuditRowAndTheEventCarryTheSameDocument) {
    const auto created = regions.create(actor(), {{{"name", "Alpha"},
                                                   {"estate_id", estate_id},
                                                   {"loc_x", 1000},
                                                   {"loc_y", 1000},
                                                   {"host", "sim.example.org"},
                                                   {"port", 9000},
                                                   {"flags", {{"max_prims", 30000}}}}});
    const auto& region = created.value.region;
    const auto history = regions.history(region.uuid);
    ASSERT_EQ(history.size(), 1U);
    const auto rows = audit("region.create");
    ASSERT_EQ(rows.size(), 1U);
    EXPECT_EQ(rows[0].after, history[0].spec);
    ASSERT_EQ(created.events.size(), 1U);
    EXPECT_EQ(created.events[0].after, nlohmann::json::parse(history[0].spec));
    EXPECT_EQ(rows[0].after, created.events[0].after.dump());  // compact, as every audit row
    EXPECT_EQ(created.events[0].after.at("flags").at("max_prims"), 30000);
    EXPECT_EQ(created.events[0].after.at("id"), region.uuid);
}

TEST_F(RegionServiceTest, CreateRefusesAnUnknownEstateAsUnprocessable) {
    const auto error = refusal([&] {
        regions.create(actor(), {{{"name", "Alpha"},
                                  {"estate_id", "00000000-0000-4000-8000-00000000ffff"},
                                  {"loc_x", 1000},
                                  {"loc_y", 1000},
                                  {"host", "sim.example.org"},
                                  {"port", 9000}}});
    });
    EXPECT_EQ(error.fault(), Fault::unprocessable);
    EXPECT_EQ(error.code(), "unknown_reference");
    EXPECT_EQ(error.field(), "estate_id");
    EXPECT_TRUE(audit("region.create").empty());
}

TEST_F(RegionServiceTest, UpdateBumpsTheVersionAndRecordsBeforeAndAfter) {
    const auto region = create("Alpha");
    const auto updated = update(region, {{"flags", {{"max_prims", 99}}}});
    EXPECT_EQ(updated.value.change, "patch");
    EXPECT_EQ(updated.value.region.version, (SemVer{1, 0, 1}));
    EXPECT_FALSE(updated.value.decision.has_value());
    ASSERT_EQ(updated.events.size(), 1U);
    EXPECT_EQ(updated.events[0].type, "region.update");
    EXPECT_EQ(updated.events[0].before.at("version"), "1.0.0");
    EXPECT_EQ(updated.events[0].after.at("version"), "1.0.1");
    EXPECT_EQ(regions.history(region.uuid).size(), 2U);
}

TEST_F(RegionServiceTest, AnUpdateThatChangesNothingWritesNothing) {
    const auto region = create("Alpha");
    const auto same = update(region, {{"name", "Alpha"}});
    EXPECT_EQ(same.value.change, "none");
    EXPECT_EQ(same.value.region.version, region.version);
    EXPECT_TRUE(same.events.empty());
    EXPECT_EQ(regions.history(region.uuid).size(), 1U);
    EXPECT_TRUE(audit("region.update").empty());
}

TEST_F(RegionServiceTest, AFailingCommandLeavesNoAuditRowNoHistoryAndRingsNoDoorbell) {
    const auto alpha = create("Alpha", 1000);
    auto beta = create("Beta", 1002);
    beta = update(beta, {{"placement", {{"simulator_id", kSimulator}}}}).value.region;
    const auto rows_before = audit().size();
    const auto ops_before = operations(kSimulator).size();
    const auto rings_before = signals.generation(kSimulator);

    // Valid on its own; refused by the grid rules inside the command.
    const auto error = refusal([&] { update(beta, {{"name", "ALPHA"}, {"loc_x", 1004}}); });
    EXPECT_EQ(error.code(), "name_taken");
    EXPECT_EQ(error.fault(), Fault::conflict);

    EXPECT_EQ(audit().size(), rows_before);
    EXPECT_EQ(regions.history(beta.uuid).size(), 2U);
    EXPECT_EQ(regions.get(beta.uuid).loc_x, 1002);
    EXPECT_EQ(operations(kSimulator).size(), ops_before);
    EXPECT_EQ(signals.generation(kSimulator), rings_before);
    EXPECT_EQ(regions.get(alpha.uuid).name, "Alpha");
}

// A consumer after the audit trail refuses the event: the audit row already written in the
// transaction goes with the region row, its history row and its operation.
class RefusingConsumer : public EventConsumer {
  public:
    void consume(Changes&, const DomainEvent&) override { throw std::runtime_error("refused"); }
};

TEST_F(RegionServiceTest, ACommandsEventsAreWrittenInItsTransaction) {
    const Store refusing(
        storage_, std::make_shared<const EventConsumers>(EventConsumers{
                      std::make_shared<AuditTrail>(), std::make_shared<RefusingConsumer>()}));
    const RegionService refused(
        refusing, RegionChannel{&sync_, &signals},
        std::make_shared<PlacementService>(no_policy, "", std::vector<std::string>{}, nullptr,
                                           PortRange{}));
    auto region = create("Alpha");
    region = update(region, {{"placement", {{"simulator_id", kSimulator}}}}).value.region;
    const auto rows_before = audit().size();
    const auto rings_before = signals.generation(kSimulator);

    EXPECT_THROW(refused.update(actor(), {region.uuid, std::nullopt, {{"loc_x", 1010}}}),
                 std::runtime_error);
    EXPECT_EQ(audit().size(), rows_before);
    EXPECT_EQ(regions.get(region.uuid).loc_x, 1000);
    EXPECT_EQ(regions.history(region.uuid).size(), 2U);
    EXPECT_EQ(operations(kSimulator).size(), 1U);
    EXPECT_EQ(signals.generation(kSimulator), rings_before);
}

TEST_F(RegionServiceTest, AnEagerChangeRingsItsSimulatorAfterTheCommit) {
    const auto region = create("Alpha");
    const auto rings_before = signals.generation(kSimulator);
    update(region, {{"placement", {{"simulator_id", kSimulator}}}});
    EXPECT_GT(signals.generation(kSimulator), rings_before);
    EXPECT_EQ(signals.generation(kOtherSimulator), 0U);
}

TEST_F(RegionServiceTest, AStaleExpectedVersionIsRefusedWithTheCurrentOne) {
    const auto region = create("Alpha");
    update(region, {{"loc_x", 1010}});
    const auto error = refusal([&] {
        regions.update(actor(), {region.uuid, SemVer{1, 0, 0}, {{"loc_x", 1020}}});
    });
    EXPECT_EQ(error.fault(), Fault::precondition_failed);
    EXPECT_EQ(error.code(), "version_mismatch");
    EXPECT_STREQ(error.what(), "the entity is at version 1.1.0, not 1.0.0; reload and retry");
    EXPECT_EQ(regions.get(region.uuid).loc_x, 1010);
    EXPECT_THROW(regions.remove(actor(), {region.uuid, SemVer{1, 0, 0}}), DomainError);
    EXPECT_NO_THROW(regions.remove(actor(), {region.uuid, SemVer{1, 1, 0}}));
}

TEST_F(RegionServiceTest, RestartNeedsASimulatorAndWritesNoVersion) {
    auto region = create("Alpha");
    const auto error = refusal([&] { regions.restart(actor(), region.uuid); });
    EXPECT_EQ(error.code(), "not_placed");
    EXPECT_EQ(error.field(), "placement.simulator_id");

    region = update(region, {{"placement", {{"simulator_id", kSimulator}}}}).value.region;
    const auto restarted = regions.restart(actor(), region.uuid);
    EXPECT_EQ(restarted.value, region.version);
    ASSERT_EQ(restarted.events.size(), 1U);
    EXPECT_EQ(restarted.events[0].type, "region.restart");
    EXPECT_TRUE(restarted.events[0].before.is_null());
    EXPECT_TRUE(restarted.events[0].after.is_null());
    EXPECT_EQ(regions.history(region.uuid).size(), 2U);
}

TEST_F(RegionServiceTest, RollbackMakesTheOldSpecANewVersion) {
    const auto region = create("Alpha");
    update(region, {{"size_x", 512}});
    const auto rolled = regions.rollback(actor(), {region.uuid, std::nullopt, SemVer{1, 0, 0}});
    EXPECT_EQ(rolled.value.region.size_x, 256);
    EXPECT_EQ(rolled.value.region.version, (SemVer{3, 0, 0}));
    ASSERT_EQ(rolled.events.size(), 1U);
    EXPECT_EQ(rolled.events[0].type, "region.rollback");
    const auto history = regions.history(region.uuid);
    ASSERT_EQ(history.size(), 3U);
    EXPECT_EQ(history.back().change, "rollback");

    const auto error = refusal([&] {
        regions.rollback(actor(), {region.uuid, std::nullopt, SemVer{7, 0, 0}});
    });
    EXPECT_EQ(error.fault(), Fault::not_found);
    EXPECT_EQ(error.code(), "unknown_version");
    EXPECT_EQ(error.field(), "version");
}

TEST_F(RegionServiceTest, UpgradeTemplateNeedsATemplate) {
    const auto region = create("Alpha");
    const auto error = refusal([&] {
        regions.upgrade_template(actor(), {region.uuid, std::nullopt});
    });
    EXPECT_EQ(error.code(), "no_template");
    EXPECT_EQ(error.fault(), Fault::conflict);
}

TEST_F(RegionServiceTest, DeleteRecordsTheRegionAndKeepsItsHistory) {
    const auto region = create("Alpha");
    const auto removed = regions.remove(actor(), {region.uuid, std::nullopt});
    ASSERT_EQ(removed.events.size(), 1U);
    EXPECT_EQ(removed.events[0].type, "region.delete");
    EXPECT_EQ(removed.events[0].before.at("name"), "Alpha");
    EXPECT_TRUE(removed.events[0].after.is_null());
    EXPECT_EQ(refusal([&] { regions.get(region.uuid); }).fault(), Fault::not_found);
    EXPECT_EQ(regions.history(region.uuid).size(), 1U);
}

TEST_F(RegionServiceTest, WithoutASyncSchedulerChangesAreUnavailable) {
    kernel::services::ActiveSlot<plugin_api::SyncScheduler> no_sync;
    const RegionService without_sync(
        store(), RegionChannel{&no_sync, &signals},
        std::make_shared<PlacementService>(no_policy, "", std::vector<std::string>{}, nullptr,
                                           PortRange{}));
    const auto region = create("Alpha");
    const auto error = refusal([&] { without_sync.restart(actor(), region.uuid); });
    EXPECT_EQ(error.fault(), Fault::unavailable);
    EXPECT_EQ(error.code(), "sync_unavailable");
}

TEST_F(RegionServiceTest, TheStubIsTheRegionsIniSectionAtItsVersion) {
    const auto region = create("Alpha");
    const auto stub = regions.stub(region.uuid);
    EXPECT_EQ(stub.version, region.version);
    EXPECT_EQ(stub.spec.name, "Alpha");
    EXPECT_EQ(stub.spec.target_estate, "Mainland");
    EXPECT_EQ(stub.spec.internal_port, 9000);
}

}  // namespace
}  // namespace vergegrid::control
