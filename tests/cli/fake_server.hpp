// Stand-ins for a control plane that answers oddly: an HTTP server whose answers a test scripts,
// and a TCP server that answers with bytes that are not HTTP at all. Both listen on 127.0.0.1:0.
#pragma once

#include <Poco/Net/ServerSocket.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace Poco::Net {
class HTTPServer;
}

namespace vergegrid::cli::test {

struct SeenRequest {
    std::string method;
    std::string uri;
    std::string authorization;  // empty when absent
    std::string if_match;
    std::string body;
    std::string range;            // the Range header; empty when absent
    std::string last_event_id{};  // the Last-Event-ID header; empty when absent
    std::string accept{};
};

struct Reply {
    int status = 200;
    std::string content_type = "application/json";
    std::string body;
    std::chrono::milliseconds delay{0};                          // waits this long before answering
    std::vector<std::pair<std::string, std::string>> headers{};  // extra ones (Content-Range)
    // When set, `body` is sent (chunked) and flushed, then after `later_delay` (cut short when
    // the server stops) `later` follows: a response whose first part arrives long before its end.
    std::string later{};
    std::chrono::milliseconds later_delay{0};
};

class FakeServer {
  public:
    using Responder = std::function<Reply(const SeenRequest&)>;

    explicit FakeServer(Responder responder);
    ~FakeServer();
    FakeServer(const FakeServer&) = delete;
    FakeServer& operator=(const FakeServer&) = delete;

    std::uint16_t port() const { return port_; }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
    std::vector<SeenRequest> requests() const;

    // What the request handlers share with the server; they may outlive it by a moment.
    struct State {
        Responder responder;
        std::mutex mutex;
        std::condition_variable stopping_changed;
        bool stopping = false;
        std::vector<SeenRequest> requests;

        Reply answer(const SeenRequest& request);
        void pause(std::chrono::milliseconds delay);
    };

  private:
    std::shared_ptr<State> state_;
    std::uint16_t port_ = 0;
    std::unique_ptr<Poco::Net::HTTPServer> server_;
};

class RawServer {
  public:
    explicit RawServer(std::string bytes);
    ~RawServer();
    RawServer(const RawServer&) = delete;
    RawServer& operator=(const RawServer&) = delete;

    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  private:
    std::string bytes_;
    Poco::Net::ServerSocket socket_;
    std::uint16_t port_ = 0;
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

}  // namespace vergegrid::cli::test
