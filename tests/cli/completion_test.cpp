// completion bash|zsh: the scripts are run by real shells, which are asked what they would offer
// after a few command lines: top-level commands, a nested subcommand, options, an option's values.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "cli/app.hpp"
#include "tests/cli/temp_dir.hpp"

namespace completion_test {
namespace {

using ::testing::AllOf;
using ::testing::Contains;
using ::testing::IsSupersetOf;
using ::testing::Not;
using vergegrid::cli::test::TempDir;

std::string script(const std::string& shell) {
    const std::array<const char*, 3> argv{"vergegridctl", "completion", shell.c_str()};
    std::istringstream in;
    std::ostringstream out;
    std::ostringstream err;
    const int code =
        vergegrid::cli::run(static_cast<int>(argv.size()), argv.data(), {}, {in, out, err});
    EXPECT_EQ(code, 0) << err.str();
    return out.str();
}

struct Shell {
    int status = -1;
    std::vector<std::string> lines;
    std::string text;
};

// Runs `command` (sh -c), its stdout split into lines; stderr joins it.
Shell run_shell(const std::string& command) {
    Shell result;
    FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
    if (pipe == nullptr) {
        return result;
    }
    std::array<char, 4096> buffer{};
    while (std::fgets(buffer.data(), static_cast<int>(buffer.size()), pipe) != nullptr) {
        result.text += buffer.data();
    }
    result.status = ::pclose(pipe);
    std::istringstream lines(result.text);
    for (std::string line; std::getline(lines, line);) {
        result.lines.push_back(line);
    }
    return result;
}

class Completion : public ::testing::Test {
  protected:
    std::string write(const std::string& name, const std::string& text) {
        const auto path = dir_.path() / name;
        std::ofstream(path) << text;
        return path.string();
    }
    TempDir dir_;
};

// What bash's completion function puts in COMPREPLY for `words` (the last is being completed).
class BashCompletion : public Completion {
  protected:
    void SetUp() override { file_ = write("vergegridctl.bash", script("bash")); }

    Shell complete(const std::vector<std::string>& words) {
        std::string array;
        for (const auto& word : words) {
            array += " '" + word + "'";
        }
        return run_shell("bash --norc --noprofile -c 'source \"$0\"; COMP_WORDS=(" + array +
                         "); COMP_CWORD=" + std::to_string(words.size() - 1) +
                         "; COMP_LINE=\"${COMP_WORDS[*]}\"; _vergegridctl; printf \"%s\\n\" "
                         "\"${COMPREPLY[@]}\"' '" +
                         file_ + "'");
    }
    std::string file_;
};

TEST_F(BashCompletion, OffersTheTopLevelCommands) {
    const Shell top = complete({"vergegridctl", ""});
    ASSERT_EQ(top.status, 0) << top.text;
    EXPECT_THAT(top.lines, IsSupersetOf({"region", "estate", "template", "operation", "watch",
                                         "completion", "events", "simulator"}));
    EXPECT_THAT(complete({"vergegridctl", "reg"}).lines, ::testing::ElementsAre("region"));
}

TEST_F(BashCompletion, FollowsTheTreeToANestedSubcommandAndItsOptions) {
    EXPECT_THAT(complete({"vergegridctl", "watch", ""}).lines,
                ::testing::ElementsAre("operations"));
    // Global options before the command and their values do not lose the path.
    EXPECT_THAT(complete({"vergegridctl", "--server", "http://x:1", "operation", "l"}).lines,
                ::testing::ElementsAre("list"));
    const Shell options = complete({"vergegridctl", "watch", "operations", "--"});
    EXPECT_THAT(options.lines, IsSupersetOf({"--simulator", "--region", "--state", "--limit",
                                             "--output", "--server", "--help"}));
    EXPECT_THAT(options.lines, Not(Contains("--all"))) << "operation list's, not watch's";
}

TEST_F(BashCompletion, OffersAnOptionsChoices) {
    EXPECT_THAT(complete({"vergegridctl", "region", "list", "-o", ""}).lines,
                ::testing::ElementsAre("table", "json", "yaml"));
    EXPECT_THAT(complete({"vergegridctl", "operation", "list", "--state", "s"}).lines,
                ::testing::ElementsAre("succeeded"));
    EXPECT_THAT(complete({"vergegridctl", "--output", "=", "y"}).lines,
                ::testing::ElementsAre("yaml"));
    EXPECT_THAT(complete({"vergegridctl", "completion", ""}).lines,
                ::testing::ElementsAre("bash", "zsh"));
}

// zsh: the file loads where compinit finds it, and its candidates function answers.
class ZshCompletion : public Completion {
  protected:
    void SetUp() override {
        std::filesystem::create_directory(dir_.path() / "functions");
        file_ = write("functions/_vergegridctl", script("zsh"));
    }
    Shell zsh(const std::string& code) {
        return run_shell("ZDOTDIR='" + dir_.path().string() + "' zsh -f -c '" + code + "' '" +
                         file_ + "'");
    }
    std::string file_;
};

TEST_F(ZshCompletion, ParsesAndCompinitRegistersItFromFpath) {
    const Shell syntax = run_shell("zsh -n '" + file_ + "'");
    EXPECT_EQ(syntax.status, 0) << syntax.text;
    const Shell registered =
        zsh("fpath=(\"${0:h}\" $fpath); autoload -Uz compinit; compinit -u -d "
            "\"$ZDOTDIR/zcompdump\"; print -r -- ${_comps[vergegridctl]}");
    EXPECT_EQ(registered.status, 0) << registered.text;
    EXPECT_THAT(registered.lines, ::testing::ElementsAre("_vergegridctl"));
}

TEST_F(ZshCompletion, OffersCommandsOptionsAndChoicesWithTheirHelp) {
    const auto candidates = [&](const std::string& words) {
        return zsh(
            "autoload -Uz compinit; compinit -u -d \"$ZDOTDIR/zcompdump\"; source \"$0\"; "
            "_vergegridctl_candidates " +
            words + "; print -r -- $REPLY; print -rl -- $reply");
    };
    const Shell top = candidates("vergegridctl \"\"");
    ASSERT_EQ(top.status, 0) << top.text;
    ASSERT_FALSE(top.lines.empty());
    EXPECT_EQ(top.lines.front(), "command");
    EXPECT_THAT(top.lines, Contains(::testing::StartsWith("region:manage regions")));
    EXPECT_THAT(top.lines, Contains(::testing::StartsWith("watch:")));

    const Shell nested = candidates("vergegridctl watch \"\"");
    EXPECT_THAT(nested.lines, Contains(::testing::StartsWith("operations:the newest operations")));
    const Shell options = candidates("vergegridctl watch operations --");
    EXPECT_EQ(options.lines.front(), "option");
    EXPECT_THAT(options.lines, Contains(::testing::StartsWith("--simulator:only this simulator")));
    EXPECT_THAT(candidates("vergegridctl -o \"\"").lines,
                ::testing::ElementsAre("value", "table", "json", "yaml"));
    EXPECT_THAT(candidates("vergegridctl region list --output=j").lines,
                ::testing::ElementsAre("value", "table", "json", "yaml"));
}

}  // namespace
}  // namespace completion_test
