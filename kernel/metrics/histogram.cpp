#include "kernel/metrics/histogram.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "kernel/metrics/text_format.hpp"

namespace vergegrid::kernel::metrics {

std::vector<double> default_latency_buckets() {
    return {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0};
}

Histogram::Histogram(const std::vector<double>& upper_bounds)
    : upper_bounds_(upper_bounds), bucket_counts_(upper_bounds.size() + 1, 0) {}

void Histogram::observe(double value) {
    // le means "less than or equal", hence lower_bound. NaN compares false with everything,
    // so it would land in the first bucket: it belongs in +Inf only.
    const std::size_t bucket =
        std::isnan(value) ? upper_bounds_.size()
                          : static_cast<std::size_t>(std::lower_bound(upper_bounds_.begin(),
                                                                      upper_bounds_.end(), value) -
                                                     upper_bounds_.begin());
    std::lock_guard lock(mutex_);
    ++bucket_counts_[bucket];
    sum_ += value;
    ++count_;
}

Histogram::Snapshot Histogram::snapshot() const {
    Snapshot snapshot;
    snapshot.cumulative.reserve(bucket_counts_.size());
    std::lock_guard lock(mutex_);
    std::uint64_t running = 0;
    for (const auto n : bucket_counts_) {
        running += n;
        snapshot.cumulative.push_back(running);
    }
    snapshot.sum = sum_;
    snapshot.count = count_;
    return snapshot;
}

HistogramFamily::HistogramFamily(std::string name, std::string help,
                                 std::vector<std::string> label_names,
                                 std::vector<double> upper_bounds)
    : Family(std::move(name), std::move(help), std::move(label_names)),
      upper_bounds_(std::move(upper_bounds)),
      bucket_name_(this->name() + "_bucket"),
      sum_name_(this->name() + "_sum"),
      count_name_(this->name() + "_count") {
    for (const auto& label : this->label_names()) {
        if (label == "le") {
            throw std::invalid_argument("histogram " + this->name() +
                                        ": the label name 'le' is reserved");
        }
    }
    if (!upper_bounds_.empty() && std::isinf(upper_bounds_.back()) && upper_bounds_.back() > 0) {
        upper_bounds_.pop_back();
    }
    for (std::size_t i = 0; i < upper_bounds_.size(); ++i) {
        if (!std::isfinite(upper_bounds_[i]) ||
            (i > 0 && upper_bounds_[i] <= upper_bounds_[i - 1])) {
            throw std::invalid_argument("histogram " + this->name() +
                                        ": bucket bounds must be finite and strictly increasing");
        }
    }
    le_values_.reserve(upper_bounds_.size() + 1);
    for (const double bound : upper_bounds_) {
        std::string le;
        text_format::append_number(le, bound);
        le_values_.push_back(std::move(le));
    }
    le_values_.emplace_back("+Inf");
}

Histogram& HistogramFamily::with(std::span<const std::string_view> label_values) {
    check_arity(label_values.size());
    return children_.find_or_add(label_values, upper_bounds_);
}

void HistogramFamily::render_samples(std::string& out) const {
    children_.for_each([&](const std::vector<std::string>& values, const Histogram& histogram) {
        const auto snapshot = histogram.snapshot();
        for (std::size_t i = 0; i < snapshot.cumulative.size(); ++i) {
            text_format::append_sample(out, bucket_name_, label_names(), values,
                                       static_cast<double>(snapshot.cumulative[i]), "le",
                                       le_values_[i]);
        }
        text_format::append_sample(out, sum_name_, label_names(), values, snapshot.sum);
        text_format::append_sample(out, count_name_, label_names(), values,
                                   static_cast<double>(snapshot.count));
    });
}

}  // namespace vergegrid::kernel::metrics
