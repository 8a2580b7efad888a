// What every command works with: the streams, the global options, and the API client, connected
// on first use (after parsing, so `--help` and usage errors never read the configuration).
#pragma once

#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>

#include "cli/api.hpp"
#include "cli/config.hpp"
#include "cli/output.hpp"

namespace vergegrid::cli {

struct Io {
    std::istream& in;
    std::ostream& out;
    std::ostream& err;
    bool err_is_terminal = false;  // progress bars are drawn on a terminal (or with --progress)
    bool out_is_terminal = false;  // watch redraws its table in place on a terminal
};

// The words -o/--output takes, in the order its help lists them.
inline constexpr const char* kOutputFormats[] = {"table", "json", "yaml"};
inline OutputFormat parse_output_format(const std::string& word) {
    return word == "json" ? OutputFormat::json
                          : (word == "yaml" ? OutputFormat::yaml : OutputFormat::table);
}

struct GlobalOptions {
    ConnectionFlags connection;
    std::string output = "table";
    int timeout_seconds = 30;
};

class Context {
  public:
    Context(Io io, Environment env) : io(io), env_(std::move(env)) {}

    Io io;
    GlobalOptions options;
    std::function<void()> action;  // set by the chosen command's parse callback, run after parsing

    OutputFormat format() const { return parse_output_format(options.output); }
    // json or yaml: the command prints the answer's document, not a table or a summary.
    bool structured() const { return format() != OutputFormat::table; }
    // The document in the chosen format (JSON unless yaml was asked for).
    void print(const Json& document) const { print_document(io.out, format(), document); }
    Api& api();
    // A client of its own, with the same server, token and timeout as api()'s: for a second
    // thread (watch's event stream), since a client serves one thread.
    std::unique_ptr<HttpClient> new_http_client() const;

  private:
    Environment env_;
    std::unique_ptr<HttpClient> http_;
    std::unique_ptr<Api> api_;
};

}  // namespace vergegrid::cli
