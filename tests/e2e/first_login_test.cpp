// The operator's first login without curl: `vergegrid-control admin set-password` and
// `admin login-link` against a real data dir (fresh, or with the server running), the first
// start's login link, and POST /api/v1/auth/login-link.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <regex>

#include "tests/e2e/api_client.hpp"
#include "tests/support/temp_dir.hpp"

namespace first_login_test {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using vergegrid::test::ApiClient;
using vergegrid::test::ChildProcess;
using vergegrid::test::ControlPlaneProcess;
using vergegrid::test::TempDir;
using namespace std::chrono_literals;

constexpr const char* kGoodPassword = "correct horse battery";

struct CommandRun {
    int status = -1;
    std::string output;  // stdout and stderr
};

class FirstLogin : public ::testing::Test {
  protected:
    std::string data_dir() const { return (dir_.path() / "data").string(); }

    // `vergegrid-control admin ARGS --data-dir D`, its standard input fed `input` through a pipe
    // (never the test's terminal).
    CommandRun admin(const std::vector<std::string>& args, const std::string& input = "") const {
        std::vector<std::string> argv{"-c", "printf '%s' \"$VG_INPUT\" | exec \"$0\" \"$@\"",
                                      VERGEGRID_CONTROL_BINARY, "admin"};
        argv.insert(argv.end(), args.begin(), args.end());
        argv.insert(argv.end(), {"--data-dir", data_dir()});
        ChildProcess process("/bin/sh", argv, {{"VG_INPUT", input}});
        const auto status = process.wait_for_exit(60s);
        return {status.value_or(-1), process.output()};
    }

    void start() {
        control_ = std::make_unique<ControlPlaneProcess>(
            std::vector<std::string>{"--listen", "127.0.0.1:0", "--data-dir", data_dir()});
        ASSERT_TRUE(control_->started()) << control_->process().output();
    }

    vergegrid::test::JsonResult login(const std::string& user, const std::string& password) const {
        return ApiClient(control_->port(), "")
            .post("/api/v1/auth/login", {{"username", user}, {"password", password}});
    }

    vergegrid::test::JsonResult use_link(const std::string& secret) const {
        return ApiClient(control_->port(), "")
            .post("/api/v1/auth/login-link", {{"secret", secret}});
    }

    static std::string cookie_of(const vergegrid::test::JsonResult& answer) {
        const auto cookie = answer.headers.at("set-cookie");
        return cookie.substr(0, cookie.find(';'));
    }

    vergegrid::test::JsonResult whoami(const std::string& cookie) const {
        return ApiClient(control_->port(), "")
            .call("GET", "/api/v1/auth/whoami", "", {{"Cookie", cookie}});
    }

    static std::string secret_of(const std::string& text) {
        std::smatch match;
        EXPECT_TRUE(std::regex_search(text, match, std::regex("/login#once=(vgl_[A-Za-z0-9_-]+)")))
            << text;
        return match.size() > 1 ? match[1].str() : "";
    }

