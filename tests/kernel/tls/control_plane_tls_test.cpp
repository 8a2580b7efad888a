// vergegrid-control with tls.* keys: HTTPS only on its listen address, bad TLS configuration
// reported by key name with exit status 2, and a graceful stop over TLS.
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/StreamCopier.h>
#include <Poco/String.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "tests/kernel/http/raw_client.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/throwaway_pki.hpp"

namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using vergegrid::test::ChildProcess;
using vergegrid::test::ControlPlaneProcess;
using vergegrid::test::TempDir;
using vergegrid::test::ThrowawayPki;
using namespace std::chrono_literals;

class ControlPlaneTls : public ::testing::Test {
  protected:
    std::vector<std::string> ephemeral() const {
        return {"--listen", "127.0.0.1:0", "--data-dir", data_dir().string()};
    }
    fs::path data_dir() const { return dir_.path() / "data"; }

    std::map<std::string, std::string> tls_env() const {
        return {{"VERGEGRID_TLS_CERT_FILE", pki_.server_cert().string()},
                {"VERGEGRID_TLS_KEY_FILE", pki_.server_key().string()}};
    }

    Poco::Net::Context::Ptr client_context() const {
        Poco::Net::Context::Params params;
        params.caLocation = pki_.ca_cert().string();
        params.verificationMode = Poco::Net::Context::VERIFY_STRICT;
        return new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
    }

    // GET over https, trusting the throwaway CA; returns status and body.
    std::pair<int, std::string> https_get(std::uint16_t port, const std::string& path) const {
        Poco::Net::HTTPSClientSession session("127.0.0.1", port, client_context());
        session.setTimeout(Poco::Timespan(10, 0));
        Poco::Net::HTTPRequest request("GET", path, Poco::Net::HTTPMessage::HTTP_1_1);
        session.sendRequest(request);
        Poco::Net::HTTPResponse response;
        std::string body;
        Poco::StreamCopier::copyToString(session.receiveResponse(response), body);
        return {static_cast<int>(response.getStatus()), body};
    }

    // Runs vergegrid-control with this configuration and expects it to refuse to start.
    std::string refused_start(const std::map<std::string, std::string>& env,
                              const std::vector<std::string>& extra_args = {}) const {
        auto args = ephemeral();
        args.insert(args.end(), extra_args.begin(), extra_args.end());
        ChildProcess control(VERGEGRID_CONTROL_BINARY, args, env);
        EXPECT_EQ(control.wait_for_exit(15s), 2) << control.output();
        return control.output();
    }

    TempDir dir_;
    ThrowawayPki pki_;
};

TEST_F(ControlPlaneTls, ServesHttpsOnlyAndLogsAnHttpsUrl) {
    ControlPlaneProcess control(ephemeral(), tls_env());
    ASSERT_TRUE(control.started()) << control.process().output();
    EXPECT_THAT(control.process().output(),
                HasSubstr("listening on https://127.0.0.1:" + std::to_string(control.port())));
    EXPECT_THAT(control.process().output(), HasSubstr("TLS certificate: subject CN=localhost"));

    const auto [status, body] = https_get(control.port(), "/api/v1/version");
    EXPECT_EQ(status, 200);
    EXPECT_EQ(nlohmann::json::parse(body).at("program"), "vergegrid-control");

    Poco::Net::HTTPClientSession plain("127.0.0.1", control.port());
    plain.setTimeout(Poco::Timespan(5, 0));
    Poco::Net::HTTPRequest request("GET", "/healthz", Poco::Net::HTTPMessage::HTTP_1_1);
    Poco::Net::HTTPResponse response;
    EXPECT_ANY_THROW({
        plain.sendRequest(request);
        plain.receiveResponse(response);
    }) << "plain HTTP got an answer from the TLS port";

    control.process().send_signal(SIGTERM);
    EXPECT_EQ(control.process().wait_for_exit(15s), 0) << control.process().output();
}

