// A RemoteAdmin stand-in that answers one connection with whatever bytes a test scripts, as slowly
// or as endlessly as it likes: what a broken or hostile simulator could send. Listens on
// 127.0.0.1:0; every loop is bounded in time so a test can never hang on it.
#pragma once

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <thread>

namespace vergegrid::bridge::test {

// Sends bytes to the client; returns false once the client has gone (the script should stop).
using Send = std::function<bool(const std::string&)>;

class RawHttpServer {
  public:
    // `script` runs once, after the request has been read, on the server's thread.
    explicit RawHttpServer(std::function<void(const Send&)> script)
        : socket_(Poco::Net::SocketAddress("127.0.0.1", 0)), script_(std::move(script)) {
        thread_ = std::thread([this] { serve(); });
    }
    ~RawHttpServer() {
        stop_ = true;
        thread_.join();
    }
    RawHttpServer(const RawHttpServer&) = delete;
    RawHttpServer& operator=(const RawHttpServer&) = delete;

    std::uint16_t port() const { return socket_.address().port(); }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port()); }
    bool stopping() const { return stop_; }

  private:
    void serve() {
        const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
        while (!stop_ && std::chrono::steady_clock::now() < give_up) {
            if (!socket_.poll(Poco::Timespan(0, 100'000), Poco::Net::Socket::SELECT_READ)) {
                continue;
            }
            Poco::Net::StreamSocket client = socket_.acceptConnection();
            read_request(client, give_up);
            const Send send = [&](const std::string& bytes) {
                if (stop_) {
                    return false;
                }
                try {
                    client.setSendTimeout(Poco::Timespan(5, 0));
                    std::size_t sent = 0;
                    while (sent < bytes.size()) {
                        const int n =
                            client.sendBytes(bytes.data() + sent,
                                             static_cast<int>(bytes.size() - sent), MSG_NOSIGNAL);
                        if (n <= 0) {
                            return false;
                        }
                        sent += static_cast<std::size_t>(n);
                    }
                    return true;
                } catch (const Poco::Exception&) {
                    return false;
                }
            };
            script_(send);
            return;  // one connection only
        }
    }

    // Up to the end of the headers and Content-Length bytes of body.
    static void read_request(Poco::Net::StreamSocket& client,
                             std::chrono::steady_clock::time_point give_up) {
        std::string request;
        char buffer[4096];
        client.setReceiveTimeout(Poco::Timespan(1, 0));
        while (std::chrono::steady_clock::now() < give_up) {
            const auto end = request.find("\r\n\r\n");
            if (end != std::string::npos) {
                const auto at = request.find("Content-Length: ");
                const auto length =
                    at == std::string::npos ? 0 : std::stoul(request.substr(at + 16));
                if (request.size() >= end + 4 + length) {
                    return;
                }
            }
            int n = 0;
            try {
                n = client.receiveBytes(buffer, sizeof buffer);
            } catch (const Poco::TimeoutException&) {
                continue;
            }
            if (n <= 0) {
                return;
            }
            request.append(buffer, static_cast<std::size_t>(n));
        }
    }

    Poco::Net::ServerSocket socket_;
    std::function<void(const Send&)> script_;
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

}  // namespace vergegrid::bridge::test
