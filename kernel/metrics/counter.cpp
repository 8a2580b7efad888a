#include "kernel/metrics/counter.hpp"

#include <cmath>
#include <stdexcept>

#include "kernel/metrics/text_format.hpp"

namespace vergegrid::kernel::metrics {

void Counter::inc(double amount) {
    if (!(amount >= 0.0)) {
        throw std::invalid_argument("a counter can only increase");
    }
    value_.fetch_add(amount, std::memory_order_relaxed);
}

CounterFamily::CounterFamily(std::string name, std::string help,
                             std::vector<std::string> label_names)
    : Family(std::move(name), std::move(help), std::move(label_names)) {}

Counter& CounterFamily::with(std::span<const std::string_view> label_values) {
    check_arity(label_values.size());
    return children_.find_or_add(label_values);
}

void CounterFamily::render_samples(std::string& out) const {
    children_.for_each([&](const std::vector<std::string>& values, const Counter& counter) {
        text_format::append_sample(out, name(), label_names(), values, counter.value());
    });
}

}  // namespace vergegrid::kernel::metrics
