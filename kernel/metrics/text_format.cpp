#include "kernel/metrics/text_format.hpp"

#include <array>
#include <charconv>
#include <cmath>

namespace vergegrid::kernel::metrics::text_format {

namespace {

bool is_alpha_or_underscore(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

}  // namespace

void append_label_value(std::string& out, std::string_view value) {
    for (const char c : value) {
        switch (c) {
            case '\\':
                out += "\\\\";
                break;
            case '"':
                out += "\\\"";
                break;
            case '\n':
                out += "\\n";
                break;
            default:
                out += c;
        }
    }
}

void append_help(std::string& out, std::string_view help) {
    for (const char c : help) {
        switch (c) {
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            default:
                out += c;
        }
    }
}

void append_number(std::string& out, double value) {
    if (std::isnan(value)) {
        out += "NaN";
        return;
    }
    if (std::isinf(value)) {
        out += value > 0 ? "+Inf" : "-Inf";
        return;
    }
    std::array<char, 32> buffer{};
    const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
    out.append(buffer.data(), result.ptr);
}

void append_sample(std::string& out, std::string_view name,
                   std::span<const std::string> label_names,
                   std::span<const std::string> label_values, double value,
                   std::string_view extra_name, std::string_view extra_value) {
    out += name;
    const bool has_labels = !label_names.empty() || !extra_name.empty();
    if (has_labels) {
        out += '{';
        bool first = true;
        for (std::size_t i = 0; i < label_names.size(); ++i) {
            if (!first) {
                out += ',';
            }
            first = false;
            out += label_names[i];
            out += "=\"";
            append_label_value(out, label_values[i]);
            out += '"';
        }
        if (!extra_name.empty()) {
            if (!first) {
                out += ',';
            }
            out += extra_name;
            out += "=\"";
            append_label_value(out, extra_value);
            out += '"';
        }
        out += '}';
    }
    out += ' ';
    append_number(out, value);
    out += '\n';
}

bool is_valid_metric_name(std::string_view name) {
    if (name.empty() || !(is_alpha_or_underscore(name.front()) || name.front() == ':')) {
        return false;
    }
    for (const char c : name) {
        if (!(is_alpha_or_underscore(c) || is_digit(c) || c == ':')) {
            return false;
        }
    }
    return true;
}

bool is_valid_label_name(std::string_view name) {
    // Names starting with "__" are reserved for Prometheus' own use.
    if (name.empty() || !is_alpha_or_underscore(name.front()) || name.starts_with("__")) {
        return false;
    }
    for (const char c : name) {
        if (!(is_alpha_or_underscore(c) || is_digit(c))) {
            return false;
        }
    }
    return true;
}

}  // namespace vergegrid::kernel::metrics::text_format
