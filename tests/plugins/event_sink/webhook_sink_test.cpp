// The webhook event sink through its real shared object: signed POSTs of exactly the event's
// document, verified HTTPS (a test CA, none, a certificate for another name), http:// only when
// allowed, a batch stopped by its first failure, one deadline for a silent receiver, redirects
// refused, a batch's posts over one kept connection (and a new one when the receiver closes or
// drops it), and check_target's errors naming the field.
#include <Poco/Net/Context.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <Poco/String.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <fstream>
#include <future>
#include <iterator>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "plugin_host/loaded_plugin.hpp"
#include "ssl_runtime/ssl_runtime.hpp"
#include "tests/plugins/event_sink/webhook_receiver.hpp"
#include "tests/support/builtin_plugin.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/listen_port.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/throwaway_pki.hpp"
#include "vergegrid/plugin_api/event_sink.hpp"

namespace {

namespace api = vergegrid::plugin_api;
using ::testing::HasSubstr;
using ::testing::StartsWith;
using vergegrid::test::BuiltinPlugin;
using vergegrid::test::ThrowawayPki;
using vergegrid::test::WebhookReceiver;
using Clock = std::chrono::steady_clock;

constexpr const char* kSecret = "0123456789abcdef-test-secret";

// Computed here with OpenSSL directly, not with the plugin's code: the receiver's view.
std::string hmac_hex(const std::string& key, const std::string& message) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
         reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest, &length);
    std::string hex;
    for (unsigned int i = 0; i < length; ++i) {
        static constexpr char kHex[] = "0123456789abcdef";
        hex += kHex[digest[i] >> 4];
        hex += kHex[digest[i] & 0x0f];
    }
    return hex;
}

api::OutboxEvent event(int n) {
    api::OutboxEvent e;
    e.seq = n;
    e.id = "00000000-0000-4000-8000-00000000000" + std::to_string(n % 10);
    e.type = "org.vergegrid.region.created";
    e.subject = "11111111-2222-4333-8444-55555555555" + std::to_string(n % 10);
    e.time = "2027-01-31T12:00:00.000Z";
    e.document = nlohmann::json{{"specversion", "1.0"},
                                {"id", e.id},
                                {"source", "/vergegrid"},
                                {"type", e.type},
                                {"subject", e.subject},
                                {"time", e.time},
                                {"data", {{"n", n}, {"name", "Région ünïcode"}}}}
                     .dump();
    return e;
}

std::vector<api::OutboxEvent> events(int count) {
    std::vector<api::OutboxEvent> list;
    for (int i = 1; i <= count; ++i) {
        list.push_back(event(i));
    }
    return list;
}

api::SinkTarget target_for(const std::string& url, std::int64_t deadline_ms = 10000) {
    api::SinkTarget target;
    target.subscription_id = "sub-1";
    target.target = nlohmann::json{{"url", url}, {"secret", kSecret}}.dump();
    target.deadline_ms = deadline_ms;
    return target;
}

class WebhookSink : public ::testing::Test {
  protected:
    // As in the control plane (kernel/http/server.cpp): a write to a connection the receiver
    // has closed fails instead of ending the process.
    static void SetUpTestSuite() { std::signal(SIGPIPE, SIG_IGN); }

    std::shared_ptr<api::EventSink> sink(const api::ConfigSection& config = {}) {
        return plugin_.make<api::EventSink>(config);
    }
    std::shared_ptr<api::EventSink> http_sink() { return sink({{"allow_http", "true"}}); }

    BuiltinPlugin plugin_{"vg-event_sink-webhook.so", "event_sink", "webhook"};
};

TEST_F(WebhookSink, IsASinkOfSubscriptionsMadeThroughTheApi) {
    EXPECT_FALSE(sink()->configured_destination());
}

