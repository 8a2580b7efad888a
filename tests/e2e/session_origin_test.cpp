// The web console's session cookie cannot be used from another origin to change anything: the
// browser's Sec-Fetch-Site and Origin headers must name the console's own origin. Reads, bearer
// tokens and clients that send neither header are unaffected.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/e2e/api_client.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

using nlohmann::json;
using vergegrid::test::ApiClient;
using vergegrid::test::ControlPlaneProcess;
using vergegrid::test::TempDir;

class SessionOrigin : public ::testing::Test {
  protected:
    void SetUp() override {
        control_ = std::make_unique<ControlPlaneProcess>(std::vector<std::string>{
            "--listen", "127.0.0.1:0", "--data-dir", (dir_.path() / "data").string()});
        ASSERT_TRUE(control_->started()) << control_->process().output();
        admin_ = std::make_unique<ApiClient>(control_->port());
        ASSERT_EQ(admin_
                      ->post("/api/v1/users", {{"name", "olga"},
                                               {"role", "operator"},
                                               {"password", "correct horse battery"}})
                      .status,
                  201);
        auto login = ApiClient(control_->port(), "")
                         .post("/api/v1/auth/login",
                               {{"username", "olga"}, {"password", "correct horse battery"}});
        ASSERT_EQ(login.status, 200) << login.raw;
        const std::string cookie = login.headers.at("set-cookie");
        session_ = cookie.substr(0, cookie.find(';'));
        own_origin_ = "http://127.0.0.1:" + std::to_string(control_->port());
    }

    // POST /estates with the session cookie and the given extra headers.
    vergegrid::test::JsonResult create_estate(const std::string& name,
                                              std::map<std::string, std::string> headers) const {
        headers.emplace("Cookie", session_);
        return ApiClient(control_->port(), "")
            .call("POST", "/api/v1/estates", json{{"name", name}, {"owner", "o"}}.dump(), headers);
    }

    TempDir dir_;
    std::unique_ptr<ControlPlaneProcess> control_;
    std::unique_ptr<ApiClient> admin_;
    std::string session_;
    std::string own_origin_;
};

TEST_F(SessionOrigin, ChangesFromTheConsolesOwnOriginWork) {
    EXPECT_EQ(create_estate("a", {{"Sec-Fetch-Site", "same-origin"}}).status, 201);
    EXPECT_EQ(create_estate("b", {{"Origin", own_origin_}}).status, 201);
    EXPECT_EQ(create_estate("c", {}).status, 201);  // not a browser: nothing could forge it
}

TEST_F(SessionOrigin, ChangesFromAnotherOriginAreRefused) {
    for (const auto& headers : std::vector<std::map<std::string, std::string>>{
             {{"Sec-Fetch-Site", "same-site"}},
             {{"Sec-Fetch-Site", "cross-site"}, {"Origin", own_origin_}},
             {{"Origin", "http://127.0.0.1:1"}},
             {{"Origin", "null"}}}) {
        const auto refused = create_estate("forged", headers);
        EXPECT_EQ(refused.status, 403) << refused.raw;
        EXPECT_EQ(refused.body["error"]["code"], "cross_origin") << refused.raw;
    }
    EXPECT_EQ(admin_->get("/api/v1/estates").body.at("items").size(), 0u);
}

TEST_F(SessionOrigin, ReadsAndBearerTokensAreUnaffected) {
    auto whoami = ApiClient(control_->port(), "")
                      .call("GET", "/api/v1/auth/whoami", "",
                            {{"Cookie", session_}, {"Sec-Fetch-Site", "cross-site"}});
    EXPECT_EQ(whoami.status, 200) << whoami.raw;
    auto with_token =
        admin_->call("POST", "/api/v1/estates", json{{"name", "t"}, {"owner", "o"}}.dump(),
                     {{"Origin", "http://elsewhere.example"}});
    EXPECT_EQ(with_token.status, 201) << with_token.raw;
}

}  // namespace
