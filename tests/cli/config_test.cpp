// Where the server URL and the token come from: flags > environment > cli.ini > default. Every test
// passes its own environment map; the test process's environment is never read or changed.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "cli/config.hpp"
#include "cli/exit_codes.hpp"
#include "cli/server_url.hpp"
#include "tests/cli/temp_dir.hpp"

namespace config_test {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using vergegrid::cli::CliError;
using vergegrid::cli::config_file_path;
using vergegrid::cli::ConnectionFlags;
using vergegrid::cli::Environment;
using vergegrid::cli::ExitCode;
using vergegrid::cli::parse_config;
using vergegrid::cli::parse_server_url;
using vergegrid::cli::resolve_settings;
using vergegrid::cli::test::TempDir;

void write_file(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    std::ofstream(path) << text;
}

TEST(ConfigResolution, DefaultsWhenNothingIsSet) {
    TempDir home;
    const auto settings = resolve_settings({}, {{"HOME", home.path().string()}});
    EXPECT_EQ(settings.server, "http://127.0.0.1:9800");
    EXPECT_EQ(settings.token, "");
    EXPECT_EQ(resolve_settings({}, {}).server, "http://127.0.0.1:9800") << "no HOME at all";
}

TEST(ConfigResolution, TheFileUnderHomeIsRead) {
    TempDir home;
    write_file(
        home.path() / ".config/vergegrid/cli.ini",
        "# comment\n; another\n[cli]\nserver = http://file.example:9800\ntoken = \"file-token\"\n");
    const auto settings = resolve_settings({}, {{"HOME", home.path().string()}});
    EXPECT_EQ(settings.server, "http://file.example:9800");
    EXPECT_EQ(settings.token, "file-token");
}

TEST(ConfigResolution, XdgConfigHomeWinsOverHome) {
    TempDir home;
    write_file(home.path() / ".config/vergegrid/cli.ini", "[cli]\nserver = http://home.example\n");
    write_file(home.path() / "xdg/vergegrid/cli.ini", "[cli]\nserver = http://xdg.example\n");
    const Environment env{{"HOME", home.path().string()},
                          {"XDG_CONFIG_HOME", (home.path() / "xdg").string()}};
    EXPECT_EQ(config_file_path(env), home.path() / "xdg/vergegrid/cli.ini");
    EXPECT_EQ(resolve_settings({}, env).server, "http://xdg.example");
    // A relative XDG_CONFIG_HOME is invalid by the XDG spec and ignored.
    EXPECT_EQ(config_file_path({{"HOME", "/h"}, {"XDG_CONFIG_HOME", "rel"}}),
              fs::path("/h/.config/vergegrid/cli.ini"));
}

TEST(ConfigResolution, EnvironmentBeatsTheFileAndFlagsBeatBoth) {
    TempDir home;
    write_file(home.path() / ".config/vergegrid/cli.ini",
               "[cli]\nserver = http://file\ntoken = file-token\n");
    Environment env{{"HOME", home.path().string()},
                    {"VERGEGRID_SERVER", "http://env"},
                    {"VERGEGRID_TOKEN", "env-token"}};
    auto settings = resolve_settings({}, env);
    EXPECT_EQ(settings.server, "http://env");
    EXPECT_EQ(settings.token, "env-token");

    settings = resolve_settings(ConnectionFlags{"http://flag", "flag-token"}, env);
    EXPECT_EQ(settings.server, "http://flag");
    EXPECT_EQ(settings.token, "flag-token");

    // Each value is resolved on its own: a flag for the server, the token from the environment.
    settings = resolve_settings(ConnectionFlags{"http://flag", std::nullopt}, env);
    EXPECT_EQ(settings.server, "http://flag");
    EXPECT_EQ(settings.token, "env-token");

    // ... or from the file, when the environment has none.
    env.erase("VERGEGRID_TOKEN");
    settings = resolve_settings(ConnectionFlags{"http://flag", std::nullopt}, env);
    EXPECT_EQ(settings.token, "file-token");
}

TEST(ConfigResolution, EmptyEnvironmentValuesCountAsUnset) {
    TempDir home;
    write_file(home.path() / ".config/vergegrid/cli.ini", "[cli]\nserver = http://file\n");
    const Environment env{
        {"HOME", home.path().string()}, {"VERGEGRID_SERVER", ""}, {"VERGEGRID_TOKEN", ""}};
    EXPECT_EQ(resolve_settings({}, env).server, "http://file");
    EXPECT_EQ(resolve_settings({}, env).token, "");
}

TEST(ConfigResolution, TheFileIsNotReadWhenFlagsAndEnvironmentSetEverything) {
    TempDir home;
    write_file(home.path() / ".config/vergegrid/cli.ini", "this is not ini\n");
    const Environment env{{"HOME", home.path().string()}, {"VERGEGRID_TOKEN", "t"}};
    EXPECT_EQ(resolve_settings(ConnectionFlags{"http://flag", std::nullopt}, env).server,
              "http://flag");
    EXPECT_THROW(resolve_settings({}, env), CliError);
}

TEST(ConfigFile, OtherSectionsAreIgnoredAndValuesTrimmedAndUnquoted) {
    std::istringstream in(
        "\xEF\xBB\xBF[web]\nport = 1\n\n  [cli]  \n  server=  'http://x:1'  \r\ntoken "
        "=\n[other]\nserver = nope\n");
    const auto file = parse_config(in, "cli.ini");
    EXPECT_EQ(file.server, "http://x:1");
    EXPECT_FALSE(file.token) << "an empty value is unset";
}

TEST(ConfigFile, MistakesAreUsageErrorsNamingTheLine) {
    const auto error_of = [](const std::string& text) {
        std::istringstream in(text);
        try {
            parse_config(in, "cli.ini");
        } catch (const CliError& e) {
            EXPECT_EQ(e.code(), ExitCode::usage);
            return std::string(e.what());
        }
        return std::string("no error");
    };
    EXPECT_THAT(error_of("[cli]\nsever = http://x\n"),
                HasSubstr("cli.ini:2: unknown key 'sever' in [cli]"));
    EXPECT_THAT(error_of("server = http://x\n"),
                HasSubstr("cli.ini:1: 'server' is outside any section"));
    EXPECT_THAT(error_of("[cli\n"), HasSubstr("cli.ini:1: a section header needs a closing ']'"));
    EXPECT_THAT(error_of("[cli]\n\njust words\n"), HasSubstr("cli.ini:3: expected 'key = value'"));
    EXPECT_THAT(error_of("[cli]\n= value\n"), HasSubstr("cli.ini:2: a key is missing"));
}

TEST(ConfigFile, ADirectoryInItsPlaceIsAUsageError) {
    TempDir home;
    fs::create_directories(home.path() / ".config/vergegrid/cli.ini");
    try {
        resolve_settings({}, {{"HOME", home.path().string()}});
        FAIL() << "no error";
    } catch (const CliError& e) {
        EXPECT_EQ(e.code(), ExitCode::usage);
        EXPECT_THAT(e.what(), HasSubstr("is a directory"));
    }
}

TEST(ServerUrl, AcceptsHttpHttpsAndBareHostPort) {
    auto url = parse_server_url("http://127.0.0.1:9800");
    EXPECT_EQ(url.scheme, "http");
    EXPECT_EQ(url.host, "127.0.0.1");
    EXPECT_EQ(url.port, 9800);
    EXPECT_EQ(url.base_path, "");

    url = parse_server_url("localhost:1234");
    EXPECT_EQ(url.scheme, "http");
    EXPECT_EQ(url.port, 1234);

    url = parse_server_url("HTTPS://grid.example.org/vergegrid/");
    EXPECT_TRUE(url.https());
    EXPECT_EQ(url.port, 443);
    EXPECT_EQ(url.base_path, "/vergegrid");
    EXPECT_EQ(url.to_string(), "https://grid.example.org:443/vergegrid");

    url = parse_server_url("http://[::1]:9800");
    EXPECT_EQ(url.host, "::1");
    EXPECT_EQ(url.to_string(), "http://[::1]:9800");
}

TEST(ServerUrl, RejectsWhatCannotBeAServer) {
    for (const char* bad : {"", "ftp://host", "http://", "http://host:99999", "http://host:0",
                            "http://u:p@host", "http://host/?x=1", "http://host/#frag"}) {
        try {
            parse_server_url(bad);
            ADD_FAILURE() << "accepted '" << bad << "'";
        } catch (const CliError& e) {
            EXPECT_EQ(e.code(), ExitCode::usage) << bad;
        }
    }
}

}  // namespace
}  // namespace config_test
