#include "cli/field_args.hpp"

#include <fstream>
#include <iterator>
#include <sstream>

namespace vergegrid::cli {

namespace {

std::vector<std::string> split_key(std::string_view key, std::string_view assignment) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    for (;;) {
        const auto dot = key.find('.', start);
        const auto part =
            key.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
        if (part.empty()) {
            throw CliError(ExitCode::usage,
                           "--set '" + std::string(assignment) + "': the key has an empty part");
        }
        parts.emplace_back(part);
        if (dot == std::string_view::npos) {
            return parts;
        }
        start = dot + 1;
    }
}

}  // namespace

Json parse_set_value(std::string_view text) {
    if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
        return std::string(text);
    }
    Json value = Json::parse(text.begin(), text.end(), nullptr, false);
    if (value.is_discarded()) {
        return std::string(text);
    }
    return value;
}

void apply_assignment(Json& body, std::string_view assignment) {
    const auto eq = assignment.find('=');
    if (eq == std::string_view::npos) {
        throw CliError(ExitCode::usage,
                       "--set expects key=value, got '" + std::string(assignment) + "'");
    }
    const auto parts = split_key(assignment.substr(0, eq), assignment);
    if (!body.is_object()) {
        body = Json::object();
    }
    Json* target = &body;
    std::string path;
    for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
        path += (path.empty() ? "" : ".") + parts[i];
        Json& child = (*target)[parts[i]];
        if (child.is_null()) {
            child = Json::object();
        } else if (!child.is_object()) {
            throw CliError(ExitCode::usage,
                           "--set '" + std::string(assignment) + "': '" + path +
                               "' is already set to a value that is not an object");
        }
        target = &child;
    }
    (*target)[parts.back()] = parse_set_value(assignment.substr(eq + 1));
}

void merge_over(Json& base, const Json& overlay) {
    if (!base.is_object() || !overlay.is_object()) {
        base = overlay;
        return;
    }
    for (const auto& [key, value] : overlay.items()) {
        if (auto it = base.find(key); it != base.end()) {
            merge_over(*it, value);
        } else {
            base[key] = value;
        }
    }
}

Json read_json_document(const std::string& source, std::istream& in) {
    const std::string name = source == "-" ? "standard input" : source;
    std::string text;
    if (source == "-") {
        text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    } else {
        std::ifstream file(source, std::ios::binary);
        if (!file) {
            throw CliError(ExitCode::usage, "--file " + source + ": cannot be read");
        }
        std::ostringstream buffer;
        buffer << file.rdbuf();
        text = buffer.str();
    }
    Json document;
    try {
        document = Json::parse(text);
    } catch (const Json::exception& e) {
        throw CliError(ExitCode::usage, "--file " + name + " is not JSON: " + e.what());
    }
    if (!document.is_object()) {
        throw CliError(ExitCode::usage, "--file " + name + " must hold a JSON object");
    }
    return document;
}

Json request_body(const std::vector<std::string>& assignments,
                  const std::optional<std::string>& file, std::istream& in) {
    Json body = file ? read_json_document(*file, in) : Json::object();
    Json sets = Json::object();
    for (const auto& assignment : assignments) {
        apply_assignment(sets, assignment);
    }
    merge_over(body, sets);
    return body;
}

}  // namespace vergegrid::cli