TEST_F(ControlPlaneTls, KeysFromTheConfigFileWithAChainFile) {
    const auto ini = dir_.path() / "control.ini";
    std::ofstream(ini) << "[tls]\ncert_file = " << pki_.server_cert().string()
                       << "\nkey_file = " << pki_.server_key().string()
                       << "\nca_file = " << pki_.ca_cert().string() << "\n";
    auto args = ephemeral();
    args.insert(args.end(), {"--config", ini.string()});
    ControlPlaneProcess control(args);
    ASSERT_TRUE(control.started()) << control.process().output();
    EXPECT_EQ(https_get(control.port(), "/healthz").first, 200);
}

TEST_F(ControlPlaneTls, CertificateWithoutKeyExitsTwoNamingTheKey) {
    const auto output = refused_start({{"VERGEGRID_TLS_CERT_FILE", pki_.server_cert().string()}});
    EXPECT_THAT(output, HasSubstr("tls.key_file: must be set when tls.cert_file is"));
}

TEST_F(ControlPlaneTls, MissingKeyFileExitsTwoNamingTheKey) {
    const auto missing = (dir_.path() / "missing.key").string();
    const auto output = refused_start({{"VERGEGRID_TLS_CERT_FILE", pki_.server_cert().string()},
                                       {"VERGEGRID_TLS_KEY_FILE", missing}});
    EXPECT_THAT(output, HasSubstr("tls.key_file: '" + missing + "' does not exist"));
}

TEST_F(ControlPlaneTls, UnusableFilesExitTwoNamingTheKeyBeforeStorageIsTouched) {
    EXPECT_THAT(refused_start({{"VERGEGRID_TLS_CERT_FILE", pki_.server_cert().string()},
                               {"VERGEGRID_TLS_KEY_FILE", pki_.unrelated_key().string()}}),
                HasSubstr("tls.key_file: '" + pki_.unrelated_key().string() +
                          "' is not the private key of the certificate"));
    EXPECT_THAT(refused_start({{"VERGEGRID_TLS_CERT_FILE", pki_.server_cert().string()},
                               {"VERGEGRID_TLS_KEY_FILE", pki_.encrypted_key().string()}}),
                HasSubstr("tls.key_file: '" + pki_.encrypted_key().string() + "' is encrypted"));
    EXPECT_THAT(refused_start({{"VERGEGRID_TLS_CERT_FILE", pki_.server_key().string()},
                               {"VERGEGRID_TLS_KEY_FILE", pki_.server_key().string()}}),
                HasSubstr("tls.cert_file: '" + pki_.server_key().string() +
                          "' holds no usable PEM certificate"));
    auto env = tls_env();
    env["VERGEGRID_TLS_CA_FILE"] = pki_.server_key().string();
    EXPECT_THAT(refused_start(env), HasSubstr("tls.ca_file: '" + pki_.server_key().string() +
                                              "' holds no usable PEM certificates"));
    EXPECT_FALSE(fs::exists(data_dir())) << "TLS is checked before the data dir and storage";
}

TEST_F(ControlPlaneTls, SigtermLetsARequestInFlightOverTlsFinishThenExitsZero) {
    ControlPlaneProcess control(ephemeral(), tls_env());
    ASSERT_TRUE(control.started()) << control.process().output();

    // Headers now, body later: the request is in the server's hands when SIGTERM arrives.
    vergegrid::test::RawClient client(control.port(), 10s, client_context());
    client.send(
        "POST /api/v1/version HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        "Content-Length: 2\r\n\r\n");
    std::this_thread::sleep_for(300ms);

    control.process().send_signal(SIGTERM);
    ASSERT_TRUE(control.process().wait_for_output(std::regex("received SIGTERM"), 5s))
        << control.process().output();
    EXPECT_FALSE(control.process().wait_for_exit(500ms)) << "exited with a request in flight";

    client.send("{}");
    const auto reply = client.read_reply();
    EXPECT_EQ(reply.status, 405);
    EXPECT_EQ(reply.json().at("error").at("code"), "method_not_allowed");
    EXPECT_EQ(Poco::toLower(reply.header("connection")), "close");
    EXPECT_EQ(control.process().wait_for_exit(15s), 0) << control.process().output();
    EXPECT_THAT(control.process().output(), HasSubstr("storage closed"));
}

}  // namespace
