// The web console's session cookie cannot be used from another origin to change anything: the
// browser's Sec-Fetch-Site and Origin headers must name the console's own origin. Reads, bearer
// tokens and clients that send neither header are unaffected.
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/StreamCopier.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/e2e/api_client.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/throwaway_pki.hpp"

namespace session_origin_test {
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
            .call("POST", "/api/v1/estates", json{{"name", name}, {"owner", "Estate Owner"}}.dump(),
                  headers);
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
    auto with_token = admin_->call("POST", "/api/v1/estates",
                                   json{{"name", "t"}, {"owner", "Estate Owner"}}.dump(),
                                   {{"Origin", "http://elsewhere.example"}});
    EXPECT_EQ(with_token.status, 201) << with_token.raw;
}

// Served over TLS, the cookie is marked Secure: the browser never sends the session in clear text
// (to a plain-HTTP page on the same host, say).
TEST(SessionCookie, IsSecureWhenTheControlPlaneServesTls) {
    TempDir dir;
    const vergegrid::test::ThrowawayPki pki;
    ControlPlaneProcess control(
        {"--listen", "127.0.0.1:0", "--data-dir", (dir.path() / "data").string()},
        {{"VERGEGRID_TLS_CERT_FILE", pki.server_cert().string()},
         {"VERGEGRID_TLS_KEY_FILE", pki.server_key().string()}});
    ASSERT_TRUE(control.started()) << control.process().output();

    Poco::Net::Context::Params params;
    params.caLocation = pki.ca_cert().string();
    params.verificationMode = Poco::Net::Context::VERIFY_STRICT;
    const Poco::Net::Context::Ptr context =
        new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
    const auto post = [&](const std::string& path, const json& body) {
        Poco::Net::HTTPSClientSession session("127.0.0.1", control.port(), context);
        session.setTimeout(Poco::Timespan(20, 0));
        Poco::Net::HTTPRequest request("POST", path, Poco::Net::HTTPMessage::HTTP_1_1);
        request.set("Authorization", std::string("Bearer ") + vergegrid::test::kTestAdminToken);
        request.setContentType("application/json");
        const std::string text = body.dump();
        request.setContentLength(static_cast<std::streamsize>(text.size()));
        session.sendRequest(request) << text;
        Poco::Net::HTTPResponse response;
        std::string answer;
        Poco::StreamCopier::copyToString(session.receiveResponse(response), answer);
        return std::make_pair(static_cast<int>(response.getStatus()),
                              response.get("Set-Cookie", ""));
    };
    ASSERT_EQ(post("/api/v1/users",
                   {{"name", "olga"}, {"role", "operator"}, {"password", "correct horse battery"}})
                  .first,
              201);
    const auto [status, cookie] =
        post("/api/v1/auth/login", {{"username", "olga"}, {"password", "correct horse battery"}});
    ASSERT_EQ(status, 200);
    EXPECT_THAT(cookie, ::testing::HasSubstr("; Secure"));
    EXPECT_THAT(cookie, ::testing::HasSubstr("HttpOnly"));
}

}  // namespace
}  // namespace session_origin_test
