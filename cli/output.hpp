// Generic printing: JSON as the server sent it (or the same document as YAML), aligned tables,
// aligned key/value lines. Every value is shown whatever its type; control characters never reach
// the terminal.
#pragma once

#include <functional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cli/api.hpp"

namespace vergegrid::cli {

// --output: table for people; json and yaml carry the same document (the server's answer).
enum class OutputFormat { table, json, yaml };

// Pretty JSON (two-space indent), one trailing newline.
void print_json(std::ostream& out, const Json& value);
// The document as YAML (cli/yaml_text.hpp), one trailing newline.
void print_yaml(std::ostream& out, const Json& value);
// print_json or print_yaml; table prints JSON too (callers print tables themselves).
void print_document(std::ostream& out, OutputFormat format, const Json& value);
// One document of a stream (events tail, watch): a line of compact JSON (NDJSON), or a YAML
// document starting with "---".
void print_stream_document(std::ostream& out, OutputFormat format, const Json& value);

// A value as table text: strings as they are, null as "-", anything else as compact JSON.
std::string cell(const Json& value);
// object[key] as table text; "-" when `object` is no object or lacks the key.
std::string member_text(const Json& object, std::string_view key);

struct Column {
    std::string header;
    std::function<std::string(const Json& item)> value;
};

// One header line and one line per item; `items` that is no array prints the header alone.
void print_table(std::ostream& out, const std::vector<Column>& columns, const Json& items);

using Field = std::pair<std::string, std::string>;
// Nested objects flattened to dotted keys ("flags.max_prims"); arrays shown as compact JSON.
std::vector<Field> flatten(const Json& object);
void print_fields(std::ostream& out, const std::vector<Field>& fields);

}  // namespace vergegrid::cli
