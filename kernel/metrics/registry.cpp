#include "kernel/metrics/registry.hpp"

#include <stdexcept>

namespace vergegrid::kernel::metrics {

namespace {

void throw_clash(const Family& existing, MetricType wanted) {
    throw std::logic_error("metric " + existing.name() + " is already registered as " +
                           std::string(to_string(existing.type())) +
                           (existing.type() == wanted ? " with other labels" : "") +
                           ", cannot register it as " + std::string(to_string(wanted)));
}

}  // namespace

Registry::Registry() = default;
Registry::~Registry() = default;

template <class F, class... Args>
F& Registry::find_or_add(MetricType type, std::string name, Args&&... args) {
    std::lock_guard lock(mutex_);
    for (const auto& family : families_) {
        if (family->name() == name) {
            if (family->type() != type) {
                throw_clash(*family, type);
            }
            return static_cast<F&>(*family);
        }
    }
    auto family = std::make_unique<F>(std::move(name), std::forward<Args>(args)...);
    F& result = *family;
    families_.push_back(std::move(family));
    return result;
}

CounterFamily& Registry::counter(std::string name, std::string help,
                                 std::vector<std::string> label_names) {
    auto& family = find_or_add<CounterFamily>(MetricType::counter, std::move(name), std::move(help),
                                              label_names);
    if (family.label_names() != label_names) {
        throw_clash(family, MetricType::counter);
    }
    return family;
}

GaugeFamily& Registry::gauge(std::string name, std::string help,
                             std::vector<std::string> label_names) {
    auto& family =
        find_or_add<GaugeFamily>(MetricType::gauge, std::move(name), std::move(help), label_names);
    if (family.label_names() != label_names) {
        throw_clash(family, MetricType::gauge);
    }
    return family;
}

HistogramFamily& Registry::histogram(std::string name, std::string help,
                                     std::vector<std::string> label_names,
                                     std::vector<double> upper_bounds) {
    // Built first so that bounds are validated and normalised (+Inf dropped) before comparing.
    HistogramFamily candidate(name, help, label_names, upper_bounds);
    auto& family =
        find_or_add<HistogramFamily>(MetricType::histogram, std::move(name), std::move(help),
                                     label_names, std::move(upper_bounds));
    if (family.label_names() != label_names || family.upper_bounds() != candidate.upper_bounds()) {
        throw_clash(family, MetricType::histogram);
    }
    return family;
}

void Registry::add_collector(std::function<void()> collector) {
    std::lock_guard lock(mutex_);
    collectors_.push_back(std::move(collector));
}

std::string Registry::render() const {
    std::lock_guard render_lock(render_mutex_);
    std::vector<std::function<void()>> collectors;
    std::vector<const Family*> families;
    {
        std::lock_guard lock(mutex_);
        collectors = collectors_;
    }
    // Collectors run without mutex_ held: they may register or look up families.
    bool collector_failed = false;
    for (const auto& collect : collectors) {
        try {
            collect();
        } catch (...) {
            collector_failed = true;
        }
    }
    {
        std::lock_guard lock(mutex_);
        families.reserve(families_.size());
        for (const auto& family : families_) {
            families.push_back(family.get());
        }
    }
    std::string out;
    out.reserve(4096);
    if (collector_failed) {
        // A comment, which scrapers ignore, so the failure is visible without failing the scrape.
        out += "# a metrics collector failed; its metrics may be stale\n";
    }
    for (const Family* family : families) {
        family->render(out);
    }
    return out;
}

}  // namespace vergegrid::kernel::metrics
