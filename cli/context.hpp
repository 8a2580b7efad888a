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
};

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

    OutputFormat format() const {
        return options.output == "json" ? OutputFormat::json : OutputFormat::table;
    }
    Api& api();

  private:
    Environment env_;
    std::unique_ptr<HttpClient> http_;
    std::unique_ptr<Api> api_;
};

}  // namespace vergegrid::cli
