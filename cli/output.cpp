#include "cli/output.hpp"

#include <algorithm>

#include "cli/yaml_text.hpp"

namespace vergegrid::cli {

namespace {

constexpr std::size_t kColumnGap = 2;

std::string printable(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        out += (byte < 0x20 || byte == 0x7f) ? '?' : c;
    }
    return out;
}

// Display width, counting UTF-8 code points (continuation bytes are not counted).
std::size_t width(std::string_view text) {
    return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    }));
}

void pad(std::ostream& out, std::string_view text, std::size_t to) {
    out << text;
    for (std::size_t n = width(text); n < to; ++n) {
        out << ' ';
    }
}

std::string dump(const Json& value) {
    return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

void flatten_into(const Json& object, const std::string& prefix, std::vector<Field>& fields) {
    for (const auto& [key, value] : object.items()) {
        const std::string name = prefix.empty() ? key : prefix + "." + key;
        if (value.is_object() && !value.empty()) {
            flatten_into(value, name, fields);
        } else {
            fields.emplace_back(printable(name), cell(value));
        }
    }
}

}  // namespace

void print_json(std::ostream& out, const Json& value) {
    out << value.dump(2, ' ', false, Json::error_handler_t::replace) << '\n';
}

void print_yaml(std::ostream& out, const Json& value) {
    out << to_yaml(value) << '\n';
}

void print_document(std::ostream& out, OutputFormat format, const Json& value) {
    if (format == OutputFormat::yaml) {
        print_yaml(out, value);
    } else {
        print_json(out, value);
    }
}

void print_stream_document(std::ostream& out, OutputFormat format, const Json& value) {
    if (format == OutputFormat::yaml) {
        out << "---\n";
        print_yaml(out, value);
    } else {
        out << dump(value) << '\n';
    }
}

std::string cell(const Json& value) {
    if (value.is_null()) {
        return "-";
    }
    if (value.is_string()) {
        return printable(value.get_ref<const std::string&>());
    }
    return printable(dump(value));
}

std::string member_text(const Json& object, std::string_view key) {
    if (!object.is_object()) {
        return "-";
    }
    const auto it = object.find(std::string(key));
    return it == object.end() ? "-" : cell(*it);
}

void print_table(std::ostream& out, const std::vector<Column>& columns, const Json& items) {
    std::vector<std::vector<std::string>> rows;
    if (items.is_array()) {
        for (const auto& item : items) {
            std::vector<std::string> row;
            for (const auto& column : columns) {
                row.push_back(printable(column.value(item)));
            }
            rows.push_back(std::move(row));
        }
    }
    std::vector<std::size_t> widths;
    for (std::size_t c = 0; c < columns.size(); ++c) {
        std::size_t w = width(columns[c].header);
        for (const auto& row : rows) {
            w = std::max(w, width(row[c]));
        }
        widths.push_back(w);
    }
    const auto print_row = [&](const auto& text_of) {
        for (std::size_t c = 0; c < columns.size(); ++c) {
            if (c + 1 == columns.size()) {
                out << text_of(c);
            } else {
                pad(out, text_of(c), widths[c] + kColumnGap);
            }
        }
        out << '\n';
    };
    print_row([&](std::size_t c) -> const std::string& { return columns[c].header; });
    for (const auto& row : rows) {
        print_row([&](std::size_t c) -> const std::string& { return row[c]; });
    }
}

std::vector<Field> flatten(const Json& object) {
    std::vector<Field> fields;
    if (object.is_object()) {
        flatten_into(object, "", fields);
    }
    return fields;
}

void print_fields(std::ostream& out, const std::vector<Field>& fields) {
    std::size_t key_width = 0;
    for (const auto& [key, value] : fields) {
        key_width = std::max(key_width, width(key));
    }
    for (const auto& [key, value] : fields) {
        pad(out, key, key_width + kColumnGap);
        out << value << '\n';
    }
}

}  // namespace vergegrid::cli
