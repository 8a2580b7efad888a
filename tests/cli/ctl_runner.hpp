// Runs vergegridctl in process against a FakeServer, with HOME at an empty directory (so no
// configuration file interferes): what each command sends and prints.
#pragma once

#include <sstream>
#include <string>
#include <vector>

#include "cli/app.hpp"
#include "tests/cli/fake_server.hpp"
#include "tests/cli/temp_dir.hpp"

namespace vergegrid::cli::test {

struct CtlResult {
    int code = -1;
    std::string out;
    std::string err;
};

class CtlRunner {
  public:
    // `input` is what the command reads on standard input.
    CtlResult operator()(const FakeServer& server, std::vector<std::string> args,
                         const std::string& input = {}) const {
        args.insert(args.begin(), {"--server", server.url()});
        Environment env;
        env.emplace("HOME", home_.path().string());
        std::vector<const char*> argv{"vergegridctl"};
        for (const auto& arg : args) {
            argv.push_back(arg.c_str());
        }
        std::istringstream in(input);
        std::ostringstream out;
        std::ostringstream err;
        CtlResult result;
        result.code = run(static_cast<int>(argv.size()), argv.data(), env, {in, out, err});
        result.out = out.str();
        result.err = err.str();
        return result;
    }

  private:
    TempDir home_;
};

}  // namespace vergegrid::cli::test
