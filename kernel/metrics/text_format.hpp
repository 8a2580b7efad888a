// Pieces of the Prometheus text exposition format 0.0.4 shared by the metric families.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace vergegrid::kernel::metrics::text_format {

// Label values escape backslash, double quote and line feed.
void append_label_value(std::string& out, std::string_view value);

// HELP text escapes backslash and line feed only.
void append_help(std::string& out, std::string_view help);

// Shortest round-trip form ("1", "0.25", "1e+21"), and "+Inf", "-Inf", "NaN" as the format spells
// them.
void append_number(std::string& out, double value);

// `name{a="x",b="y"} value\n`; `extra_name`/`extra_value` add one more label (a histogram's le).
void append_sample(std::string& out, std::string_view name,
                   std::span<const std::string> label_names,
                   std::span<const std::string> label_values, double value,
                   std::string_view extra_name = {}, std::string_view extra_value = {});

bool is_valid_metric_name(std::string_view name);
bool is_valid_label_name(std::string_view name);

}  // namespace vergegrid::kernel::metrics::text_format
