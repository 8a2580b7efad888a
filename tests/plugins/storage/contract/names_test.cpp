// Estate and region names are unique ignoring letter case (schema 4): the database itself refuses
// a second name that differs from a stored one only in case, whatever the control plane checks.
#include "storage_contract.hpp"

namespace vergegrid::test::storage {
namespace {

namespace api = plugin_api;

TEST_P(StorageContract, AnEstateNameDifferingOnlyInCaseIsRefused) {
    seed_estate(1, "Sandbox");
    seed_estate(2, "Mainland");
    expect_storage_conflict(
        write(), [](auto& tx) { tx.insert_estate(sample_estate(3, "sandbox")); },
        "a second estate named sandbox beside Sandbox");
    expect_storage_conflict(
        write(),
        [](auto& tx) {
            auto renamed = *tx.find_estate(sample_estate(2, "").id);
            renamed.name = "SANDBOX";
            tx.update_estate(renamed);
        },
        "renaming Mainland to SANDBOX beside Sandbox");
    // Its own name in another case is no clash.
    auto tx = write();
    auto own = *tx->find_estate(sample_estate(1, "").id);
    own.name = "SandBox";
    tx->update_estate(own);
    tx->commit();
    EXPECT_EQ(read()->find_estate_by_name("sandbox")->name, "SandBox");
}

TEST_P(StorageContract, ARegionNameDifferingOnlyInCaseIsRefused) {
    const auto estate = seed_estate(1, "Estate");
    {
        auto tx = write();
        tx->insert_region(sample_region(1, "Sandbox", estate.id, 1000, 1000, "h", 9000));
        tx->insert_region(sample_region(2, "Welcome", estate.id, 1010, 1000, "h", 9001));
        tx->commit();
    }
    expect_storage_conflict(
        write(),
        [&](auto& tx) {
            tx.insert_region(sample_region(3, "SANDBOX", estate.id, 1020, 1000, "h", 9002));
        },
        "a second region named SANDBOX beside Sandbox");
    expect_storage_conflict(
        write(),
        [&](auto& tx) {
            auto renamed = *tx.find_region(uuid(2));
            renamed.name = "sandbox";
            tx.update_region(renamed);
        },
        "renaming Welcome to sandbox beside Sandbox");
    const auto found = read()->find_region_by_name("sANDBOX");
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->uuid, uuid(1));
}

}  // namespace
}  // namespace vergegrid::test::storage
