// The process' metrics, rendered for Prometheus on GET /metrics (text format 0.0.4).
// Debian 12 ships no Prometheus client library, hence this small one.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "kernel/metrics/counter.hpp"
#include "kernel/metrics/gauge.hpp"
#include "kernel/metrics/histogram.hpp"

namespace vergegrid::kernel::metrics {

class Registry {
  public:
    Registry();
    ~Registry();
    Registry(const Registry&) = delete;
    Registry& operator=(const Registry&) = delete;

    // Registering a name again returns the existing family when type, label names (and buckets)
    // match, and throws std::logic_error otherwise. Invalid names throw std::invalid_argument.
    // Families live as long as the registry.
    CounterFamily& counter(std::string name, std::string help,
                           std::vector<std::string> label_names = {});
    GaugeFamily& gauge(std::string name, std::string help,
                       std::vector<std::string> label_names = {});
    HistogramFamily& histogram(std::string name, std::string help,
                               std::vector<std::string> label_names,
                               std::vector<double> upper_bounds = default_latency_buckets());

    // Called at the start of every render(), one render at a time, to compute values that are
    // cheaper to read on scrape than to keep up to date (e.g. plugin states). A collector that
    // throws is skipped for that scrape; the other metrics are still rendered.
    void add_collector(std::function<void()> collector);

    // Families in registration order, series in label-value order.
    std::string render() const;

  private:
    template <class F, class... Args>
    F& find_or_add(MetricType type, std::string name, Args&&... args);

    mutable std::mutex mutex_;  // guards families_ and collectors_
    std::vector<std::unique_ptr<Family>> families_;
    std::vector<std::function<void()>> collectors_;
    // Held for a whole render, so one scrape's collectors never interleave with another's.
    mutable std::mutex render_mutex_;
};

}  // namespace vergegrid::kernel::metrics
