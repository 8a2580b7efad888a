// The channel client against a real vergegrid-control: HTTPS with a throwaway CA (the right CA,
// the wrong one, a certificate that does not name the host), plain HTTP where it belongs and
// where it does not, timeouts. The registration and pull routes get their HTTPS tests here too
// (see ChannelOverHttps below).
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <fstream>
#include <memory>
#include <thread>

#include "sim_channel_client/channel_client.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/throwaway_pki.hpp"

namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using vergegrid::sim_channel::ChannelClient;
using vergegrid::sim_channel::ChannelClientSettings;
using vergegrid::sim_channel::ChannelConfigError;
using vergegrid::sim_channel::ChannelEndpoint;
using vergegrid::sim_channel::ChannelError;
using vergegrid::sim_channel::ChannelRequest;
using vergegrid::test::ControlPlaneProcess;
using vergegrid::test::TempDir;
using vergegrid::test::ThrowawayPki;
using Kind = ChannelError::Kind;
using namespace std::chrono_literals;

// A throwaway PKI and vergegrid-control processes on 127.0.0.1 (ephemeral ports), with or
// without TLS. The seam for the channel's own routes (registration, pull): start_https(), then
// client_for() with the URL the bridge would be given.
class ChannelOverHttps : public ::testing::Test {
  protected:
    // vergegrid-control serving HTTPS with `cert` (default: the server certificate for
    // 127.0.0.1 and localhost, signed by the throwaway CA) and its key.
    ControlPlaneProcess& start_https(std::optional<fs::path> cert = std::nullopt) {
        return start({{"VERGEGRID_TLS_CERT_FILE", cert.value_or(pki_.server_cert()).string()},
                      {"VERGEGRID_TLS_KEY_FILE", pki_.server_key().string()}});
    }
    ControlPlaneProcess& start_plain_http() { return start({}); }

    static ChannelClient client_for(const std::string& url, const fs::path& ca_file = {},
                                    std::chrono::milliseconds timeout = 10s) {
        ChannelClientSettings settings;
        settings.endpoint = ChannelEndpoint::parse(url);
        settings.ca_file = ca_file;
        settings.connect_timeout = timeout;
        settings.request_timeout = timeout;
        return ChannelClient(std::move(settings));
    }
    std::string https_url(const std::string& host = "127.0.0.1") const {
        return "https://" + host + ":" + std::to_string(control_->port());
    }
    std::string http_url() const { return "http://127.0.0.1:" + std::to_string(control_->port()); }

    // The kind of ChannelError a request throws; fails the test when it answers instead.
    static Kind failure_of(const ChannelClient& client, const std::string& path,
                           std::string* message = nullptr) {
        try {
            const auto response = client.request("GET", path);
            ADD_FAILURE() << "got an answer: " << response.status << " " << response.body;
        } catch (const ChannelError& e) {
            if (message != nullptr) {
                *message = e.what();
            }
            return e.kind();
        }
        return Kind::protocol;
    }

    ThrowawayPki pki_;

  private:
    ControlPlaneProcess& start(std::map<std::string, std::string> env) {
        control_ = std::make_unique<ControlPlaneProcess>(
            std::vector<std::string>{"--listen", "127.0.0.1:0", "--data-dir",
                                     (dir_.path() / "data").string()},
            std::move(env));
        EXPECT_TRUE(control_->started()) << control_->process().output();
        return *control_;
    }

    TempDir dir_;
    std::unique_ptr<ControlPlaneProcess> control_;
};

TEST_F(ChannelOverHttps, GetsHealthAndVersionWithTheRightCa) {
    start_https();
    for (const auto& host : {"127.0.0.1", "localhost"}) {
        const auto client = client_for(https_url(host), pki_.ca_cert());
        const auto health = client.request("GET", "/healthz");
        EXPECT_EQ(health.status, 200) << host;
        EXPECT_EQ(health.json().at("status"), "ok");
        const auto version = client.request("GET", "/api/v1/version");
        EXPECT_EQ(version.status, 200);
        EXPECT_EQ(version.json().at("program"), "vergegrid-control");
        EXPECT_THAT(version.header("content-type"), HasSubstr("application/json"));
    }
}

TEST_F(ChannelOverHttps, PostsJsonWithABearerTokenAndReadsTheResultBack) {
    start_https();
    const auto client = client_for(https_url(), pki_.ca_cert());
    const auto created = client.request(
        "POST", "/api/v1/estates", nlohmann::json{{"name", "Mainland"}, {"owner", "Ada Lovelace"}},
        vergegrid::test::kTestAdminToken);
    ASSERT_EQ(created.status, 201) << created.body;
    const std::string id = created.json().at("id");

    ChannelRequest read;
    read.path = "/api/v1/estates/" + id;
    read.bearer_token = vergegrid::test::kTestAdminToken;
    read.headers = {{"X-Request-Id", "channel-test-1"}};
    const auto fetched = client.request(read);
    EXPECT_EQ(fetched.status, 200);
    EXPECT_EQ(fetched.json().at("name"), "Mainland");
    EXPECT_EQ(fetched.header("x-request-id"), "channel-test-1");
}

