#include "storage_contract.hpp"

namespace vergegrid::test::storage {

namespace api = plugin_api;

void StorageContract::SetUp() {
    try {
        harness_ = make_harness(GetParam());
    } catch (const std::exception& e) {
        GTEST_FAIL() << "no " << GetParam() << " database for this test: " << e.what();
    }
    library_ = std::make_shared<boost::dll::shared_library>(
        boost::dll::fs::path{plugin_file(GetParam())},
        boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
    descriptor_ = library_->get_alias<api::EntryPoint>(api::kEntryPointName)();
    ASSERT_NE(descriptor_, nullptr);
    ASSERT_EQ(descriptor_->abi_major, api::kAbiMajor);
    ASSERT_STREQ(descriptor_->kind, "storage");
    ASSERT_EQ(std::string(descriptor_->name), GetParam());

    storage_ = &create_backend(harness_->config());
    storage_->open();
}

void StorageContract::TearDown() {
    objects_.clear();  // objects first, then the library, then the database
    storage_ = nullptr;
    library_.reset();
    harness_.reset();
}

api::StorageBackend& StorageContract::create_backend(const api::ConfigSection& config) {
    const std::string data_dir = harness_->data_dir();
    const api::HostContext host{api::kAbiVersion, logger_, config, data_dir};
    std::unique_ptr<api::PluginObject> object(descriptor_->create(host));
    auto* backend = dynamic_cast<api::StorageBackend*>(object.get());
    if (backend == nullptr) {
        throw std::runtime_error("the plugin's object is not a StorageBackend");
    }
    objects_.push_back(std::move(object));
    return *backend;
}

std::unique_ptr<api::PluginObject> StorageContract::create_backend_on(
    const BackendHarness& database, std::shared_ptr<CollectingLogger> logger) const {
    const api::HostContext host{api::kAbiVersion, std::move(logger), database.config(),
                                database.data_dir()};
    return std::unique_ptr<api::PluginObject>(descriptor_->create(host));
}

api::Estate StorageContract::seed_estate(int n, const std::string& name) {
    const api::Estate estate = sample_estate(n, name);
    auto tx = write();
    tx->insert_estate(estate);
    tx->commit();
    return estate;
}

api::Template StorageContract::seed_template(int n, const std::string& name) {
    const api::Template tmpl = sample_template(n, name);
    auto tx = write();
    tx->insert_template(tmpl);
    tx->commit();
    return tmpl;
}

api::AccessStore& access_store(api::StorageTransaction& tx) {
    auto* store = dynamic_cast<api::AccessStore*>(&tx);
    if (store == nullptr) {
        throw std::runtime_error("the transaction does not implement AccessStore (ABI 1.1)");
    }
    return *store;
}

api::GridStore& grid_store(api::StorageTransaction& tx) {
    auto* store = dynamic_cast<api::GridStore*>(&tx);
    if (store == nullptr) {
        throw std::runtime_error("the transaction does not implement GridStore (ABI 1.3)");
    }
    return *store;
}

api::SnapshotLedger& snapshot_ledger(api::StorageTransaction& tx) {
    auto* ledger = dynamic_cast<api::SnapshotLedger*>(&tx);
    if (ledger == nullptr) {
        throw std::runtime_error("the transaction does not implement SnapshotLedger (ABI 1.5)");
    }
    return *ledger;
}

api::MigrationLedger& migration_ledger(api::StorageTransaction& tx) {
    auto* ledger = dynamic_cast<api::MigrationLedger*>(&tx);
    if (ledger == nullptr) {
        throw std::runtime_error("the transaction does not implement MigrationLedger (ABI 1.6)");
    }
    return *ledger;
}

api::PendingPlacementStore& pending_store(api::StorageTransaction& tx) {
    auto* store = dynamic_cast<api::PendingPlacementStore*>(&tx);
    if (store == nullptr) {
        throw std::runtime_error(
            "the transaction does not implement PendingPlacementStore (ABI 1.7)");
    }
    return *store;
}

api::GridChangeLog& change_log(api::StorageTransaction& tx) {
    auto* log = dynamic_cast<api::GridChangeLog*>(&tx);
    if (log == nullptr) {
        throw std::runtime_error("the transaction does not implement GridChangeLog (ABI 1.7)");
    }
    return *log;
}

api::GridRuleQueries& rule_queries(api::StorageTransaction& tx) {
    auto* queries = dynamic_cast<api::GridRuleQueries*>(&tx);
    if (queries == nullptr) {
        throw std::runtime_error("the transaction does not implement GridRuleQueries (ABI 1.8)");
    }
    return *queries;
}

api::OperationStore& operation_store(api::StorageTransaction& tx) {
    auto* store = dynamic_cast<api::OperationStore*>(&tx);
    if (store == nullptr) {
        throw std::runtime_error("the transaction does not implement OperationStore (ABI 1.1)");
    }
    return *store;
}

// NO_PRETTY_VALUES in CMake and this name generator give tests names like
// "Backends/StorageContract.EstateRoundTrips/postgresql"; ctest filters on the suffix.
INSTANTIATE_TEST_SUITE_P(Backends, StorageContract,
                         ::testing::Values(std::string("sqlite"), std::string("postgresql"),
                                           std::string("mysql")),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                             return info.param;
                         });

}  // namespace vergegrid::test::storage
