// Counters: values that only go up (requests served, errors seen).
#pragma once

#include <atomic>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kernel/metrics/family.hpp"

namespace vergegrid::kernel::metrics {

class Counter {
  public:
    // Throws std::invalid_argument for a negative or NaN amount: a counter that goes down
    // would read as a process restart to Prometheus' rate().
    void inc(double amount = 1.0);
    double value() const { return value_.load(std::memory_order_relaxed); }

  private:
    std::atomic<double> value_{0.0};
};

class CounterFamily final : public Family {
  public:
    CounterFamily(std::string name, std::string help, std::vector<std::string> label_names);

    // One value per label name, in the order the names were registered. The reference stays
    // valid as long as the registry.
    Counter& with(std::initializer_list<std::string_view> label_values) {
        return with(std::span<const std::string_view>(label_values.begin(), label_values.size()));
    }
    Counter& with(std::span<const std::string_view> label_values);

    MetricType type() const override { return MetricType::counter; }

  private:
    void render_samples(std::string& out) const override;

    detail::Children<Counter> children_;
};

}  // namespace vergegrid::kernel::metrics
