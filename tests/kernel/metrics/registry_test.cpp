// The registry's contract: idempotent registration, clashes rejected, collectors at scrape time,
// thread safety.
#include <gtest/gtest.h>

#include <limits>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "kernel/metrics/registry.hpp"

namespace {

namespace metrics = vergegrid::kernel::metrics;

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

TEST(MetricsRegistry, SameNameAndTypeReturnsTheSameFamily) {
    metrics::Registry registry;
    auto& first = registry.counter("jobs_total", "Jobs", {"kind"});
    auto& second = registry.counter("jobs_total", "Jobs", {"kind"});
    EXPECT_EQ(&first, &second);
    auto& h1 = registry.histogram("h", "H", {}, {1, 2});
    auto& h2 = registry.histogram("h", "H", {}, {1, 2, std::numeric_limits<double>::infinity()});
    EXPECT_EQ(&h1, &h2);
}

TEST(MetricsRegistry, TypeClashThrowsLogicError) {
    metrics::Registry registry;
    registry.counter("things", "Things");
    EXPECT_THROW(registry.gauge("things", "Things"), std::logic_error);
    EXPECT_THROW(registry.histogram("things", "Things", {}), std::logic_error);
}

TEST(MetricsRegistry, SameTypeWithOtherLabelsOrBucketsThrowsLogicError) {
    metrics::Registry registry;
    registry.counter("things_total", "Things", {"a"});
    EXPECT_THROW(registry.counter("things_total", "Things", {"b"}), std::logic_error);
    registry.histogram("durations", "D", {}, {1, 2});
    EXPECT_THROW(registry.histogram("durations", "D", {}, {1, 3}), std::logic_error);
}

TEST(MetricsRegistry, InvalidNamesAreRejected) {
    metrics::Registry registry;
    EXPECT_THROW(registry.counter("1bad", "x"), std::invalid_argument);
    EXPECT_THROW(registry.counter("bad-name", "x"), std::invalid_argument);
    EXPECT_THROW(registry.counter("ok", "x", {"__reserved"}), std::invalid_argument);
    EXPECT_THROW(registry.counter("ok", "x", {"a", "a"}), std::invalid_argument);
    EXPECT_THROW(registry.counter("ok", "x", {"has:colon"}), std::invalid_argument);
    EXPECT_THROW(registry.histogram("lat", "x", {"le"}), std::invalid_argument);
    EXPECT_THROW(registry.histogram("lat", "x", {}, {2, 1}), std::invalid_argument);
    EXPECT_NO_THROW(registry.counter("name_space:sub_total", "x", {"_ok1"}));
}

TEST(MetricsRegistry, WrongLabelCountThrows) {
    metrics::Registry registry;
    auto& family = registry.counter("pairs_total", "Pairs", {"a", "b"});
    EXPECT_THROW(family.with({"only-one"}), std::invalid_argument);
    EXPECT_THROW(family.with({"1", "2", "3"}), std::invalid_argument);
}

TEST(MetricsRegistry, CounterCannotDecrease) {
    metrics::Registry registry;
    auto& counter = registry.counter("c_total", "C").with({});
    EXPECT_THROW(counter.inc(-1), std::invalid_argument);
    EXPECT_THROW(counter.inc(std::numeric_limits<double>::quiet_NaN()), std::invalid_argument);
    EXPECT_EQ(counter.value(), 0);
}

TEST(MetricsRegistry, CollectorRunsOnEveryRenderAndClearDropsStaleSeries) {
    metrics::Registry registry;
    auto& plugins = registry.gauge("vergegrid_plugins", "Plugins", {"kind", "name", "status"});
    std::vector<std::string> loaded = {"sqlite", "postgres"};
    int runs = 0;
    registry.add_collector([&] {
        ++runs;
        plugins.clear();
        for (const auto& name : loaded) {
            plugins.with({"storage", name, "loaded"}).set(1);
        }
    });

    const auto first = registry.render();
    EXPECT_TRUE(contains(
        first, "vergegrid_plugins{kind=\"storage\",name=\"sqlite\",status=\"loaded\"} 1\n"));
    EXPECT_TRUE(contains(
        first, "vergegrid_plugins{kind=\"storage\",name=\"postgres\",status=\"loaded\"} 1\n"));

    loaded = {"sqlite"};
    const auto second = registry.render();
    EXPECT_TRUE(contains(second, "name=\"sqlite\""));
    EXPECT_FALSE(contains(second, "name=\"postgres\""));
    EXPECT_EQ(runs, 2);
}

TEST(MetricsRegistry, ReferencesSurviveClear) {
    metrics::Registry registry;
    auto& family = registry.gauge("g", "G", {"k"});
    auto& held = family.with({"x"});
    held.set(4);
    family.clear();
    EXPECT_FALSE(contains(registry.render(), "g{k=\"x\"}"));
    held.set(7);  // still a valid object; setting it shows the series again
    EXPECT_TRUE(contains(registry.render(), "g{k=\"x\"} 7\n"));
}

TEST(MetricsRegistry, ThrowingCollectorDoesNotBreakTheScrape) {
    metrics::Registry registry;
    registry.counter("kept_total", "Kept").with({}).inc();
    registry.add_collector([] { throw std::runtime_error("plugin registry unavailable"); });

    const auto text = registry.render();
    EXPECT_TRUE(contains(text, "kept_total 1\n"));
    EXPECT_TRUE(contains(text, "# a metrics collector failed"));
    EXPECT_FALSE(contains(text, "plugin registry unavailable"));
}

TEST(MetricsRegistry, ConcurrentUpdatesAndRendersAreConsistent) {
    metrics::Registry registry;
    auto& counter = registry.counter("hits_total", "Hits", {"worker"});
    auto& histogram = registry.histogram("work_seconds", "Work", {}, {0.5});
    constexpr int kThreads = 4;
    constexpr int kIterations = 5000;
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            const std::string worker = t % 2 == 0 ? "even" : "odd";
            for (int i = 0; i < kIterations; ++i) {
                counter.with({worker}).inc();
                histogram.with({}).observe(i % 2 == 0 ? 0.25 : 1.0);
            }
        });
    }
    threads.emplace_back([&] {
        for (int i = 0; i < 50; ++i) {
            (void)registry.render();
        }
    });
    for (auto& thread : threads) {
        thread.join();
    }
    EXPECT_EQ(counter.with({"even"}).value(), 2 * kIterations);
    EXPECT_EQ(counter.with({"odd"}).value(), 2 * kIterations);
    const auto text = registry.render();
    EXPECT_TRUE(contains(text, "work_seconds_bucket{le=\"0.5\"} 10000\n"));
    EXPECT_TRUE(contains(text, "work_seconds_count 20000\n"));
}

}  // namespace
