// Group commit over real SQLite storage: concurrent commands share a transaction, one that fails
// rolls back alone, nested commands run inline, after-commit hooks run only after the COMMIT, and
// a COMMIT that fails fails (or, when the database says retry, re-runs) every request of it.
#include "control/domain/group_commit.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <latch>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "control/domain/group_commit_metrics.hpp"
#include "control/domain/store.hpp"
#include "sqlite_backend.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_logger.hpp"

namespace vergegrid::test {
namespace {

using namespace std::chrono_literals;

plugin_api::Estate estate(const std::string& name) {
    return {"id-" + name, name, "owner", "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z"};
}

class GroupCommitTest : public ::testing::Test {
  protected:
    void SetUp() override {
        plugins::sqlite::SqliteConfig config;
        config.path = dir_.path() / "group.db";
        config.pool_size = 8;
        auto backend = std::make_shared<plugins::sqlite::SqliteBackend>(
            config, std::make_shared<SilentLogger>());
        backend->open();
        slot_.swap(backend);
    }
    void TearDown() override { slot_.swap(nullptr); }

    control::Store store(std::shared_ptr<control::GroupCommit> group) {
        return control::Store(slot_, {}, std::move(group));
    }

    // Names of the committed estates, read in a transaction of its own.
    std::set<std::string> estates() {
        return store(nullptr).read([](plugin_api::StorageTransaction& tx) {
            std::set<std::string> names;
            for (const auto& e : tx.list_estates("", 1000)) {
                names.insert(e.name);
            }
            return names;
        });
    }

    // Runs `requests` commands at once on as many threads. The first one holds the writer until
    // every other one has queued behind it, so the rest share the second COMMIT.
    template <typename Each>
    void concurrently(const control::Store& s, const control::GroupCommit& group, int requests,
                      Each each) {
        std::latch started(requests);
        std::vector<std::thread> threads;
        threads.emplace_back([&] {
            s.command({"t0", ""}, [&](control::Changes&) {
                started.count_down();
                const auto deadline = std::chrono::steady_clock::now() + 30s;
                while (group.queued() < static_cast<std::size_t>(requests) &&
                       std::chrono::steady_clock::now() < deadline) {
                    std::this_thread::sleep_for(1ms);
                }
            });
        });
        for (int i = 1; i < requests; ++i) {
            threads.emplace_back([&, i] {
                started.count_down();
                started.wait();
                each(i);
            });
        }
        for (auto& t : threads) {
            t.join();
        }
    }

