// ABI 1.9: ReplicaStore on every backend; ClusterCoordination (leadership, notifications) where
// the database has the means: leadership on PostgreSQL and MariaDB, notifications on PostgreSQL.
// Two backend objects on one database stand for two control planes.
#include <soci/soci.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "storage_contract.hpp"
#include "vergegrid/plugin_api/storage_cluster.hpp"

namespace vergegrid::test::storage {
namespace {

namespace api = plugin_api;
using namespace std::chrono_literals;

api::ReplicaStore& replica_store(api::StorageTransaction& tx) {
    auto* store = dynamic_cast<api::ReplicaStore*>(&tx);
    if (store == nullptr) {
        throw std::runtime_error("the transaction has no ReplicaStore");
    }
    return *store;
}

api::ClusterCoordination* coordination(api::StorageBackend& backend) {
    return dynamic_cast<api::ClusterCoordination*>(&backend);
}

api::Replica replica(const std::string& id, const std::string& started, const std::string& seen,
                     bool leading) {
    return {id,     id + ".example:9800", "http://" + id + ".example:9800", "0.1.0", started, seen,
            leading};
}

// Collects what a listener hears, for the test thread to wait on.
class Heard final : public api::ClusterListener {
  public:
    void on_message(const std::string& channel, const std::string& payload) noexcept override {
        const std::lock_guard lock(mutex_);
        messages_.emplace_back(channel, payload);
        changed_.notify_all();
    }
    void on_gap() noexcept override {
        const std::lock_guard lock(mutex_);
        ++gaps_;
        changed_.notify_all();
    }
    bool wait_for_messages(std::size_t count, std::chrono::milliseconds within = 10s) {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, within, [&] { return messages_.size() >= count; });
    }
    bool wait_for_gaps(int count, std::chrono::milliseconds within = 10s) {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, within, [&] { return gaps_ >= count; });
    }
    std::vector<std::pair<std::string, std::string>> messages() {
        const std::lock_guard lock(mutex_);
        return messages_;
    }

  private:
    std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<std::pair<std::string, std::string>> messages_;
    int gaps_ = 0;
};

TEST_P(StorageContract, ReplicaRowsAreSavedReplacedListedByStartAndForgotten) {
    {
        auto tx = write();
        auto& replicas = replica_store(*tx);
        replicas.save_replica(
            replica("b", "2026-12-05T05:00:02.000Z", "2026-12-05T05:00:10.000Z", false));
        replicas.save_replica(
            replica("a", "2026-12-05T05:00:01.000Z", "2026-12-05T05:00:09.000Z", true));
        replicas.save_replica(
            replica("c", "2026-12-05T04:00:00.000Z", "2026-12-05T04:10:00.000Z", false));
        tx->commit();
    }
    {
        auto tx = write();
        // The same id again replaces its row: a later heartbeat.
        replica_store(*tx).save_replica(
            replica("a", "2026-12-05T05:00:01.000Z", "2026-12-05T05:00:12.000Z", false));
        tx->commit();
    }
    auto tx = read();
    const auto rows = replica_store(*tx).list_replicas();
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[0].id, "c");
    EXPECT_EQ(rows[1].id, "a");
    EXPECT_EQ(rows[2].id, "b");
    EXPECT_EQ(rows[1].seen_at, "2026-12-05T05:00:12.000Z");
    EXPECT_FALSE(rows[1].leading);
    EXPECT_EQ(rows[1].name, "a.example:9800");
    EXPECT_EQ(rows[1].url, "http://a.example:9800");
    EXPECT_EQ(rows[1].version, "0.1.0");
    EXPECT_EQ(rows[1].started_at, "2026-12-05T05:00:01.000Z");
    tx.reset();
    {
        auto writing = write();
        EXPECT_EQ(replica_store(*writing).delete_replicas_seen_before("2026-12-05T05:00:00.000Z"),
                  1);
        replica_store(*writing).delete_replica("b");
        replica_store(*writing).delete_replica("no-such-replica");
        writing->commit();
    }
    auto after = read();
    const auto left = replica_store(*after).list_replicas();
    ASSERT_EQ(left.size(), 1u);
    EXPECT_EQ(left[0].id, "a");
    EXPECT_THROW(replica_store(*after).save_replica(replica("", "x", "y", false)),
                 api::StorageError);
}

