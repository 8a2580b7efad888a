// vergegrid_storage_transaction_duration_seconds: every query, command and write a Store runs is
// timed by access, with or without group commit, failed ones too.
#include "control/domain/storage_timings.hpp"

#include <gtest/gtest.h>

#include "control/domain/store.hpp"
#include "sqlite_backend.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_logger.hpp"

namespace vergegrid::test {
namespace {

class StorageTimingsTest : public ::testing::TestWithParam<bool> {
  protected:
    void SetUp() override {
        plugins::sqlite::SqliteConfig config;
        config.path = dir_.path() / "timings.db";
        auto backend = std::make_shared<plugins::sqlite::SqliteBackend>(
            config, std::make_shared<SilentLogger>());
        backend->open();
        slot_.swap(backend);
    }
    void TearDown() override { slot_.swap(nullptr); }

    control::Store store() {
        return control::Store(slot_, {},
                              GetParam() ? std::make_shared<control::GroupCommit>(slot_) : nullptr,
                              std::make_shared<const control::StorageTimings>(registry_));
    }

    bool metrics_contain(const std::string& line) const {
        return registry_.render().find(line + "\n") != std::string::npos;
    }

    TempDir dir_;
    kernel::services::ActiveSlot<plugin_api::StorageBackend> slot_;
    kernel::metrics::Registry registry_;
};

TEST_P(StorageTimingsTest, ReadsAndWritesAreTimedApartFailedOnesIncluded) {
    const auto s = store();
    s.read([](plugin_api::StorageTransaction& tx) { return tx.list_estates("", 10); });
    s.read([](plugin_api::StorageTransaction& tx) { return tx.list_estates("", 10); });
    s.command({"alice", ""}, [](control::Changes&) {});
    s.write([](plugin_api::StorageTransaction&) {});
    EXPECT_THROW(
        s.command({"alice", ""}, [](control::Changes&) -> int { throw std::runtime_error("no"); }),
        std::runtime_error);

    EXPECT_TRUE(
        metrics_contain(R"(vergegrid_storage_transaction_duration_seconds_count{access="read"} 2)"))
        << registry_.render();
    EXPECT_TRUE(metrics_contain(
        R"(vergegrid_storage_transaction_duration_seconds_count{access="write"} 3)"))
        << registry_.render();
    EXPECT_TRUE(metrics_contain(
        R"(vergegrid_storage_transaction_duration_seconds_bucket{access="read",le="+Inf"} 2)"));
}

INSTANTIATE_TEST_SUITE_P(GroupCommit, StorageTimingsTest, ::testing::Bool(),
                         [](const auto& info) { return info.param ? "grouped" : "alone"; });

TEST(StorageTimings, AnObservationLandsInItsBucket) {
    kernel::metrics::Registry registry;
    EXPECT_EQ(registry.render().find("vergegrid_storage"), std::string::npos);
    const control::StorageTimings timings(registry);
    timings.observe(plugin_api::Access::read, std::chrono::milliseconds(3));
    EXPECT_NE(
        registry.render().find(
            R"(vergegrid_storage_transaction_duration_seconds_bucket{access="read",le="0.005"} 1)"),
        std::string::npos)
        << registry.render();
}

}  // namespace
}  // namespace vergegrid::test
