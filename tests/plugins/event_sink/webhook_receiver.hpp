// A webhook receiver on 127.0.0.1 for the webhook sink's tests: a Poco HTTP(S) server that keeps
// every request it gets and answers each with the next of the statuses it was given.
#pragma once

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/ServerSocket.h>

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "tests/support/throwaway_pki.hpp"

namespace vergegrid::test {

struct ReceivedPost {
    std::string method;
    std::string path;
    std::map<std::string, std::string> headers;  // names in lower case
    std::string body;
    std::uint16_t client_port = 0;  // the connection it came on
};

class WebhookReceiver {
  public:
    // Plain HTTP.
    WebhookReceiver();
    // HTTPS presenting `cert` (signed by pki's CA) with pki.server_key().
    WebhookReceiver(const ThrowawayPki& pki, const std::filesystem::path& cert);
    ~WebhookReceiver();
    WebhookReceiver(const WebhookReceiver&) = delete;
    WebhookReceiver& operator=(const WebhookReceiver&) = delete;

    // "<scheme>://127.0.0.1:<port>/hooks/in?x=1"
    std::string url() const;
    // Answers to come, in order; once used up, 204. A 3xx carries Location: /elsewhere.
    void answer_with(std::vector<int> statuses);
    // Every answer says "Connection: close" (the server then closes each connection).
    void close_each_connection();
    // Every answer carries this body (with its Content-Length).
    void answer_body(std::string body);
    std::vector<ReceivedPost> received() const;

  private:
    struct State {
        mutable std::mutex mutex;
        std::deque<int> statuses;
        bool close = false;
        std::string body;
        std::vector<ReceivedPost> received;
    };
    WebhookReceiver(Poco::Net::ServerSocket socket, std::string scheme);

    std::string scheme_;
    std::shared_ptr<State> state_ = std::make_shared<State>();
    Poco::Net::ServerSocket socket_;
    std::unique_ptr<Poco::Net::HTTPServer> server_;
};

}  // namespace vergegrid::test