TEST_F(WebhookSink, PostsEachDocumentSignedWithTheTimestamp) {
    WebhookReceiver receiver;
    const auto batch = events(3);
    const auto attempts = http_sink()->deliver(target_for(receiver.url()), batch);
    ASSERT_EQ(attempts.size(), 3u);
    for (const auto& attempt : attempts) {
        EXPECT_TRUE(attempt.delivered) << attempt.error;
        EXPECT_EQ(attempt.status, 204);
        EXPECT_EQ(attempt.error, "");
        EXPECT_GE(attempt.duration_ms, 0);
    }
    const auto posts = receiver.received();
    ASSERT_EQ(posts.size(), 3u);
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    for (std::size_t i = 0; i < posts.size(); ++i) {
        const auto& post = posts[i];
        EXPECT_EQ(post.method, "POST");
        EXPECT_EQ(post.path, "/hooks/in?x=1");
        EXPECT_EQ(post.body, batch[i].document);  // the exact bytes, in order
        EXPECT_EQ(post.headers.at("content-type"), "application/cloudevents+json");
        EXPECT_EQ(post.headers.at("x-vergegrid-event-id"), batch[i].id);
        const auto& timestamp = post.headers.at("x-vergegrid-timestamp");
        EXPECT_LE(std::abs(std::stoll(timestamp) - now), 5) << timestamp;
        EXPECT_EQ(post.headers.at("x-vergegrid-signature"),
                  "sha256=" + hmac_hex(kSecret, timestamp + "." + post.body));
        // Signed with the timestamp: the same body under another timestamp does not verify.
        EXPECT_NE(post.headers.at("x-vergegrid-signature"),
                  "sha256=" + hmac_hex(kSecret, std::to_string(std::stoll(timestamp) + 60) + "." +
                                                    post.body));
    }
}

std::set<std::uint16_t> connections_of(const std::vector<vergegrid::test::ReceivedPost>& posts) {
    std::set<std::uint16_t> ports;
    for (const auto& post : posts) {
        ports.insert(post.client_port);
    }
    return ports;
}

TEST_F(WebhookSink, ABatchGoesOverOneKeptConnection) {
    WebhookReceiver receiver;
    receiver.answer_with({200, 204, 200, 202});
    receiver.answer_body("{\"ok\":true}");  // read to its end, so the connection can go on
    const auto attempts = http_sink()->deliver(target_for(receiver.url()), events(5));
    ASSERT_EQ(attempts.size(), 5u);
    for (const auto& attempt : attempts) {
        EXPECT_TRUE(attempt.delivered) << attempt.error;
    }
    const auto posts = receiver.received();
    ASSERT_EQ(posts.size(), 5u);
    EXPECT_EQ(connections_of(posts).size(), 1u);
    const auto connection = posts[0].headers.find("connection");
    EXPECT_TRUE(connection == posts[0].headers.end() ||
                Poco::icompare(connection->second, "close") != 0)
        << "the sink asks for the connection to be kept";
}

TEST_F(WebhookSink, AReceiverThatClosesEachConnectionGetsANewOneForEachPost) {
    WebhookReceiver receiver;
    receiver.close_each_connection();
    const auto attempts = http_sink()->deliver(target_for(receiver.url()), events(3));
    ASSERT_EQ(attempts.size(), 3u);
    for (const auto& attempt : attempts) {
        EXPECT_TRUE(attempt.delivered) << attempt.error;
    }
    EXPECT_EQ(connections_of(receiver.received()).size(), 3u);
}

// A failed answer ends its batch; the next batch (on a connection of its own) goes through.
TEST_F(WebhookSink, ABatchAfterAFailedAnswerIsDelivered) {
    WebhookReceiver receiver;
    receiver.answer_with({500});
    const auto sink = http_sink();
    ASSERT_FALSE(sink->deliver(target_for(receiver.url()), events(1))[0].delivered);
    const auto retried = sink->deliver(target_for(receiver.url()), events(2));
    ASSERT_EQ(retried.size(), 2u);
    EXPECT_TRUE(retried[1].delivered) << retried[1].error;
}

// Answers each request on a connection with a keep-alive 204, then hangs up without saying so:
// the sink's next post on that connection finds it gone before any answer, and posts again on a
// new connection.
class HangingUpReceiver {
  public:
    HangingUpReceiver() : thread_([this] { run(); }) {}
    ~HangingUpReceiver() {
        stop_ = true;
        thread_.join();
    }
    std::string url() const {
        return "http://127.0.0.1:" + std::to_string(socket_.address().port()) + "/";
    }
    int connections() const { return connections_; }
    int requests() const { return requests_; }