TEST_P(StorageContract, OneControlPlaneLeadsAndAnotherTakesOverWhenItLetsGo) {
    if (GetParam() == "sqlite") {
        // One process owns an SQLite database: nothing to coordinate, so nothing offered.
        EXPECT_EQ(coordination(storage()), nullptr);
        return;
    }
    auto& second = create_backend(harness_->config());
    second.open();
    auto* first_lead = coordination(storage());
    auto* second_lead = coordination(second);
    ASSERT_NE(first_lead, nullptr);
    ASSERT_NE(second_lead, nullptr);

    EXPECT_TRUE(first_lead->hold_leadership());
    EXPECT_TRUE(first_lead->hold_leadership()) << "holding it again is keeping it";
    EXPECT_FALSE(second_lead->hold_leadership());
    first_lead->resign_leadership();
    EXPECT_TRUE(second_lead->hold_leadership());
    EXPECT_FALSE(first_lead->hold_leadership());

    // Resigning frees the lock before it returns, so the other takes over at once. Closing the
    // leader's session is not enough: the server ends a session after the client has gone, and
    // on a loaded machine the other's first try came first. Many handovers make that race show.
    for (int handover = 0; handover < 50; ++handover) {
        auto* leading = handover % 2 == 0 ? second_lead : first_lead;
        auto* taking = handover % 2 == 0 ? first_lead : second_lead;
        leading->resign_leadership();
        ASSERT_TRUE(taking->hold_leadership()) << "handover " << handover;
    }

    // The leader's database session dies (killed from outside, as a dying process's would be):
    // it learns it no longer leads, and the other takes over.
    auto direct = harness_->direct();
    if (GetParam() == "postgresql") {
        *direct << "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' "
                   "AND granted AND database = (SELECT oid FROM pg_database WHERE datname = "
                   "current_database())";
    } else {
        long long holder = 0;
        const std::string lock_name = "vergegrid.leader." + harness_->config().at("db");
        *direct << "SELECT IS_USED_LOCK(:name)", soci::use(lock_name), soci::into(holder);
        ASSERT_GT(holder, 0);
        *direct << "KILL " + std::to_string(holder);
    }
    // The server ends a killed session asynchronously: on a loaded machine (CI builds beside the
    // tests) that took longer than 5 s once, so the bound is generous; a pass returns at once.
    bool taken = false;
    for (int i = 0; i < 200 && !taken; ++i) {
        taken = first_lead->hold_leadership();
        std::this_thread::sleep_for(100ms);
    }
    EXPECT_FALSE(second_lead->hold_leadership()) << "the killed session no longer leads";
    EXPECT_TRUE(taken) << "the other control plane took over";
    // close() gives it up.
    second.close();
    storage().close();
}

TEST_P(StorageContract, NotificationsReachTheOtherControlPlanesOnly) {
    if (GetParam() != "postgresql") {
        if (auto* c = coordination(storage())) {
            EXPECT_FALSE(c->notifies());
            Heard heard;
            c->listen({"vergegrid_operations"}, heard);
            EXPECT_TRUE(heard.wait_for_gaps(1, 1s)) << "says at once that it hears nothing";
            c->publish("vergegrid_operations", {"x"});  // a no-op, not an error
            c->stop_listening();
        }
        return;
    }
    auto& other = create_backend(harness_->config());
    other.open();
    auto* sender = coordination(storage());
    auto* receiver = coordination(other);
    ASSERT_TRUE(sender->notifies());
    Heard at_receiver;
    Heard at_sender;
    receiver->listen({"vergegrid_operations", "vergegrid_access"}, at_receiver);
    sender->listen({"vergegrid_operations"}, at_sender);
    ASSERT_TRUE(at_receiver.wait_for_gaps(1)) << "listening begins with a gap";
    ASSERT_TRUE(at_sender.wait_for_gaps(1));

    const std::vector<std::string> payloads{"sim-1", "sim \"2\", with \\ and {braces}", ""};
    sender->publish("vergegrid_operations", payloads);
    sender->publish("vergegrid_access", {"users"});
    sender->publish("vergegrid_other", {"not listened to"});
    ASSERT_TRUE(at_receiver.wait_for_messages(4));
    const auto heard = at_receiver.messages();
    ASSERT_EQ(heard.size(), 4u);
    for (std::size_t i = 0; i < payloads.size(); ++i) {
        EXPECT_EQ(heard[i].first, "vergegrid_operations");
        EXPECT_EQ(heard[i].second, payloads[i]);
    }
    EXPECT_EQ(heard[3], std::make_pair(std::string("vergegrid_access"), std::string("users")));
    EXPECT_FALSE(at_sender.wait_for_messages(1, 300ms)) << "a backend does not hear itself";

    EXPECT_THROW(sender->publish("bad channel; DROP TABLE regions", {"x"}), api::StorageError);
    EXPECT_THROW(receiver->listen({"bad-channel"}, at_receiver), api::StorageError);

    // The listening session dies: the listener hears of the gap, and then the news again.
    auto direct = harness_->direct();
    *direct << "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = "
               "current_database() AND query LIKE 'LISTEN%' AND pid <> pg_backend_pid()";
    ASSERT_TRUE(at_receiver.wait_for_gaps(2)) << "the broken session was noticed";
    sender->publish("vergegrid_operations", {"after the gap"});
    ASSERT_TRUE(at_receiver.wait_for_messages(5));
    EXPECT_EQ(at_receiver.messages().back().second, "after the gap");

    // The sender's own session dies too: the next publish connects again.
    *direct << "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = "
               "current_database() AND query LIKE '%pg_notify%' AND pid <> pg_backend_pid()";
    sender->publish("vergegrid_operations", {"new session"});
    ASSERT_TRUE(at_receiver.wait_for_messages(6));
    EXPECT_EQ(at_receiver.messages().back().second, "new session");

    receiver->stop_listening();
    sender->stop_listening();
}

}  // namespace
}  // namespace vergegrid::test::storage
