#include "kernel/metrics/family.hpp"

#include <stdexcept>

#include "kernel/metrics/text_format.hpp"

namespace vergegrid::kernel::metrics {

std::string_view to_string(MetricType type) {
    switch (type) {
        case MetricType::counter:
            return "counter";
        case MetricType::gauge:
            return "gauge";
        case MetricType::histogram:
            return "histogram";
    }
    return "untyped";
}

Family::Family(std::string name, std::string help, std::vector<std::string> label_names)
    : name_(std::move(name)), help_(std::move(help)), label_names_(std::move(label_names)) {
    if (!text_format::is_valid_metric_name(name_)) {
        throw std::invalid_argument("invalid metric name '" + name_ + "'");
    }
    for (std::size_t i = 0; i < label_names_.size(); ++i) {
        if (!text_format::is_valid_label_name(label_names_[i])) {
            throw std::invalid_argument("metric " + name_ + ": invalid label name '" +
                                        label_names_[i] + "'");
        }
        for (std::size_t j = 0; j < i; ++j) {
            if (label_names_[j] == label_names_[i]) {
                throw std::invalid_argument("metric " + name_ + ": duplicate label name '" +
                                            label_names_[i] + "'");
            }
        }
    }
}

void Family::check_arity(std::size_t value_count) const {
    if (value_count != label_names_.size()) {
        throw std::invalid_argument("metric " + name_ + " takes " +
                                    std::to_string(label_names_.size()) + " label values, got " +
                                    std::to_string(value_count));
    }
}

void Family::render(std::string& out) const {
    out += "# HELP ";
    out += name_;
    out += ' ';
    text_format::append_help(out, help_);
    out += "\n# TYPE ";
    out += name_;
    out += ' ';
    out += to_string(type());
    out += '\n';
    render_samples(out);
}

}  // namespace vergegrid::kernel::metrics
