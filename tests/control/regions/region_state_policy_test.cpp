// A region's state policy (lifecycle, state_parts): read, validated, shown, versioned and kept
// beside the region through the SnapshotLedger storage extension (ABI 1.5). A storage plugin
// without the extension reads the defaults and refuses anything else with 503
// snapshots_unavailable (tests/plugin_abi_fixtures/old_plugins_process_test.cpp runs that case on
// an ABI 1.2 storage plugin).
#include <gtest/gtest.h>

#include "control/regions/region_json.hpp"
#include "tests/control/regions/region_fixture.hpp"
#include "vergegrid/plugin_api/storage_snapshots.hpp"

namespace vergegrid::control {
namespace {

using plugin_api::SemVer;

class RegionStatePolicyTest : public RegionFixture {
  protected:
    bool storage_keeps_policies() {
        return store().read([](plugin_api::StorageTransaction& tx) {
            return dynamic_cast<plugin_api::SnapshotLedger*>(&tx) != nullptr;
        });
    }

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

    nlohmann::json create_body(const std::string& name) {
        return {{"name", name},  {"estate_id", estate_id},    {"loc_x", 1000},
                {"loc_y", 1000}, {"host", "sim.example.org"}, {"port", 9000}};
    }
};

TEST_F(RegionStatePolicyTest, ANewRegionIsPersistentWithNoOptionalParts) {
    const auto region = create("Alpha");
    const auto json = region_to_json(regions.get(region.uuid));
    EXPECT_EQ(json.at("lifecycle"), "persistent");
    EXPECT_EQ(json.at("state_parts"), (nlohmann::json{{"prims", false},
                                                      {"mesh", false},
                                                      {"script_state", false},
                                                      {"object_metadata", false},
                                                      {"texture_refs", false},
                                                      {"inventory_refs", false}}));
    const auto history = regions.history(region.uuid);
    const auto spec = nlohmann::json::parse(history.at(0).spec);
    EXPECT_EQ(spec.at("lifecycle"), "persistent");
    EXPECT_EQ(spec.at("state_parts").at("prims"), false);
    EXPECT_EQ(nlohmann::json::parse(audit("region.create").at(0).after).at("lifecycle"),
              "persistent");
}

TEST_F(RegionStatePolicyTest, BadValuesAreRefusedNamingTheField) {
    const auto region = create("Alpha");
    auto error = refusal([&] { update(region, {{"state_parts", {{"foo", true}}}}); });
    EXPECT_EQ(error.fault(), Fault::invalid_input);
    EXPECT_EQ(error.code(), "unknown_field");
    EXPECT_EQ(error.field(), "state_parts.foo");

    error = refusal([&] { update(region, {{"state_parts", {{"prims", "yes"}}}}); });
    EXPECT_EQ(error.fault(), Fault::invalid_input);
    EXPECT_EQ(error.field(), "state_parts.prims");

    error = refusal([&] { update(region, {{"state_parts", true}}); });
    EXPECT_EQ(error.fault(), Fault::invalid_input);
    EXPECT_EQ(error.field(), "state_parts");

    error = refusal([&] { update(region, {{"lifecycle", "forever"}}); });
    EXPECT_EQ(error.fault(), Fault::invalid_input);
    EXPECT_EQ(error.field(), "lifecycle");

    auto body = create_body("Beta");
    body["lifecycle"] = "Premium";  // the words are lower case, as everywhere in the API
    error = refusal([&] { regions.create(actor(), {body}); });
    EXPECT_EQ(error.field(), "lifecycle");
    EXPECT_EQ(regions.get(region.uuid).version, (SemVer{1, 0, 0}));
}

TEST_F(RegionStatePolicyTest, TheLedgerKeepsThePolicyAndAChangeIsAPatch) {
    ASSERT_TRUE(storage_keeps_policies());
    auto body = create_body("Alpha");
    body["lifecycle"] = "premium";
    body["state_parts"] = {{"prims", true}};
    const auto created = regions.create(actor(), {body}).value.region;
    EXPECT_EQ(created.state.lifecycle, "premium");
    EXPECT_TRUE(created.state.parts.prims);
    auto stored = regions.get(created.uuid);
    EXPECT_EQ(stored.state.lifecycle, "premium");
    EXPECT_TRUE(stored.state.parts.prims);
    EXPECT_FALSE(stored.state.parts.mesh);

    // Nested objects merge field by field.
    const auto changed = update(created, {{"state_parts", {{"mesh", true}}}});
    EXPECT_EQ(changed.value.change, "patch");
    EXPECT_EQ(changed.value.region.version, (SemVer{1, 0, 1}));
    ASSERT_EQ(changed.value.fields.size(), 1U);
    EXPECT_EQ(changed.value.fields[0].at("field"), "state_parts.mesh");
    stored = regions.get(created.uuid);
    EXPECT_TRUE(stored.state.parts.prims);
    EXPECT_TRUE(stored.state.parts.mesh);
    EXPECT_EQ(regions.list({}, "", 10).at(0).state, stored.state);

    const auto ephemeral = update(created, {{"lifecycle", "ephemeral"}});
    EXPECT_EQ(ephemeral.value.change, "patch");
    EXPECT_EQ(regions.get(created.uuid).state.lifecycle, "ephemeral");

    // A rollback brings back the policy of that version.
    const auto rolled =
        regions.rollback(actor(), {created.uuid, std::nullopt, SemVer{1, 0, 0}}).value;
    EXPECT_EQ(rolled.region.version, (SemVer{1, 0, 3}));
    stored = regions.get(created.uuid);
    EXPECT_EQ(stored.state.lifecycle, "premium");
    EXPECT_TRUE(stored.state.parts.prims);
    EXPECT_FALSE(stored.state.parts.mesh);

    // The policy goes with the region.
    regions.remove(actor(), {created.uuid, std::nullopt});
    const bool kept = store().read([&](plugin_api::StorageTransaction& tx) {
        return dynamic_cast<plugin_api::SnapshotLedger&>(tx)
            .find_region_state_policy(created.uuid)
            .has_value();
    });
    EXPECT_FALSE(kept);
}

TEST_F(RegionStatePolicyTest, AChangeOfThePolicyAloneQueuesNoOperation) {
    ASSERT_TRUE(storage_keeps_policies());
    const auto region = create("Alpha");
    update(region, {{"placement", {{"simulator_id", kSimulator}}}});
    ASSERT_EQ(operations(kSimulator).size(), 1U);
    const auto changed = update(region, {{"lifecycle", "premium"}});
    EXPECT_EQ(changed.value.change, "patch");
    EXPECT_EQ(operations(kSimulator).size(), 1U);
    EXPECT_EQ(audit("region.update").size(), 2U);
}

TEST_F(RegionStatePolicyTest, AnOperationsSpecCarriesTheConfigurationOnly) {
    const auto region = create("Alpha");
    update(region, {{"placement", {{"simulator_id", kSimulator}}}});
    const auto ops = operations(kSimulator);
    ASSERT_EQ(ops.size(), 1U);
    const auto spec = nlohmann::json::parse(ops[0].spec);
    EXPECT_EQ(spec.at("name"), "Alpha");
    EXPECT_FALSE(spec.contains("lifecycle"));
    EXPECT_FALSE(spec.contains("state_parts"));
}

TEST_F(RegionStatePolicyTest, AHistorySpecWithoutThePolicyMeansTheDefaults) {
    RegionRecord region = create("Alpha");
    region.state.lifecycle = "premium";
    region.state.parts.texture_refs = true;
    auto spec = region_to_json(region);
    EXPECT_EQ(region_from_spec(spec.dump()).state, region.state);
    spec.erase("lifecycle");
    spec.erase("state_parts");
    EXPECT_EQ(region_from_spec(spec.dump()).state, StatePolicy{});
}

TEST(StateParts, StoredTextReadsForgivingly) {
    EXPECT_EQ(state_parts_from_text(""), StateParts{});
    const auto parts = state_parts_from_text(R"({"mesh":true,"future_part":true})");
    EXPECT_TRUE(parts.mesh);
    EXPECT_FALSE(parts.prims);
    EXPECT_EQ(state_parts_on(parts), std::vector<std::string>{"mesh"});
    EXPECT_EQ(state_parts_from_text(state_parts_to_json(parts).dump()), parts);
}

}  // namespace
}  // namespace vergegrid::control