  private:
    void run() {
        const Poco::Timespan tick(50 * 1000);
        while (!stop_) {
            if (!socket_.poll(tick, Poco::Net::Socket::SELECT_READ)) {
                continue;
            }
            Poco::Net::StreamSocket connection = socket_.acceptConnection();
            ++connections_;
            connection.setReceiveTimeout(Poco::Timespan(5, 0));
            try {
                std::string request;
                char buffer[8192];
                // The head, then as many body bytes as it announces.
                std::size_t end = std::string::npos;
                while ((end = request.find("\r\n\r\n")) == std::string::npos) {
                    const int n = connection.receiveBytes(buffer, sizeof buffer);
                    if (n <= 0) {
                        break;
                    }
                    request.append(buffer, static_cast<std::size_t>(n));
                }
                const std::smatch found = [&] {
                    std::smatch m;
                    static const std::regex length("Content-Length: ([0-9]+)", std::regex::icase);
                    std::regex_search(request, m, length);
                    return m;
                }();
                const std::size_t wanted =
                    end + 4 + (found.empty() ? 0 : std::stoul(found[1].str()));
                while (end != std::string::npos && request.size() < wanted) {
                    const int n = connection.receiveBytes(buffer, sizeof buffer);
                    if (n <= 0) {
                        break;
                    }
                    request.append(buffer, static_cast<std::size_t>(n));
                }
                ++requests_;
                const std::string answer = "HTTP/1.1 204 No Content\r\n\r\n";
                connection.sendBytes(answer.data(), static_cast<int>(answer.size()));
                std::this_thread::sleep_for(std::chrono::milliseconds(20));
            } catch (const Poco::Exception&) {
            }
            connection.close();
        }
    }

    Poco::Net::ServerSocket socket_{Poco::Net::SocketAddress("127.0.0.1", 0)};
    std::atomic<bool> stop_{false};
    std::atomic<int> connections_{0};
    std::atomic<int> requests_{0};
    std::thread thread_;
};

TEST_F(WebhookSink, AKeptConnectionTheReceiverClosedIsOpenedAgain) {
    HangingUpReceiver receiver;
    const auto attempts = http_sink()->deliver(target_for(receiver.url()), events(3));
    ASSERT_EQ(attempts.size(), 3u);
    for (const auto& attempt : attempts) {
        EXPECT_TRUE(attempt.delivered) << attempt.error;
    }
    EXPECT_EQ(receiver.requests(), 3);
    EXPECT_EQ(receiver.connections(), 3);
}

TEST_F(WebhookSink, HttpsVerifiesWithTheConfiguredCa) {
    ThrowawayPki pki;
    WebhookReceiver receiver(pki, pki.server_cert());
    auto webhook = sink({{"ca_file", pki.ca_cert().string()}});
    const auto attempts = webhook->deliver(target_for(receiver.url()), events(2));
    ASSERT_EQ(attempts.size(), 2u);
    EXPECT_TRUE(attempts[0].delivered) << attempts[0].error;
    EXPECT_TRUE(attempts[1].delivered) << attempts[1].error;
    EXPECT_EQ(receiver.received().size(), 2u);
}

TEST_F(WebhookSink, HttpsWithoutTheCaFailsOnTheCertificate) {
    ThrowawayPki pki;
    WebhookReceiver receiver(pki, pki.server_cert());
    const auto attempts = sink()->deliver(target_for(receiver.url()), events(2));
    ASSERT_EQ(attempts.size(), 1u);
    EXPECT_FALSE(attempts[0].delivered);
    EXPECT_EQ(attempts[0].status, 0);
    EXPECT_THAT(attempts[0].error, StartsWith("certificate verify failed: "));
    EXPECT_TRUE(receiver.received().empty());
}

TEST_F(WebhookSink, HttpsFailsForACertificateOfAnotherCa) {
    ThrowawayPki pki;
    WebhookReceiver receiver(pki, pki.foreign_cert());
    const auto attempts =
        sink({{"ca_file", pki.ca_cert().string()}})->deliver(target_for(receiver.url()), events(1));
    ASSERT_EQ(attempts.size(), 1u);
    EXPECT_THAT(attempts[0].error, StartsWith("certificate verify failed: "));
    EXPECT_TRUE(receiver.received().empty());
}

TEST_F(WebhookSink, HttpsFailsWhenTheCertificateNamesAnotherHost) {
    ThrowawayPki pki;
    // Valid for "localhost" only; the URL says 127.0.0.1.
    WebhookReceiver receiver(pki, pki.localhost_only_cert());
    const auto attempts =
        sink({{"ca_file", pki.ca_cert().string()}})->deliver(target_for(receiver.url()), events(1));
    ASSERT_EQ(attempts.size(), 1u);
    EXPECT_FALSE(attempts[0].delivered);
    EXPECT_THAT(attempts[0].error, StartsWith("certificate verify failed: "));
    EXPECT_THAT(attempts[0].error, HasSubstr("127.0.0.1"));
    EXPECT_TRUE(receiver.received().empty());
}

