// Histograms: distributions (request durations) as cumulative buckets plus sum and count.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kernel/metrics/family.hpp"

namespace vergegrid::kernel::metrics {

// Upper bounds in seconds suited to HTTP request latencies (Prometheus' client defaults).
std::vector<double> default_latency_buckets();

class Histogram {
  public:
    // `upper_bounds` belongs to the family and outlives the histogram.
    explicit Histogram(const std::vector<double>& upper_bounds);

    void observe(double value);

    struct Snapshot {
        std::vector<std::uint64_t> cumulative;  // one per upper bound, then the +Inf bucket
        double sum = 0.0;
        std::uint64_t count = 0;
    };
    // Taken under one lock, so buckets, sum and count always agree with each other.
    Snapshot snapshot() const;

  private:
    const std::vector<double>& upper_bounds_;
    mutable std::mutex mutex_;
    std::vector<std::uint64_t> bucket_counts_;  // not cumulative; the last slot is +Inf
    double sum_ = 0.0;
    std::uint64_t count_ = 0;
};

class HistogramFamily final : public Family {
  public:
    // Throws std::invalid_argument unless the bounds are finite and strictly increasing; a
    // trailing +Inf is accepted and dropped (the +Inf bucket is always there).
    HistogramFamily(std::string name, std::string help, std::vector<std::string> label_names,
                    std::vector<double> upper_bounds);

    Histogram& with(std::initializer_list<std::string_view> label_values) {
        return with(std::span<const std::string_view>(label_values.begin(), label_values.size()));
    }
    Histogram& with(std::span<const std::string_view> label_values);

    const std::vector<double>& upper_bounds() const { return upper_bounds_; }
    MetricType type() const override { return MetricType::histogram; }

  private:
    void render_samples(std::string& out) const override;

    std::vector<double> upper_bounds_;
    std::vector<std::string> le_values_;  // formatted once, not per scrape
    std::string bucket_name_, sum_name_, count_name_;
    detail::Children<Histogram> children_;
};

}  // namespace vergegrid::kernel::metrics
