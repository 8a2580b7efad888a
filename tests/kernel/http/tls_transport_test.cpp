// What only HTTPS has: plain HTTP on the TLS port, handshakes that never come, TLS records that
// hold more than one request, the cipher policy. Built into the server tests over TLS only.
#ifndef VERGEGRID_TEST_TLS
#error "tls_transport_test.cpp belongs to the server tests built with VERGEGRID_TEST_TLS"
#endif

#include <Poco/Net/SSLException.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>

#include "server_fixture.hpp"

namespace {

using namespace vergegrid::test;
using Clock = std::chrono::steady_clock;

class TlsTransport : public ServerFixture {};

// A GET padded to exactly `size` bytes with a filler header.
std::string get_of_size(std::size_t size) {
    std::string request = http_request("GET", "/hello", {{"X-Filler", ""}});
    const auto insert_at = request.find("X-Filler: ") + std::string("X-Filler: ").size();
    request.insert(insert_at, std::string(size - request.size(), 'f'));
    return request;
}

TEST_F(TlsTransport, PlainHttpOnTheTlsPortGetsNoHttpAnswer) {
    start();
    RawClient plain(port(), 3000ms, nullptr);
    plain.send(http_request("GET", "/hello"));
    EXPECT_TRUE(plain.closed_by_server(3000ms));
    EXPECT_TRUE(eventually([&] { return log_contains("connection closed"); }));

    RawClient secure(port());  // the server is none the worse
    EXPECT_EQ(secure.exchange(http_request("GET", "/hello")).status, 200);
}

TEST_F(TlsTransport, PipelinedRequestsInOneTlsRecordAreAllAnswered) {
    start();  // keep-alive timeout 10 s: a request overlooked would stall the reads below
    RawClient client(port(), 3000ms);
    // Poco reads 4 KiB at a time: after each of these requests its buffer is empty while OpenSSL
    // still holds the next one, read and decrypted from the same 12 KiB record.
    const auto one = get_of_size(4096);
    ASSERT_EQ(one.size(), 4096u);
    client.send(one + one + one);
    const auto began = Clock::now();
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(client.read_reply().status, 200) << "reply " << i;
    }
    EXPECT_LT(Clock::now() - began, 2s);
}

TEST_F(TlsTransport, AClientThatNeverStartsTheHandshakeHoldsNobodyUp) {
    start();
    Poco::Net::StreamSocket silent(Poco::Net::SocketAddress("127.0.0.1", port()));
    std::this_thread::sleep_for(100ms);  // accepted, its thread waiting for a ClientHello
    const auto began = Clock::now();
    RawClient client(port());
    EXPECT_EQ(client.exchange(http_request("GET", "/hello")).status, 200);
    EXPECT_LT(Clock::now() - began, 1s);

    const auto stop_began = Clock::now();
    server_->stop(5000ms);  // the silent connection is idle, not a request in flight
    EXPECT_LT(Clock::now() - stop_began, 1s);
}

TEST_F(TlsTransport, AStalledHandshakeIsDroppedAfterTheRequestTimeout) {
    auto settings = test_settings();
    settings.request_timeout = 300ms;
    start(settings);
    RawClient half(port(), 3000ms, nullptr);
    half.send(std::string("\x16\x03\x01\x02\x00", 5));  // the start of a ClientHello record
    EXPECT_TRUE(half.closed_by_server(3000ms));
}

TEST_F(TlsTransport, EveryAnswerCarriesStrictTransportSecurity) {
    start();
    RawClient client(port());
    EXPECT_EQ(client.exchange(http_request("GET", "/hello")).header("strict-transport-security"),
              "max-age=31536000");
    EXPECT_EQ(client.exchange(http_request("GET", "/nope")).header("strict-transport-security"),
              "max-age=31536000");
    // Answers to requests Poco could not parse go out another way: they carry it too.
    RawClient other(port());
    const auto malformed =
        other.exchange("GET /hello HTTP/1.1\r\nHost: x\r\nContent-Length: 12abc\r\n\r\n");
    EXPECT_EQ(malformed.status, 400);
    EXPECT_EQ(malformed.header("strict-transport-security"), "max-age=31536000");
}

TEST_F(TlsTransport, AHeadTrickledOverTlsIsCutOffAtTheHeadDeadline) {
    auto settings = test_settings();
    settings.head_timeout = 500ms;
    settings.request_timeout = 5000ms;  // each line comes well within this per-read bound
    start(settings);
    RawClient client(port(), 5000ms);
    const auto began = Clock::now();
    client.send("GET /hello HTTP/1.1\r\n");
    bool cut = false;
    for (int line = 0; Clock::now() - began < 6s; ++line) {
        std::this_thread::sleep_for(100ms);
        try {
            client.send("X-Line-" + std::to_string(line) + ": y\r\n");
        } catch (const std::exception&) {
            cut = true;  // the server shut the connection down
            break;
        }
    }
    if (!cut) {
        cut = client.closed_by_server(100ms);
    }
    EXPECT_TRUE(cut);
    EXPECT_LT(Clock::now() - began, 3s);
}

Poco::Net::Context::Ptr tls12_client(const std::string& ciphers) {
    Poco::Net::Context::Params params;
    params.caLocation = fixture_pki().ca_cert().string();
    params.verificationMode = Poco::Net::Context::VERIFY_STRICT;
    params.cipherList = ciphers;
    Poco::Net::Context::Ptr context =
        new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
    context->disableProtocols(Poco::Net::Context::PROTO_TLSV1_3);
    return context;
}

TEST_F(TlsTransport, Tls12WithAForwardSecretAeadCipherIsServed) {
    start();
    RawClient client(port(), 3000ms, tls12_client("ECDHE-ECDSA-AES128-GCM-SHA256"));
    EXPECT_EQ(client.exchange(http_request("GET", "/hello")).status, 200);
}

TEST_F(TlsTransport, CiphersOutsideThePolicyAreRefused) {
    start();
    // Forward-secret but CBC with SHA-1 or SHA-384 MACs: usable with the test's ECDSA certificate,
    // so only the server's cipher list can refuse them.
    EXPECT_THROW(
        RawClient(port(), 3000ms, tls12_client("ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA384")),
        Poco::Net::SSLException);
}

TEST_F(TlsTransport, ProtocolsBeforeTls12AreRefused) {
    start();
    Poco::Net::Context::Params params;
    params.caLocation = fixture_pki().ca_cert().string();
    params.verificationMode = Poco::Net::Context::VERIFY_STRICT;
    params.cipherList = "ALL:@SECLEVEL=0";  // let the client offer TLS 1.0 and 1.1 at all
    Poco::Net::Context::Ptr old_client =
        new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
    old_client->disableProtocols(Poco::Net::Context::PROTO_TLSV1_2 |
                                 Poco::Net::Context::PROTO_TLSV1_3);
    EXPECT_THROW(RawClient(port(), 3000ms, old_client), Poco::Net::SSLException);
}

}  // namespace
