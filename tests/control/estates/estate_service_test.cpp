// EstateService over real storage: its commands, their rules and the events (audit rows) they
// record in the transaction of the change.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "control/estates/estate_service.hpp"
#include "tests/control/service_fixture.hpp"

namespace vergegrid::control {
namespace {

using ::testing::HasSubstr;

class EstateServiceTest : public test::ServiceFixture {
  protected:
    plugin_api::Estate make(const std::string& name) {
        return estates.create(actor(), {name, "Estate Owner"}).value;
    }

    // A region of the estate, written straight to storage: estates only count them.
    void add_region_to(const plugin_api::Estate& estate) {
        store().write([&](plugin_api::StorageTransaction& tx) {
            plugin_api::Region region;
            region.uuid = "00000000-0000-4000-8000-000000000001";
            region.name = "Alpha";
            region.estate_id = estate.id;
            region.host = "sim.example.org";
            region.port = 9000;
            region.physics_type = "BulletSim";
            region.terrain_preset = "flat";
            region.region_state_mode = "hybrid";
            tx.insert_region(region);
        });
    }

    EstateService estates{store()};
};

TEST_F(EstateServiceTest, CreateRecordsEstateCreateWithTheNewEstate) {
    const auto created = estates.create(actor(), {"Mainland", "Grid Governor"});
    EXPECT_EQ(created.value.name, "Mainland");
    EXPECT_EQ(created.value.owner, "Grid Governor");
    EXPECT_FALSE(created.value.id.empty());
    ASSERT_EQ(created.events.size(), 1U);
    EXPECT_EQ(created.events[0].type, "estate.create");
    EXPECT_EQ(created.events[0].entity_type, "estate");
    EXPECT_EQ(created.events[0].entity_id, created.value.id);
    EXPECT_TRUE(created.events[0].before.is_null());
    EXPECT_EQ(created.events[0].after.at("name"), "Mainland");

    const auto rows = audit("estate.create");
    ASSERT_EQ(rows.size(), 1U);
    EXPECT_EQ(rows[0].actor, "alice");
    EXPECT_EQ(rows[0].request_id, "req-1");
    EXPECT_EQ(rows[0].entity_id, created.value.id);
    EXPECT_EQ(estates.get(created.value.id).name, "Mainland");
}

TEST_F(EstateServiceTest, CreateRefusesANameTakenIgnoringCaseAndLeavesNoAuditRow) {
    make("Mainland");
    try {
        estates.create(actor(), {"MAINLAND", "Some One"});
        FAIL() << "a second Mainland was created";
    } catch (const DomainError& e) {
        EXPECT_EQ(e.fault(), Fault::conflict);
        EXPECT_EQ(e.code(), "name_taken");
        EXPECT_EQ(e.field(), "name");
    }
    EXPECT_EQ(audit("estate.create").size(), 1U);
    EXPECT_EQ(estates.list("", 10).size(), 1U);
}

TEST_F(EstateServiceTest, UpdateRecordsBeforeAndAfter) {
    const auto estate = make("Mainland");
    const auto updated = estates.update(actor(), {estate.id, "Outback", std::nullopt});
    EXPECT_EQ(updated.value.name, "Outback");
    EXPECT_EQ(updated.value.owner, "Estate Owner");
    ASSERT_EQ(updated.events.size(), 1U);
    EXPECT_EQ(updated.events[0].type, "estate.update");
    EXPECT_EQ(updated.events[0].before.at("name"), "Mainland");
    EXPECT_EQ(updated.events[0].after.at("name"), "Outback");
    EXPECT_EQ(estates.get(estate.id).name, "Outback");
}

TEST_F(EstateServiceTest, UpdateThatChangesNothingWritesNothing) {
    const auto estate = make("Mainland");
    const auto updated = estates.update(actor(), {estate.id, "Mainland", "Estate Owner"});
    EXPECT_TRUE(updated.events.empty());
    EXPECT_EQ(updated.value.updated_at, estate.updated_at);
    EXPECT_TRUE(audit("estate.update").empty());
}

TEST_F(EstateServiceTest, UpdateRefusesAnotherEstatesName) {
    make("Mainland");
    const auto other = make("Outback");
    EXPECT_THROW(estates.update(actor(), {other.id, "mainland", std::nullopt}), DomainError);
    EXPECT_EQ(estates.get(other.id).name, "Outback");
    EXPECT_TRUE(audit("estate.update").empty());
}

TEST_F(EstateServiceTest, DeleteRefusesAnEstateWithRegions) {
    const auto estate = make("Mainland");
    add_region_to(estate);
    try {
        estates.remove(actor(), estate.id);
        FAIL() << "an estate with a region was deleted";
    } catch (const DomainError& e) {
        EXPECT_EQ(e.fault(), Fault::conflict);
        EXPECT_EQ(e.code(), "in_use");
        EXPECT_THAT(e.what(), HasSubstr("1 region(s)"));
    }
    EXPECT_TRUE(audit("estate.delete").empty());
}

TEST_F(EstateServiceTest, DeleteRecordsTheEstateItRemoved) {
    const auto estate = make("Mainland");
    const auto removed = estates.remove(actor(), estate.id);
    ASSERT_EQ(removed.events.size(), 1U);
    EXPECT_EQ(removed.events[0].type, "estate.delete");
    EXPECT_EQ(removed.events[0].before.at("name"), "Mainland");
    EXPECT_TRUE(removed.events[0].after.is_null());
    try {
        estates.get(estate.id);
        FAIL() << "the deleted estate is still found";
    } catch (const DomainError& e) {
        EXPECT_EQ(e.fault(), Fault::not_found);
    }
}

TEST_F(EstateServiceTest, AnOwnerOpenSimCannotNameIsRefusedNamingTheField) {
    const auto estate = make("Mainland");
    for (const std::string& owner :
         std::vector<std::string>{"Governor", "00000000-0000-0000-0000-000000000000"}) {
        try {
            estates.create(actor(), {"Outback", owner});
            FAIL() << "created with owner " << owner;
        } catch (const DomainError& e) {
            EXPECT_EQ(e.fault(), Fault::invalid_input);
            EXPECT_EQ(e.field(), "owner");
        }
        EXPECT_THROW(estates.update(actor(), {estate.id, std::nullopt, owner}), DomainError);
    }
    EXPECT_EQ(estates.get(estate.id).owner, "Estate Owner");
    EXPECT_EQ(estates.list("", 10).size(), 1U);
    EXPECT_TRUE(audit("estate.update").empty());
}

TEST_F(EstateServiceTest, AnOwnerMayBeAUserUuid) {
    const auto estate = make("Mainland");
    const std::string uuid = "7b9a3c1e-0f52-4d7e-9a61-2c4f8e0b5d13";
    EXPECT_EQ(estates.update(actor(), {estate.id, std::nullopt, uuid}).value.owner, uuid);
}

TEST_F(EstateServiceTest, CommandsOnAMissingEstateAreNotFound) {
    const std::string id = "00000000-0000-4000-8000-00000000abcd";
    EXPECT_THROW(estates.update(actor(), {id, "x", std::nullopt}), DomainError);
    EXPECT_THROW(estates.remove(actor(), id), DomainError);
    EXPECT_TRUE(audit().empty());
}

}  // namespace
}  // namespace vergegrid::control