TEST_F(WebhookSink, HttpOnlyWhenAllowed) {
    const auto http = nlohmann::json{{"url", "http://127.0.0.1:9/in"}, {"secret", kSecret}}.dump();
    try {
        sink()->check_target(http);
        FAIL() << "http:// accepted without allow_http";
    } catch (const api::TargetError& e) {
        EXPECT_EQ(e.field(), "url");
        EXPECT_THAT(e.what(), HasSubstr("allow_http"));
    }
    EXPECT_NO_THROW(http_sink()->check_target(http));

    // A target stored while http was allowed is not delivered to once it no longer is.
    WebhookReceiver receiver;
    const auto attempts = sink()->deliver(target_for(receiver.url()), events(2));
    ASSERT_EQ(attempts.size(), 1u);
    EXPECT_FALSE(attempts[0].delivered);
    EXPECT_THAT(attempts[0].error, HasSubstr("url"));
    EXPECT_TRUE(receiver.received().empty());
}

TEST_F(WebhookSink, AFailedPostStopsTheBatch) {
    WebhookReceiver receiver;
    receiver.answer_with({200, 500, 204});
    const auto attempts = http_sink()->deliver(target_for(receiver.url()), events(4));
    ASSERT_EQ(attempts.size(), 2u);  // the delivered one and the failed one
    EXPECT_TRUE(attempts[0].delivered);
    EXPECT_EQ(attempts[0].status, 200);
    EXPECT_FALSE(attempts[1].delivered);
    EXPECT_EQ(attempts[1].status, 500);
    EXPECT_EQ(attempts[1].error, "HTTP 500");
    EXPECT_EQ(receiver.received().size(), 2u);
}

TEST_F(WebhookSink, ARedirectIsAFailure) {
    WebhookReceiver receiver;
    receiver.answer_with({302});
    const auto attempts = http_sink()->deliver(target_for(receiver.url()), events(2));
    ASSERT_EQ(attempts.size(), 1u);
    EXPECT_FALSE(attempts[0].delivered);
    EXPECT_EQ(attempts[0].status, 302);
    EXPECT_THAT(attempts[0].error, HasSubstr("/elsewhere"));
    EXPECT_EQ(receiver.received().size(), 1u);  // not followed
}

TEST_F(WebhookSink, ARefusedConnectionIsAFailure) {
    vergegrid::test::RefusingPort refusing;
    const auto url = "http://127.0.0.1:" + std::to_string(refusing.port()) + "/in";
    const auto attempts = http_sink()->deliver(target_for(url), events(1));
    ASSERT_EQ(attempts.size(), 1u);
    EXPECT_FALSE(attempts[0].delivered);
    EXPECT_EQ(attempts[0].error, "connection refused");
}

// A port that completes TCP connections (the kernel's backlog) and never reads or answers.
class SilentPort {
  public:
    SilentPort() : socket_(Poco::Net::SocketAddress("127.0.0.1", 0)) {}
    std::uint16_t port() const { return socket_.address().port(); }

  private:
    Poco::Net::ServerSocket socket_;
};

void expect_timed_out_within(const std::shared_ptr<api::EventSink>& sink, const std::string& url) {
    constexpr std::int64_t kDeadlineMs = 700;
    const auto start = Clock::now();
    const auto attempts = sink->deliver(target_for(url, kDeadlineMs), events(2));
    const auto took =
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
    ASSERT_EQ(attempts.size(), 1u);
    EXPECT_FALSE(attempts[0].delivered);
    EXPECT_EQ(attempts[0].error, "timed out after 700 ms");
    EXPECT_GE(took, kDeadlineMs - 50);
    EXPECT_LT(took, 3 * kDeadlineMs) << "the deadline did not bound the delivery";
}

TEST_F(WebhookSink, ASilentReceiverFailsWithinTheDeadline) {
    SilentPort silent;
    expect_timed_out_within(http_sink(), "http://127.0.0.1:" + std::to_string(silent.port()) + "/");
}

TEST_F(WebhookSink, ASilentTlsReceiverFailsWithinTheDeadline) {
    SilentPort silent;
    expect_timed_out_within(sink(), "https://127.0.0.1:" + std::to_string(silent.port()) + "/");
}

