#include "kernel/metrics/gauge.hpp"

#include "kernel/metrics/text_format.hpp"

namespace vergegrid::kernel::metrics {

GaugeFamily::GaugeFamily(std::string name, std::string help, std::vector<std::string> label_names)
    : Family(std::move(name), std::move(help), std::move(label_names)) {}

Gauge& GaugeFamily::with(std::span<const std::string_view> label_values) {
    check_arity(label_values.size());
    Gauge& gauge = children_.find_or_add(label_values);
    gauge.show();
    return gauge;
}

void GaugeFamily::clear() {
    children_.for_each_mutable([](const std::vector<std::string>&, Gauge& gauge) {
        gauge.visible_.store(false, std::memory_order_relaxed);
        gauge.value_.store(0.0, std::memory_order_relaxed);
    });
}

void GaugeFamily::render_samples(std::string& out) const {
    children_.for_each([&](const std::vector<std::string>& values, const Gauge& gauge) {
        if (gauge.visible_.load(std::memory_order_relaxed)) {
            text_format::append_sample(out, name(), label_names(), values, gauge.value());
        }
    });
}

}  // namespace vergegrid::kernel::metrics