TEST_F(ChannelOverHttps, ErrorStatusesAreResponsesNotExceptions) {
    start_https();
    const auto client = client_for(https_url(), pki_.ca_cert());
    const auto missing = client.request("GET", "/api/v1/nothing-here");
    EXPECT_EQ(missing.status, 404);
    EXPECT_EQ(missing.json().at("error").at("code"), "not_found");
    const auto invalid = client.request("POST", "/api/v1/estates", nlohmann::json::object(),
                                        vergegrid::test::kTestAdminToken);
    EXPECT_EQ(invalid.status, 400) << invalid.body;
    EXPECT_EQ(invalid.json().at("error").at("field"), "name");
}

TEST_F(ChannelOverHttps, TheWrongCaIsACertificateError) {
    start_https();
    std::string message;
    EXPECT_EQ(failure_of(client_for(https_url(), pki_.other_ca_cert()), "/healthz", &message),
              Kind::certificate);
    EXPECT_THAT(message, HasSubstr("not trusted by CA file '" + pki_.other_ca_cert().string()));
    EXPECT_THAT(message, HasSubstr("unable to get local issuer certificate"));
}

TEST_F(ChannelOverHttps, ACertificateOfAnotherCaIsACertificateError) {
    start_https(pki_.foreign_cert());
    EXPECT_EQ(failure_of(client_for(https_url(), pki_.ca_cert()), "/healthz"), Kind::certificate);
    // The certificate is otherwise fine: its own CA accepts it.
    EXPECT_EQ(client_for(https_url(), pki_.other_ca_cert()).request("GET", "/healthz").status, 200);
}

TEST_F(ChannelOverHttps, AHostNameTheCertificateDoesNotNameIsRefused) {
    start_https(pki_.localhost_only_cert());  // DNS:localhost only
    std::string message;
    EXPECT_EQ(failure_of(client_for(https_url("127.0.0.1"), pki_.ca_cert()), "/healthz", &message),
              Kind::certificate);
    EXPECT_THAT(message, HasSubstr("does not name '127.0.0.1'"));
    EXPECT_EQ(client_for(https_url("localhost"), pki_.ca_cert()).request("GET", "/healthz").status,
              200);
}

TEST_F(ChannelOverHttps, PlainHttpToTheTlsPortFails) {
    start_https();
    std::string message;
    const auto kind = failure_of(client_for(http_url()), "/healthz", &message);
    EXPECT_TRUE(kind == Kind::transport || kind == Kind::protocol) << message;
}

TEST_F(ChannelOverHttps, HttpsToAPlainHttpPortIsATlsError) {
    start_plain_http();
    std::string message;
    EXPECT_EQ(failure_of(client_for(https_url(), pki_.ca_cert()), "/healthz", &message), Kind::tls)
        << message;
}

TEST_F(ChannelOverHttps, PlainHttpToLoopbackWorks) {
    start_plain_http();
    EXPECT_EQ(client_for(http_url()).request("GET", "/api/v1/version").status, 200);
}

TEST_F(ChannelOverHttps, ASilentServerTimesOutInsteadOfHanging) {
    // Listens (the kernel completes TCP handshakes into the backlog) but never accepts.
    Poco::Net::ServerSocket silent(Poco::Net::SocketAddress("127.0.0.1", 0));
    const auto port = std::to_string(silent.address().port());
    const auto began = std::chrono::steady_clock::now();
    EXPECT_EQ(
        failure_of(client_for("https://127.0.0.1:" + port, pki_.ca_cert(), 300ms), "/healthz"),
        Kind::timeout);
    EXPECT_EQ(failure_of(client_for("http://127.0.0.1:" + port, {}, 300ms), "/healthz"),
              Kind::timeout);
    EXPECT_LT(std::chrono::steady_clock::now() - began, 3s);
}

