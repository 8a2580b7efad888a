// A webhook receiver for the event bus's end-to-end tests: a Poco HTTP server on 127.0.0.1 that
// records every request (headers, body, when it arrived, what it answered), answers all with one
// status the test can switch (204, 503, 500), and can stop listening (connections refused) and
// listen again on the same port, as a receiver that is down for a while.
#pragma once

#include <Poco/Net/HTTPServer.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace vergegrid::test {

struct ReceivedRequest {
    std::string method;
    std::string path;
    std::map<std::string, std::string> headers;  // names in lower case
    std::string body;
    std::chrono::steady_clock::time_point at;  // when the whole request had been read
    int answered = 0;                          // the status it was answered with

    bool delivered() const { return answered >= 200 && answered < 300; }
    std::string header(const std::string& name) const {
        const auto it = headers.find(name);
        return it == headers.end() ? std::string() : it->second;
    }
};

class EventReceiver {
  public:
    // Listens on a port below the kernel's ephemeral range (kept across stop() and start()).
    EventReceiver();
    ~EventReceiver();
    EventReceiver(const EventReceiver&) = delete;
    EventReceiver& operator=(const EventReceiver&) = delete;

    // "http://127.0.0.1:<port>/hooks/events"
    std::string url() const;
    // Every later request is answered with `status`.
    void answer_with(int status);
    // Closes the listening socket (and drops connections in progress): connecting is refused.
    void stop();
    // Listens again on the same port.
    void start();
    // A connection to the port is refused now.
    bool refuses_connections() const;

    std::vector<ReceivedRequest> received() const;
    // Requests answered 2xx, in arrival order.
    std::vector<ReceivedRequest> delivered() const;
    // Waits until `done(received())` holds (checked at each request and every 100 ms).
    bool wait_until(const std::function<bool(const std::vector<ReceivedRequest>&)>& done,
                    std::chrono::milliseconds timeout) const;

    struct State {
        mutable std::mutex mutex;
        std::condition_variable arrived;
        int status = 204;
        std::vector<ReceivedRequest> received;
    };

  private:
    std::uint16_t port_ = 0;
    std::shared_ptr<State> state_ = std::make_shared<State>();
    std::unique_ptr<Poco::Net::HTTPServer> server_;
};

}  // namespace vergegrid::test
