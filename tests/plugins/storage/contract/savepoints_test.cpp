// Savepoints (ABI 1.7, SavepointStore): what a rolled-back savepoint held is gone while the rest
// of the transaction commits, a failed statement after a savepoint leaves the transaction usable
// once rolled back to it, savepoints nest, and a name that is not an identifier is refused.
#include <gmock/gmock.h>

#include <string>

#include "storage_contract.hpp"
#include "vergegrid/plugin_api/storage_savepoints.hpp"

namespace vergegrid::test::storage {
namespace {

namespace api = plugin_api;

api::SavepointStore& savepoints(api::StorageTransaction& tx) {
    auto* store = dynamic_cast<api::SavepointStore*>(&tx);
    if (!store) {
        throw std::runtime_error("the transaction implements no SavepointStore");
    }
    return *store;
}

TEST_P(StorageContract, ARolledBackSavepointLosesOnlyItsOwnRows) {
    {
        auto tx = write();
        auto& sp = savepoints(*tx);
        sp.savepoint("first");
        tx->insert_estate(sample_estate(1, "Kept"));
        sp.release("first");
        sp.savepoint("second");
        tx->insert_estate(sample_estate(2, "Undone"));
        tx->append_audit(
            {0, "2026-01-01T00:00:00Z", "a", "estate.create", "estate", uuid(2), "r", "", "{}"});
        sp.rollback_to("second");
        sp.release("second");
        EXPECT_FALSE(tx->find_estate(uuid(2)).has_value());
        sp.savepoint("third");
        tx->insert_estate(sample_estate(3, "Also kept"));
        sp.release("third");
        tx->commit();
    }
    auto tx = read();
    EXPECT_TRUE(tx->find_estate(uuid(1)).has_value());
    EXPECT_FALSE(tx->find_estate(uuid(2)).has_value());
    EXPECT_TRUE(tx->find_estate(uuid(3)).has_value());
    EXPECT_TRUE(tx->list_audit({}, 0, 10).empty());
}

TEST_P(StorageContract, AFailedStatementAfterASavepointIsUndoneByRollingBackToIt) {
    seed_estate(1, "Taken");
    {
        auto tx = write();
        auto& sp = savepoints(*tx);
        sp.savepoint("request");
        tx->insert_estate(sample_estate(2, "Before the failure"));
        EXPECT_THROW(tx->insert_estate(sample_estate(3, "Taken")), api::StorageConflict);
        EXPECT_THROW(tx->find_estate(uuid(1)), api::StorageError) << "refused until rolled back";
        sp.rollback_to("request");
        sp.release("request");
        sp.savepoint("request");
        tx->insert_estate(sample_estate(4, "After"));
        sp.release("request");
        tx->commit();
    }
    auto tx = read();
    EXPECT_FALSE(tx->find_estate(uuid(2)).has_value());
    EXPECT_TRUE(tx->find_estate(uuid(4)).has_value());
}

TEST_P(StorageContract, SavepointsNestAndAnOuterRollbackTakesTheInnerRows) {
    {
        auto tx = write();
        auto& sp = savepoints(*tx);
        sp.savepoint("sp_outer");
        tx->insert_estate(sample_estate(1, "Outer"));
        sp.savepoint("sp_inner");
        tx->insert_estate(sample_estate(2, "Inner"));
        sp.release("sp_inner");
        sp.rollback_to("sp_outer");
        sp.release("sp_outer");
        sp.savepoint("sp_outer");
        sp.savepoint("sp_inner");
        tx->insert_estate(sample_estate(3, "Inner kept"));
        sp.rollback_to("sp_inner");
        tx->insert_estate(sample_estate(4, "Outer kept"));
        sp.release("sp_outer");
        tx->commit();
    }
    auto tx = read();
    EXPECT_FALSE(tx->find_estate(uuid(1)).has_value());
    EXPECT_FALSE(tx->find_estate(uuid(2)).has_value());
    EXPECT_FALSE(tx->find_estate(uuid(3)).has_value());
    EXPECT_TRUE(tx->find_estate(uuid(4)).has_value());
}

// Released is gone, also where the RELEASE goes with the transaction's next statement
// (PostgreSQL): a released savepoint cannot be rolled back to, and releasing one that is gone is
// refused, by release() or by the call after it, so that the transaction cannot commit.
TEST_P(StorageContract, AReleasedSavepointIsGoneAndReleasingItAgainIsRefused) {
    {
        auto tx = write();
        auto& sp = savepoints(*tx);
        sp.savepoint("sp_a");
        tx->insert_estate(sample_estate(1, "First"));
        sp.savepoint("sp_b");
        tx->insert_estate(sample_estate(2, "Second"));
        sp.release("sp_b");
        sp.release("sp_a");
        EXPECT_THROW(sp.rollback_to("sp_a"), api::StorageError) << "both were released";
    }
    {
        auto tx = write();
        auto& sp = savepoints(*tx);
        sp.savepoint("once");
        tx->insert_estate(sample_estate(3, "Not committed"));
        sp.release("once");
        bool refused = false;
        try {
            sp.release("once");
            tx->commit();
        } catch (const api::StorageError&) {
            refused = true;
        }
        EXPECT_TRUE(refused) << "a second release of one savepoint went unnoticed";
    }
    {
        auto tx = write();
        auto& sp = savepoints(*tx);
        sp.savepoint("last");
        tx->insert_estate(sample_estate(4, "Committed"));
        sp.release("last");
        tx->commit();
    }
    auto tx = read();
    EXPECT_FALSE(tx->find_estate(uuid(1)).has_value());
    EXPECT_FALSE(tx->find_estate(uuid(3)).has_value());
    EXPECT_TRUE(tx->find_estate(uuid(4)).has_value());
}

TEST_P(StorageContract, ASavepointNameMustBeAnIdentifier) {
    auto tx = write();
    auto& sp = savepoints(*tx);
    EXPECT_THROW(sp.savepoint("x; DROP TABLE estates"), api::StorageError);
    EXPECT_THROW(sp.savepoint(""), api::StorageError);
    EXPECT_THROW(sp.savepoint("1st"), api::StorageError);
    sp.savepoint("fine_1");
    sp.release("fine_1");
    EXPECT_THROW(sp.rollback_to("no_such"), api::StorageError) << "never set";
}

}  // namespace
}  // namespace vergegrid::test::storage