TEST_F(ChannelOverHttps, AServerThatReadsTheRequestAndNeverAnswersTimesOut) {
    // Accepts and reads everything (a TLS handshake included) but never writes: the request ends
    // at its timeout, not at the server giving up, nor at a multiple of the timeout (Poco's own
    // handshake took three: 6 s here).
    Poco::Net::ServerSocket mute(Poco::Net::SocketAddress("127.0.0.1", 0));
    std::thread reader([&mute] {
        for (int connection = 0; connection < 2; ++connection) {
            Poco::Net::StreamSocket peer = mute.acceptConnection();
            peer.setReceiveTimeout(Poco::Timespan(5, 0));
            std::array<char, 4096> sink{};
            try {
                while (peer.receiveBytes(sink.data(), static_cast<int>(sink.size())) > 0) {
                }
            } catch (const Poco::Exception&) {
            }
        }
    });
    const auto port = std::to_string(mute.address().port());
    auto began = std::chrono::steady_clock::now();
    EXPECT_EQ(failure_of(client_for("https://127.0.0.1:" + port, pki_.ca_cert(), 2s), "/healthz"),
              Kind::timeout);
    EXPECT_LT(std::chrono::steady_clock::now() - began, 4s);
    began = std::chrono::steady_clock::now();
    EXPECT_EQ(failure_of(client_for("http://127.0.0.1:" + port, {}, 2s), "/healthz"),
              Kind::timeout);
    EXPECT_LT(std::chrono::steady_clock::now() - began, 4s);
    reader.join();
}

TEST_F(ChannelOverHttps, NobodyListeningIsAConnectError) {
    std::uint16_t free_port = 0;
    {
        Poco::Net::ServerSocket probe(Poco::Net::SocketAddress("127.0.0.1", 0));
        free_port = probe.address().port();
    }
    EXPECT_EQ(
        failure_of(client_for("https://127.0.0.1:" + std::to_string(free_port), pki_.ca_cert()),
                   "/healthz"),
        Kind::connect);
}

TEST_F(ChannelOverHttps, ACaFileWithoutCertificatesIsRefused) {
    const auto empty = pki_.dir() / "empty.pem";
    std::ofstream(empty) << "nothing here\n";
    EXPECT_THROW(client_for("https://127.0.0.1:9800", empty), ChannelConfigError);
    EXPECT_THROW(client_for("https://127.0.0.1:9800", pki_.server_key()), ChannelConfigError);
}

TEST_F(ChannelOverHttps, MalformedRequestsAreRefusedBeforeAnythingIsSent) {
    const auto client = client_for("http://127.0.0.1:9", {});
    EXPECT_THROW(client.request("GET", "healthz"), std::invalid_argument);
    EXPECT_THROW(client.request("GET", "/a b"), std::invalid_argument);
    EXPECT_THROW(client.request("GE T", "/healthz"), std::invalid_argument);
    EXPECT_THROW(client.request("GET", "/healthz", std::nullopt, "abc\r\nX-Evil: 1"),
                 std::invalid_argument);
}

// The seam for the channel's routes: registration (the bridge announces its simulator with its
// API key) and pull (the long poll for operations), over HTTPS with the throwaway CA. To be
// filled in with the routes; the transport above is what they will run on.
TEST_F(ChannelOverHttps, RegistrationAndPullOverHttps) {
    start_https();
    const auto client = client_for(https_url(), pki_.ca_cert());
    const std::string admin = vergegrid::test::kTestAdminToken;
    const auto token = client.request("POST", "/api/v1/simulators/registration-tokens",
                                      nlohmann::json::object(), admin);
    ASSERT_EQ(token.status, 201) << token.body;
    const auto registered = client.request(
        "POST", "/api/v1/sim/register",
        nlohmann::json{{"token", token.json().at("token")}, {"hostname", "sim-tls"}});
    ASSERT_EQ(registered.status, 201) << registered.body;
    const std::string simulator = registered.json().at("simulator_id");
    const std::string key = registered.json().at("api_key");

    const auto estate =
        client.request("POST", "/api/v1/estates",
                       nlohmann::json{{"name", "Main"}, {"owner", "Ada Lovelace"}}, admin);
    const auto region = client.request("POST", "/api/v1/regions",
                                       nlohmann::json{{"name", "Alpha"},
                                                      {"estate_id", estate.json().at("id")},
                                                      {"loc_x", 1000},
                                                      {"loc_y", 1000},
                                                      {"port", 9000},
                                                      {"host", "sim-tls"},
                                                      {"placement", {{"simulator_id", simulator}}}},
                                       admin);
    ASSERT_EQ(region.status, 201) << region.body;

    ChannelRequest pull;
    pull.path = "/api/v1/sim/operations?wait=5";
    pull.bearer_token = key;
    pull.timeout = std::chrono::seconds(10);
    const auto operations = client.request(pull);
    ASSERT_EQ(operations.status, 200) << operations.body;
    ASSERT_EQ(operations.json().at("items").size(), 1u);
    EXPECT_EQ(operations.json().at("items").at(0).at("kind"), "create");
    EXPECT_EQ(operations.json().at("items").at(0).at("spec").at("name"), "Alpha");
}

}  // namespace