// Accepts one connection (over TLS with `context`), reads what arrives once, sends `reply` and
// then holds the connection open without another byte until the object goes.
class HoldingReceiver {
  public:
    explicit HoldingReceiver(std::string reply, Poco::Net::Context::Ptr context = nullptr)
        : socket_(context ? Poco::Net::SecureServerSocket(Poco::Net::SocketAddress("127.0.0.1", 0),
                                                          64, context)
                          : Poco::Net::ServerSocket(Poco::Net::SocketAddress("127.0.0.1", 0))),
          reply_(std::move(reply)),
          thread_([this] { run(); }) {}
    ~HoldingReceiver() {
        stop_ = true;
        thread_.join();
    }
    std::uint16_t port() const { return socket_.address().port(); }
    bool got_request() const { return got_request_; }

  private:
    void run() {
        const Poco::Timespan tick(50 * 1000);
        while (!stop_ && !socket_.poll(tick, Poco::Net::Socket::SELECT_READ)) {
        }
        if (stop_) {
            return;
        }
        Poco::Net::StreamSocket connection = socket_.acceptConnection();
        connection.setReceiveTimeout(Poco::Timespan(5, 0));
        char buffer[8192];
        try {
            got_request_ = connection.receiveBytes(buffer, sizeof buffer) > 0;
            if (!reply_.empty()) {
                connection.sendBytes(reply_.data(), static_cast<int>(reply_.size()));
            }
        } catch (const Poco::Exception&) {
        }
        while (!stop_) {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
    }

    Poco::Net::ServerSocket socket_;
    std::string reply_;
    std::atomic<bool> stop_{false};
    std::atomic<bool> got_request_{false};
    std::thread thread_;
};

TEST_F(WebhookSink, ATlsReceiverThatNeverAnswersFailsWithinTheDeadline) {
    ThrowawayPki pki;
    vergegrid::ssl_runtime::ensure_initialized();
    HoldingReceiver receiver(
        "",
        new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, pki.server_key().string(),
                               pki.server_cert().string(), "", Poco::Net::Context::VERIFY_NONE));
    expect_timed_out_within(sink({{"ca_file", pki.ca_cert().string()}}),
                            "https://127.0.0.1:" + std::to_string(receiver.port()) + "/");
    EXPECT_TRUE(receiver.got_request());  // the handshake and the request went through
}

TEST_F(WebhookSink, AnAnswerHeadLargerThanTheLimitIsAFailure) {
    HoldingReceiver receiver("HTTP/1.1 200 OK\r\nX-Filler: " + std::string(4000, 'f') + "\r\n");
    const auto attempts =
        sink({{"allow_http", "true"}, {"max_response_bytes", "1024"}})
            ->deliver(target_for("http://127.0.0.1:" + std::to_string(receiver.port()) + "/"),
                      events(1));
    ASSERT_EQ(attempts.size(), 1u);
    EXPECT_FALSE(attempts[0].delivered);
    EXPECT_THAT(attempts[0].error, HasSubstr("larger than 1024 bytes"));
}