    TempDir dir_;
    std::unique_ptr<ControlPlaneProcess> control_;
};

TEST_F(FirstLogin, SetPasswordOnAFreshDataDirCreatesTheAdminAsTheFirstStartWould) {
    const auto set = admin({"set-password", "--password-stdin"}, std::string(kGoodPassword) + "\n");
    ASSERT_EQ(set.status, 0) << set.output;
    EXPECT_THAT(set.output, HasSubstr("created user 'admin'"));
    EXPECT_THAT(set.output, HasSubstr("password set for user 'admin'"));
    struct stat info {};
    ASSERT_EQ(::stat((dir_.path() / "data" / "admin-token").c_str(), &info), 0)
        << "the admin's API token, as at a first start";
    EXPECT_EQ(info.st_mode & 0777, 0600);

    start();
    EXPECT_FALSE(std::filesystem::exists(dir_.path() / "data" / "login-link"))
        << "the admin exists: the start is no first start";
    const auto answer = login("admin", kGoodPassword);
    ASSERT_EQ(answer.status, 200) << answer.raw;
    EXPECT_EQ(whoami(cookie_of(answer)).body.at("role"), "admin");
    EXPECT_EQ(login("admin", "not the password").status, 401);
}

TEST_F(FirstLogin, SetPasswordWhileTheServerRunsIsAuditedAndEndsTheUsersSessions) {
    start();
    // No terminal and no --password-stdin: standard input is read all the same.
    const auto first = admin({"set-password"}, std::string(kGoodPassword) + "\n");
    ASSERT_EQ(first.status, 0) << first.output;
    const auto session = login("admin", kGoodPassword);
    ASSERT_EQ(session.status, 200) << session.raw;
    const auto cookie = cookie_of(session);
    ASSERT_EQ(whoami(cookie).status, 200);

    const auto second =
        admin({"set-password", "--user", "admin", "--password-stdin"}, "another good password\n");
    ASSERT_EQ(second.status, 0) << second.output;
    EXPECT_EQ(login("admin", kGoodPassword).status, 401) << "the old password is gone";
    EXPECT_EQ(login("admin", "another good password").status, 200);
    std::this_thread::sleep_for(1200ms);  // the server's credential cache (auth_cache_ttl_ms)
    EXPECT_EQ(whoami(cookie).status, 401) << "a new password ends the user's sessions";

    const auto audit = ApiClient(control_->port()).get("/api/v1/audit?action=user.update");
    ASSERT_EQ(audit.status, 200) << audit.raw;
    ASSERT_EQ(audit.body.at("items").size(), 2u) << audit.raw;
    EXPECT_EQ(audit.body.at("items").at(0).at("actor"), "local:admin-command");
    EXPECT_EQ(audit.raw.find(kGoodPassword), std::string::npos);
}

TEST_F(FirstLogin, AWeakPasswordAnUnknownUserAndNoPasswordAreRefused) {
    start();
    const auto weak = admin({"set-password", "--password-stdin"}, "short\n");
    EXPECT_EQ(weak.status, 1) << weak.output;
    EXPECT_THAT(weak.output, HasSubstr("password: must be at least 10 characters"));
    EXPECT_EQ(login("admin", "short").status, 401);

    const auto unknown = admin({"set-password", "--user", "nobody"}, "correct horse battery\n");
    EXPECT_EQ(unknown.status, 1) << unknown.output;
    EXPECT_THAT(unknown.output, HasSubstr("no user named 'nobody'"));

    const auto empty = admin({"set-password", "--password-stdin"}, "");
    EXPECT_EQ(empty.status, 2) << empty.output;
    EXPECT_THAT(empty.output, HasSubstr("no password on standard input"));

    const auto link = admin({"login-link", "--user", "nobody"});
    EXPECT_EQ(link.status, 1) << link.output;
    EXPECT_THAT(link.output, HasSubstr("no user named 'nobody'"));
}

TEST_F(FirstLogin, TheFirstStartLogsAndWritesALinkThatLogsInOnce) {
    start();
    const auto file = dir_.path() / "data" / "login-link";
    ASSERT_TRUE(control_->process().wait_for_output(std::regex("first login: open "), 10s))
        << control_->process().output();
    struct stat info {};
    ASSERT_EQ(::stat(file.c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0600);
    std::ifstream in(file);
    std::string url;
    std::getline(in, url);
    EXPECT_EQ(url.rfind("http://127.0.0.1:" + std::to_string(control_->port()) + "/login#once=", 0),
              0u)
        << url;
    EXPECT_THAT(control_->process().output(), HasSubstr(url));

    const auto secret = secret_of(url);
    const auto first = use_link(secret);
    ASSERT_EQ(first.status, 200) << first.raw;
    EXPECT_EQ(first.body.at("user"), "admin");
    const auto cookie_header = first.headers.at("set-cookie");
    EXPECT_THAT(cookie_header, HasSubstr("vergegrid_session="));
    EXPECT_THAT(cookie_header, HasSubstr("HttpOnly"));
    EXPECT_THAT(cookie_header, HasSubstr("SameSite=Strict"));
    const auto me = whoami(cookie_of(first));
    EXPECT_EQ(me.status, 200) << me.raw;
    EXPECT_EQ(me.body.at("subject"), "admin");

    const auto second = use_link(secret);
    EXPECT_EQ(second.status, 401) << second.raw;
    EXPECT_EQ(second.body.at("error").at("code"), "login_link_invalid");
    EXPECT_EQ(second.body.at("error").at("field"), "secret");
}

TEST_F(FirstLogin, AdminLoginLinkPrintsAFreshLinkWhileTheServerRuns) {
    start();
    const auto printed = admin({"login-link", "--ttl-min", "5"});
    ASSERT_EQ(printed.status, 0) << printed.output;
    EXPECT_THAT(printed.output, HasSubstr("http://127.0.0.1:9800/login#once=vgl_"))
        << "the configured listen address (the default here)";
    const auto secret = secret_of(printed.output);

    // Two browsers opening the same link at once: exactly one gets in.
    auto a = std::async(std::launch::async, [&] { return use_link(secret).status; });
    auto b = std::async(std::launch::async, [&] { return use_link(secret).status; });
    const int first = a.get();
    const int second = b.get();
    EXPECT_EQ((first == 200) + (second == 200), 1) << first << " " << second;
    EXPECT_EQ((first == 401) + (second == 401), 1) << first << " " << second;

    const auto audit = ApiClient(control_->port()).get("/api/v1/audit?action=auth.login_link");
    ASSERT_EQ(audit.body.at("items").size(), 2u) << "the first start's and this one";
    EXPECT_EQ(audit.body.at("items").at(0).at("actor"), "local:admin-command") << "newest first";
    EXPECT_EQ(audit.body.at("items").at(1).at("actor"), "system:first-start");

    const auto refused = admin({"login-link", "--ttl-min", "0"});
    EXPECT_NE(refused.status, 0) << refused.output;
}

TEST_F(FirstLogin, TheExchangeRouteNamesTheFieldAtFault) {
    start();
    const auto unknown = use_link("vgl_no-such-link-0123456789");
    EXPECT_EQ(unknown.status, 401) << unknown.raw;
    EXPECT_EQ(unknown.body.at("error").at("field"), "secret");
    const auto extra = ApiClient(control_->port(), "")
                           .post("/api/v1/auth/login-link", {{"secret", "x"}, {"user", "admin"}});
    EXPECT_EQ(extra.status, 400) << extra.raw;
    EXPECT_EQ(extra.body.at("error").at("field"), "user");
}

}  // namespace
}  // namespace first_login_test
