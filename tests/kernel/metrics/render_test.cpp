// The exact Prometheus text format 0.0.4 output, since scrapers are unforgiving.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "kernel/metrics/registry.hpp"

namespace {

namespace metrics = vergegrid::kernel::metrics;

TEST(MetricsRender, CounterWithLabels) {
    metrics::Registry registry;
    auto& requests = registry.counter("http_requests_total", "Requests served", {"method", "code"});
    requests.with({"GET", "200"}).inc();
    requests.with({"GET", "200"}).inc(2);
    requests.with({"POST", "201"}).inc(0.5);

    EXPECT_EQ(registry.render(),
              "# HELP http_requests_total Requests served\n"
              "# TYPE http_requests_total counter\n"
              "http_requests_total{method=\"GET\",code=\"200\"} 3\n"
              "http_requests_total{method=\"POST\",code=\"201\"} 0.5\n");
}

TEST(MetricsRender, LabelValuesAndHelpAreEscaped) {
    metrics::Registry registry;
    registry.gauge("files", "Files under C:\\data\nper \"kind\"", {"path"})
        .with({"C:\\dir\\\"quoted\"\nnext"})
        .set(1);

    EXPECT_EQ(registry.render(),
              "# HELP files Files under C:\\\\data\\nper \"kind\"\n"
              "# TYPE files gauge\n"
              "files{path=\"C:\\\\dir\\\\\\\"quoted\\\"\\nnext\"} 1\n");
}

TEST(MetricsRender, GaugeWithoutLabelsAndSpecialValues) {
    metrics::Registry registry;
    auto& connections = registry.gauge("connections", "Open connections").with({});
    connections.set(5);
    connections.inc();
    connections.dec(3);
    auto& odd = registry.gauge("odd", "Special values", {"which"});
    odd.with({"nan"}).set(std::numeric_limits<double>::quiet_NaN());
    odd.with({"pinf"}).set(std::numeric_limits<double>::infinity());
    odd.with({"ninf"}).set(-std::numeric_limits<double>::infinity());
    odd.with({"tiny"}).set(1e-7);

    EXPECT_EQ(registry.render(),
              "# HELP connections Open connections\n"
              "# TYPE connections gauge\n"
              "connections 3\n"
              "# HELP odd Special values\n"
              "# TYPE odd gauge\n"
              "odd{which=\"nan\"} NaN\n"
              "odd{which=\"ninf\"} -Inf\n"
              "odd{which=\"pinf\"} +Inf\n"
              "odd{which=\"tiny\"} 1e-07\n");
}

TEST(MetricsRender, HistogramHasCumulativeBucketsSumAndCount) {
    metrics::Registry registry;
    auto& latency = registry.histogram("latency_seconds", "Latency", {"route"}, {0.1, 0.5, 1});
    auto& health = latency.with({"/healthz"});
    health.observe(0.05);
    health.observe(0.1);  // le is inclusive
    health.observe(0.7);
    health.observe(3);

    EXPECT_EQ(registry.render(),
              "# HELP latency_seconds Latency\n"
              "# TYPE latency_seconds histogram\n"
              "latency_seconds_bucket{route=\"/healthz\",le=\"0.1\"} 2\n"
              "latency_seconds_bucket{route=\"/healthz\",le=\"0.5\"} 2\n"
              "latency_seconds_bucket{route=\"/healthz\",le=\"1\"} 3\n"
              "latency_seconds_bucket{route=\"/healthz\",le=\"+Inf\"} 4\n"
              "latency_seconds_sum{route=\"/healthz\"} 3.85\n"
              "latency_seconds_count{route=\"/healthz\"} 4\n");
}

TEST(MetricsRender, HistogramWithoutLabelsAndNaNObservation) {
    metrics::Registry registry;
    auto& sizes = registry.histogram("sizes", "Sizes", {}, {10});
    sizes.with({}).observe(std::numeric_limits<double>::quiet_NaN());

    EXPECT_EQ(registry.render(),
              "# HELP sizes Sizes\n"
              "# TYPE sizes histogram\n"
              "sizes_bucket{le=\"10\"} 0\n"
              "sizes_bucket{le=\"+Inf\"} 1\n"
              "sizes_sum NaN\n"
              "sizes_count 1\n");
}

TEST(MetricsRender, FamiliesInRegistrationOrderSeriesInLabelOrder) {
    metrics::Registry registry;
    registry.counter("zeta_total", "z", {"k"}).with({"b"}).inc();
    registry.counter("alpha_total", "a").with({}).inc();
    registry.counter("zeta_total", "z", {"k"}).with({"a"}).inc();

    EXPECT_EQ(registry.render(),
              "# HELP zeta_total z\n"
              "# TYPE zeta_total counter\n"
              "zeta_total{k=\"a\"} 1\n"
              "zeta_total{k=\"b\"} 1\n"
              "# HELP alpha_total a\n"
              "# TYPE alpha_total counter\n"
              "alpha_total 1\n");
}

TEST(MetricsRender, FamilyWithoutSeriesRendersOnlyItsHeader) {
    metrics::Registry registry;
    registry.counter("unused_total", "Never incremented", {"x"});
    EXPECT_EQ(registry.render(),
              "# HELP unused_total Never incremented\n"
              "# TYPE unused_total counter\n");
}

}  // namespace