TEST_F(WebhookSink, ASlowReceiverDoesNotDelayAnotherSubscription) {
    SilentPort silent;
    WebhookReceiver receiver;
    auto webhook = http_sink();
    auto slow = std::async(std::launch::async, [&] {
        return webhook->deliver(
            target_for("http://127.0.0.1:" + std::to_string(silent.port()) + "/", 3000), events(1));
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    const auto start = Clock::now();
    const auto fast = webhook->deliver(target_for(receiver.url()), events(3));
    const auto took =
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
    EXPECT_EQ(slow.wait_for(std::chrono::milliseconds(0)), std::future_status::timeout)
        << "the slow delivery ended before the fast one was made";
    ASSERT_EQ(fast.size(), 3u);
    EXPECT_TRUE(fast[2].delivered) << fast[2].error;
    EXPECT_LT(took, 2000);
    EXPECT_EQ(slow.get().at(0).error, "timed out after 3000 ms");
}

TEST_F(WebhookSink, CheckTargetKeepsUrlAndSecretOnly) {
    const auto stored = sink()->check_target(
        R"({"url":"https://hooks.example.org/in","secret":"0123456789abcdef","name":"x"})");
    EXPECT_EQ(
        nlohmann::json::parse(stored),
        (nlohmann::json{{"url", "https://hooks.example.org/in"}, {"secret", "0123456789abcdef"}}));
}

void expect_refused(api::EventSink& sink, const std::string& target, const std::string& field) {
    try {
        sink.check_target(target);
        ADD_FAILURE() << "accepted: " << target;
    } catch (const api::TargetError& e) {
        EXPECT_EQ(e.field(), field) << target << ": " << e.what();
        EXPECT_STRNE(e.what(), "");
    }
}

TEST_F(WebhookSink, CheckTargetErrorsNameTheField) {
    auto webhook = sink();
    const std::string secret = R"("secret":"0123456789abcdef")";
    expect_refused(*webhook, "", "target");
    expect_refused(*webhook, "[]", "target");
    expect_refused(*webhook, "{" + secret + "}", "url");
    expect_refused(*webhook, R"({"url":42,)" + secret + "}", "url");
    expect_refused(*webhook, R"({"url":"ftp://h/x",)" + secret + "}", "url");
    expect_refused(*webhook, R"({"url":"https:///x",)" + secret + "}", "url");
    expect_refused(*webhook, R"({"url":"https://h/a b",)" + secret + "}", "url");
    expect_refused(*webhook, R"({"url":"https://u:p@h/x",)" + secret + "}", "url");
    expect_refused(
        *webhook, R"({"url":"https://h/)" + std::string(2048, 'a') + R"(",)" + secret + "}", "url");
    expect_refused(*webhook, R"({"url":"https://h/x"})", "secret");
    expect_refused(*webhook, R"({"url":"https://h/x","secret":"short"})", "secret");
    expect_refused(*webhook, R"({"url":"https://h/x","secret":")" + std::string(257, 's') + R"("})",
                   "secret");
    EXPECT_NO_THROW(webhook->check_target(R"({"url":"https://h:8443/x?y=1",)" + secret + "}"));
}

TEST_F(WebhookSink, BadConfigValuesNameTheirKey) {
    const auto key_of = [&](const api::ConfigSection& config) {
        try {
            sink(config);
        } catch (const vergegrid::plugin_host::PluginCreateError& e) {
            return e.config_key;
        }
        return std::string("(created)");
    };
    EXPECT_THAT(key_of({{"allow_http", "yes"}}), HasSubstr("allow_http"));
    EXPECT_THAT(key_of({{"ca_file", "/nonexistent/ca.pem"}}), HasSubstr("ca_file"));
    EXPECT_THAT(key_of({{"max_response_bytes", "12"}}), HasSubstr("max_response_bytes"));
    EXPECT_EQ(key_of({{"max_response_bytes", "4096"}}), "(created)");
}

// The receiver docs/events.md shows ("Verifying a webhook"), run as written with python3: it
// accepts what the sink sends and refuses a request signed with another secret.
TEST_F(WebhookSink, TheDocumentedPythonReceiverVerifiesTheSignature) {
    std::ifstream doc(std::string(VERGEGRID_SOURCE_DIR) + "/docs/events.md");
    const std::string text((std::istreambuf_iterator<char>(doc)), std::istreambuf_iterator<char>());
    std::smatch match;
    ASSERT_TRUE(std::regex_search(text, match, std::regex("```python\\n([\\s\\S]*?)```")));
    std::string code = match[1];
    const auto port = vergegrid::test::unclaimed_listen_port();
    const auto replace = [&](const std::string& from, const std::string& to) {
        const auto at = code.find(from);
        ASSERT_NE(at, std::string::npos) << from;
        code.replace(at, from.size(), to);
    };
    replace("b\"the webhook's secret\"", std::string("b\"") + kSecret + "\"");
    replace("8080", std::to_string(port));
    vergegrid::test::TempDir dir;
    const auto script = dir.path() / "receiver.py";
    std::ofstream(script) << code;
    vergegrid::test::ChildProcess python("/usr/bin/python3", {script.string()});
    const auto url = "http://127.0.0.1:" + std::to_string(port) + "/";
    const auto deadline = Clock::now() + std::chrono::seconds(10);
    for (;;) {
        try {
            Poco::Net::StreamSocket probe;
            probe.connect(Poco::Net::SocketAddress("127.0.0.1", port), Poco::Timespan(1, 0));
            break;
        } catch (const Poco::Exception&) {
            ASSERT_LT(Clock::now(), deadline) << "the receiver did not start: " << python.output();
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
    }
    const auto attempts = http_sink()->deliver(target_for(url), events(2));
    ASSERT_EQ(attempts.size(), 2u);
    EXPECT_TRUE(attempts[1].delivered) << attempts[1].error << python.output();
    EXPECT_EQ(attempts[1].status, 204);

    auto forged = target_for(url);
    forged.target = nlohmann::json{{"url", url}, {"secret", "another-secret-of-16+"}}.dump();
    const auto refused = http_sink()->deliver(forged, events(1));
    ASSERT_EQ(refused.size(), 1u);
    EXPECT_EQ(refused[0].status, 401);
}

}  // namespace