    TempDir dir_;
    kernel::services::ActiveSlot<plugin_api::StorageBackend> slot_;
};

// GET /metrics shows the batch size a load gets: requests over batches.
TEST_F(GroupCommitTest, MetricsCountTheBatchesAndTheRequestsTheyCarried) {
    kernel::metrics::Registry registry;
    auto group = std::make_shared<control::GroupCommit>(slot_);
    control::collect_group_commit(registry, group);
    const auto s = store(group);
    constexpr int kRequests = 5;
    concurrently(s, *group, kRequests, [&](int i) {
        s.command({"t" + std::to_string(i), ""}, [&](control::Changes& c) {
            c.tx().insert_estate(estate("m" + std::to_string(i)));
        });
    });
    const auto metrics = registry.render();
    EXPECT_NE(metrics.find("vergegrid_group_commit_batches_total 2\n"), std::string::npos)
        << metrics;
    EXPECT_NE(metrics.find("vergegrid_group_commit_requests_total 5\n"), std::string::npos)
        << metrics;
    group.reset();
    EXPECT_NE(registry.render().find("vergegrid_group_commit_requests_total 5\n"),
              std::string::npos)
        << "the last values stay once the group is gone";
}

TEST_F(GroupCommitTest, ALoneRequestCommitsInItsOwnTransaction) {
    auto group = std::make_shared<control::GroupCommit>(slot_);
    const auto s = store(group);
    for (int i = 0; i < 3; ++i) {
        s.command({"alice", ""}, [&](control::Changes& c) {
            c.tx().insert_estate(estate("lone" + std::to_string(i)));
        });
    }
    EXPECT_EQ(group->batches(), 3u);
    EXPECT_EQ(group->largest_batch(), 1u);
    EXPECT_EQ(estates().size(), 3u);
}

// While requests wait, their batches run on the committer's thread, one after the other: no
// caller is woken to lead the next batch (docs/group-commit.md). A request into a database that
// has been quiet runs on its own thread, with no hand-over.
TEST_F(GroupCommitTest, WaitingRequestsRunOnTheCommittersThreadAndALoneOneOnItsOwn) {
    auto group = std::make_shared<control::GroupCommit>(slot_);
    const auto s = store(group);
    std::mutex mutex;
    std::map<std::string, std::thread::id> ran_on;
    std::set<std::thread::id> callers;
    const auto command = [&](const std::string& name) {
        {
            const std::lock_guard lock(mutex);
            callers.insert(std::this_thread::get_id());
        }
        s.command({"alice", ""}, [&](control::Changes& c) {
            {
                const std::lock_guard lock(mutex);
                ran_on[name] = std::this_thread::get_id();
            }
            c.tx().insert_estate(estate(name));
        });
    };
    // The first one holds its batch until the others have queued behind it.
    concurrently(s, *group, 6, [&](int i) { command("together" + std::to_string(i)); });
    std::set<std::thread::id> committers;
    for (int i = 1; i < 6; ++i) {
        committers.insert(ran_on.at("together" + std::to_string(i)));
    }
    ASSERT_EQ(committers.size(), 1u) << "the waiting requests ran on one thread";
    EXPECT_EQ(callers.count(*committers.begin()), 0u) << "and it is no caller's";

    std::this_thread::sleep_for(control::GroupCommit::kQuietBeforeLeading +
                                std::chrono::milliseconds(5));
    command("alone");
    EXPECT_EQ(ran_on.at("alone"), std::this_thread::get_id());
    EXPECT_EQ(estates().size(), 6u);
}

TEST_F(GroupCommitTest, ConcurrentCommandsShareOneCommitAndAFailingOneRollsBackAlone) {
    auto group = std::make_shared<control::GroupCommit>(slot_);
    const auto s = store(group);
    std::mutex mutex;
    std::vector<std::string> rolled_back;
    std::vector<std::string> failed;
    std::atomic<int> committed_hooks{0};
    constexpr int kRequests = 9;
    concurrently(s, *group, kRequests, [&](int i) {
        const std::string name = "e" + std::to_string(i);
        try {
            s.command({"alice", ""}, [&](control::Changes& c) {
                c.tx().insert_estate(estate(name));
                c.on_rollback([&, name] {
                    const std::lock_guard lock(mutex);
                    rolled_back.push_back(name);
                });
                c.after_commit([&] { ++committed_hooks; });
                if (i == 3) {
                    throw control::DomainError(control::Fault::invalid_input, "bad", "no", "x");
                }
                if (i == 5) {  // a database error inside the batch: the same id again
                    c.tx().insert_estate(estate(name));
                }
            });
        } catch (const control::DomainError& e) {
            const std::lock_guard lock(mutex);
            failed.push_back(name + ":" + e.code());
        }
    });
    EXPECT_EQ(group->largest_batch(), static_cast<std::size_t>(kRequests - 1))
        << "every request queued behind the first shares the second COMMIT";
    EXPECT_EQ(group->batches(), 2u);
    std::sort(failed.begin(), failed.end());
    EXPECT_EQ(failed, (std::vector<std::string>{"e3:bad", "e5:conflict"}));
    std::sort(rolled_back.begin(), rolled_back.end());
    EXPECT_EQ(rolled_back, (std::vector<std::string>{"e3", "e5"}));
    EXPECT_EQ(committed_hooks.load(), kRequests - 3);
    EXPECT_EQ(estates(), (std::set<std::string>{"e1", "e2", "e4", "e6", "e7", "e8"}));
}

TEST_F(GroupCommitTest, AfterCommitHooksRunOnlyOnceTheSharedCommitIsDone) {
    auto group = std::make_shared<control::GroupCommit>(slot_);
    const auto s = store(group);
    std::atomic<int> seen_committed{0};
    std::atomic<int> seen_uncommitted{0};
    concurrently(s, *group, 6, [&](int i) {
        const std::string name = "h" + std::to_string(i);
        s.command({"alice", ""}, [&](control::Changes& c) {
            c.tx().insert_estate(estate(name));
            c.after_commit([&, name] {
                // A read transaction of its own sees only committed rows.
                (estates().count(name) ? seen_committed : seen_uncommitted)++;
            });
        });
    });
    EXPECT_EQ(group->largest_batch(), 5u);
    EXPECT_EQ(seen_committed.load(), 5);
    EXPECT_EQ(seen_uncommitted.load(), 0);
}

TEST_F(GroupCommitTest, ANestedCommandRunsInlineInASavepointOfTheSameTransaction) {
    auto group = std::make_shared<control::GroupCommit>(slot_);
    const auto s = store(group);
    std::vector<std::string> order;
    std::vector<std::string> undone;
    s.command({"alice", ""}, [&](control::Changes& c) {
        c.tx().insert_estate(estate("outer"));
        s.command({"alice", ""}, [&](control::Changes& inner) {
            inner.tx().insert_estate(estate("inner-kept"));
            inner.after_commit([&] { order.push_back("inner hook"); });
        });
        try {
            s.command({"alice", ""}, [&](control::Changes& inner) {
                inner.tx().insert_estate(estate("inner-failed"));
                inner.on_rollback([&] { undone.push_back("inner-failed"); });
                inner.after_commit([&] { order.push_back("failed hook"); });
                throw control::DomainError(control::Fault::conflict, "nested", "refused");
            });
        } catch (const control::DomainError&) {
            order.push_back("caught");
        }
        s.write([](plugin_api::StorageTransaction& tx) { tx.insert_estate(estate("written")); });
        order.push_back("outer done");
    });
    EXPECT_EQ(order, (std::vector<std::string>{"caught", "outer done", "inner hook"}));
    EXPECT_EQ(undone, std::vector<std::string>{"inner-failed"});
    EXPECT_EQ(estates(), (std::set<std::string>{"outer", "inner-kept", "written"}));
    EXPECT_EQ(group->batches(), 1u) << "the nested ones were not queued";
}

TEST_F(GroupCommitTest, ANestedCommandsRowsGoWhenItsEnclosingCommandFails) {
    auto group = std::make_shared<control::GroupCommit>(slot_);
    const auto s = store(group);
    std::vector<std::string> undone;
    EXPECT_THROW(s.command({"alice", ""},
                           [&](control::Changes& c) {
                               c.on_rollback([&] { undone.push_back("outer"); });
                               s.command({"alice", ""}, [&](control::Changes& inner) {
                                   inner.tx().insert_estate(estate("inner"));
                                   inner.on_rollback([&] { undone.push_back("inner"); });
                               });
                               throw control::DomainError(control::Fault::conflict, "late", "no");
                           }),
                 control::DomainError);
    EXPECT_EQ(undone, (std::vector<std::string>{"inner", "outer"})) << "newest first";
    EXPECT_TRUE(estates().empty());
}

TEST_F(GroupCommitTest, AFailedSharedCommitFailsEveryRequestOfTheBatch) {
    std::atomic<bool> fail{true};
    control::GroupCommit::Options options;
    options.before_shared_commit = [&] {
        if (fail.exchange(false)) {
            throw plugin_api::StorageError("disk I/O error");
        }
    };
    auto group = std::make_shared<control::GroupCommit>(slot_, options);
    const auto s = store(group);
    std::atomic<int> errors{0};
    std::atomic<int> rollbacks{0};
    std::atomic<int> hooks{0};
    concurrently(s, *group, 5, [&](int i) {
        try {
            s.command({"alice", ""}, [&](control::Changes& c) {
                c.tx().insert_estate(estate("f" + std::to_string(i)));
                c.on_rollback([&] { ++rollbacks; });
                c.after_commit([&] { ++hooks; });
            });
        } catch (const plugin_api::StorageError&) {
            ++errors;
        }
    });
    EXPECT_EQ(group->largest_batch(), 4u);
    EXPECT_EQ(errors.load(), 4);
    EXPECT_EQ(rollbacks.load(), 4);
    EXPECT_EQ(hooks.load(), 0);
    EXPECT_TRUE(estates().empty());
}

TEST_F(GroupCommitTest, ABusySharedCommitRunsEachRequestAgainAlone) {
    std::atomic<bool> busy{true};
    control::GroupCommit::Options options;
    options.before_shared_commit = [&] {
        if (busy.exchange(false)) {
            throw plugin_api::StorageBusy("serialization failure");
        }
    };
    auto group = std::make_shared<control::GroupCommit>(slot_, options);
    const auto s = store(group);
    std::atomic<int> runs{0};
    std::atomic<int> rollbacks{0};
    std::atomic<int> hooks{0};
    concurrently(s, *group, 5, [&](int i) {
        s.command({"alice", ""}, [&](control::Changes& c) {
            ++runs;
            c.tx().insert_estate(estate("b" + std::to_string(i)));
            c.on_rollback([&] { ++rollbacks; });
            c.after_commit([&] { ++hooks; });
        });
    });
    EXPECT_EQ(runs.load(), 8) << "once in the batch, once alone";
    EXPECT_EQ(rollbacks.load(), 4);
    EXPECT_EQ(hooks.load(), 4);
    EXPECT_EQ(estates(), (std::set<std::string>{"b1", "b2", "b3", "b4"}));
}

TEST_F(GroupCommitTest, WritesReturnTheirValueThroughTheBatch) {
    auto group = std::make_shared<control::GroupCommit>(slot_);
    const auto s = store(group);
    const auto count = s.write([](plugin_api::StorageTransaction& tx) {
        tx.insert_estate(estate("w"));
        return static_cast<int>(tx.list_estates("", 10).size());
    });
    EXPECT_EQ(count, 1);
    const auto committed = s.command({"alice", ""}, [](control::Changes& c) {
        c.record({"estate.create", "estate", "id-w", nullptr, nullptr});
        return std::string("value");
    });
    EXPECT_EQ(committed.value, "value");
    ASSERT_EQ(committed.events.size(), 1u);
    EXPECT_EQ(committed.events[0].type, "estate.create");
}

TEST_F(GroupCommitTest, ARequestQueuedBehindAStuckBatchGivesUpAfterTheQueueTimeoutUnrun) {
    control::GroupCommit::Options options;
    options.queue_timeout = 200ms;
    auto group = std::make_shared<control::GroupCommit>(slot_, options);
    const auto s = store(group);
    std::atomic<bool> release{false};
    std::atomic<bool> holding{false};
    std::thread stuck([&] {
        s.command({"t0", ""}, [&](control::Changes& c) {
            c.tx().insert_estate(estate("slow"));
            holding = true;
            // Let go after 5 s whatever happens, so that a committer without the timeout
            // fails this test instead of hanging it.
            const auto give_up = std::chrono::steady_clock::now() + 5s;
            while (!release && std::chrono::steady_clock::now() < give_up) {
                std::this_thread::sleep_for(1ms);
            }
        });
    });
    while (!holding) {
        std::this_thread::sleep_for(1ms);
    }
    bool ran = false;
    const auto asked = std::chrono::steady_clock::now();
    try {
        s.command({"alice", ""}, [&](control::Changes& c) {
            ran = true;
            c.tx().insert_estate(estate("queued"));
        });
        ADD_FAILURE() << "the queued request was run behind a batch that never ended";
    } catch (const control::DomainError& e) {
        EXPECT_EQ(e.code(), "storage_busy");
    }
    EXPECT_GE(std::chrono::steady_clock::now() - asked, 200ms);
    EXPECT_FALSE(ran);
    EXPECT_EQ(group->queued(), 1u) << "only the stuck batch is left in the queue";
    release = true;
    stuck.join();
    // The queue goes on as before.
    s.command({"alice", ""}, [&](control::Changes& c) { c.tx().insert_estate(estate("after")); });
    EXPECT_EQ(estates(), (std::set<std::string>{"slow", "after"}));
    EXPECT_EQ(group->queued(), 0u);
}

TEST_F(GroupCommitTest, ManyThreadsManyCommandsAllCommitExactlyOnce) {
    auto group = std::make_shared<control::GroupCommit>(slot_);
    const auto s = store(group);
    constexpr int kThreads = 8;
    constexpr int kEach = 40;
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < kEach; ++i) {
                s.command({"alice", ""}, [&](control::Changes& c) {
                    c.tx().insert_estate(estate("m" + std::to_string(t) + "-" + std::to_string(i)));
                });
            }
        });
    }
    for (auto& t : threads) {
        t.join();
    }
    EXPECT_EQ(estates().size(), static_cast<std::size_t>(kThreads * kEach));
    EXPECT_EQ(group->requests(), static_cast<std::uint64_t>(kThreads * kEach));
}

}  // namespace
}  // namespace vergegrid::test
