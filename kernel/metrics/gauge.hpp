// Gauges: values that go up and down (connections open, plugins loaded).
#pragma once

#include <atomic>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kernel/metrics/family.hpp"

namespace vergegrid::kernel::metrics {

class Gauge {
  public:
    void set(double value) {
        value_.store(value, std::memory_order_relaxed);
        show();
    }
    void inc(double amount = 1.0) {
        value_.fetch_add(amount, std::memory_order_relaxed);
        show();
    }
    void dec(double amount = 1.0) {
        value_.fetch_sub(amount, std::memory_order_relaxed);
        show();
    }
    double value() const { return value_.load(std::memory_order_relaxed); }

  private:
    friend class GaugeFamily;

    void show() { visible_.store(true, std::memory_order_relaxed); }

    std::atomic<double> value_{0.0};
    // GaugeFamily::clear() hides a series instead of destroying it, so a reference someone
    // still holds never dangles.
    std::atomic<bool> visible_{true};
};

class GaugeFamily final : public Family {
  public:
    GaugeFamily(std::string name, std::string help, std::vector<std::string> label_names);

    // One value per label name, in registration order. The reference stays valid as long as
    // the registry; with() also brings back a series hidden by clear().
    Gauge& with(std::initializer_list<std::string_view> label_values) {
        return with(std::span<const std::string_view>(label_values.begin(), label_values.size()));
    }
    Gauge& with(std::span<const std::string_view> label_values);

    // Hides every series and zeroes it, for collectors that rebuild the whole family on each
    // scrape (series for things that went away must disappear).
    void clear();

    MetricType type() const override { return MetricType::gauge; }

  private:
    void render_samples(std::string& out) const override;

    detail::Children<Gauge> children_;
};

}  // namespace vergegrid::kernel::metrics
