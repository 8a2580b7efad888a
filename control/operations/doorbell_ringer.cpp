#include "control/operations/doorbell_ringer.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/URI.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include "ssl_runtime/ssl_runtime.hpp"

namespace vergegrid::control {

using Clock = std::chrono::steady_clock;

// Ends a ring that outlives its deadline: shuts its socket down from outside, which makes the
// blocked connect, handshake, send or receive of the ringing thread fail at once. A socket is
// only shut down while registered, and its thread unregisters before closing it, so a reused
// descriptor number is never touched.
class DoorbellRinger::Watchdog {
  public:
    Watchdog() : thread_([this] { run(); }) {}
    ~Watchdog() {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        changed_.notify_all();
        thread_.join();
    }
    Watchdog(const Watchdog&) = delete;
    Watchdog& operator=(const Watchdog&) = delete;

    void watch(int fd, Clock::time_point deadline) {
        {
            std::lock_guard lock(mutex_);
            watched_[fd] = deadline;
        }
        changed_.notify_all();
    }
    void forget(int fd) {
        std::lock_guard lock(mutex_);
        watched_.erase(fd);
    }

  private:
    void run() {
        std::unique_lock lock(mutex_);
        while (!stopping_) {
            auto earliest = Clock::time_point::max();
            const auto now = Clock::now();
            for (auto it = watched_.begin(); it != watched_.end();) {
                if (it->second <= now) {
                    ::shutdown(it->first, SHUT_RDWR);
                    it = watched_.erase(it);
                } else {
                    earliest = std::min(earliest, it->second);
                    ++it;
                }
            }
            if (earliest == Clock::time_point::max()) {
                changed_.wait(lock);
            } else {
                changed_.wait_until(lock, earliest);
            }
        }
    }

    std::mutex mutex_;
    std::condition_variable changed_;
    std::map<int, Clock::time_point> watched_;
    bool stopping_ = false;
    std::thread thread_;
};

namespace {

Poco::Timespan left_until(Clock::time_point deadline) {
    const auto left =
        std::chrono::duration_cast<std::chrono::microseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
        throw Poco::TimeoutException("the doorbell's deadline passed");
    }
    return Poco::Timespan(left.count());
}

void send_all(Poco::Net::StreamSocket& socket, const std::string& bytes,
              Clock::time_point deadline) {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
        socket.setSendTimeout(left_until(deadline));
        const int n = socket.sendBytes(bytes.data() + sent, static_cast<int>(bytes.size() - sent));
        if (n <= 0) {
            throw Poco::IOException("the push listener closed the connection");
        }
        sent += static_cast<std::size_t>(n);
    }
}

// The status line, read under the deadline (each wait gets only what is left of it).
std::string status_line(Poco::Net::StreamSocket& socket, Clock::time_point deadline) {
    std::string received;
    char buffer[256];
    while (received.find("\r\n") == std::string::npos && received.size() < 1024) {
        socket.setReceiveTimeout(left_until(deadline));
        const int n = socket.receiveBytes(buffer, sizeof buffer);
        if (n <= 0) {
            break;
        }
        received.append(buffer, static_cast<std::size_t>(n));
    }
    return received.substr(0, received.find("\r\n"));
}

}  // namespace

DoorbellRinger::DoorbellRinger(DoorbellSettings settings, std::shared_ptr<spdlog::logger> log)
    : settings_(std::move(settings)),
      log_(std::move(log)),
      watchdog_(std::make_unique<Watchdog>()) {
    for (int i = 0; i < std::max(1, settings_.threads); ++i) {
        threads_.emplace_back([this] { work(); });
    }
}

DoorbellRinger::~DoorbellRinger() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    ready_.notify_all();
    for (auto& thread : threads_) {
        thread.join();
    }
}

void DoorbellRinger::ring(const std::string& simulator_id, const std::string& url) {
    {
        std::lock_guard lock(mutex_);
        if (queued_.count(simulator_id) != 0) {
            return;  // the queued ring answers this one too
        }
        if (in_flight_.count(simulator_id) != 0) {
            again_[simulator_id] = url;
            return;
        }
        if (queue_.size() >= settings_.max_queued) {
            return;  // the bridge's next pull finds the operation anyway
        }
        queue_.emplace_back(simulator_id, url);
        queued_.insert(simulator_id);
    }
    ready_.notify_one();
}

void DoorbellRinger::work() {
    for (;;) {
        std::pair<std::string, std::string> doorbell;
        {
            std::unique_lock lock(mutex_);
            ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
            if (stopping_) {
                return;
            }
            doorbell = std::move(queue_.front());
            queue_.pop_front();
            queued_.erase(doorbell.first);
            in_flight_.insert(doorbell.first);
        }
        ring_now(doorbell.first, doorbell.second);
        bool again = false;
        {
            std::lock_guard lock(mutex_);
            in_flight_.erase(doorbell.first);
            if (auto it = again_.find(doorbell.first); it != again_.end()) {
                if (queued_.insert(doorbell.first).second) {
                    queue_.emplace_back(doorbell.first, it->second);
                    again = true;
                }
                again_.erase(it);
            }
        }
        if (again) {
            ready_.notify_one();
        }
    }
}

void DoorbellRinger::ring_now(const std::string& simulator_id, const std::string& url) {
    const auto deadline = Clock::now() + settings_.deadline;
    try {
        const Poco::URI uri(url);
        Poco::Net::StreamSocket plain;
        Poco::Net::StreamSocket socket;
        plain.connect(Poco::Net::SocketAddress(uri.getHost(), uri.getPort()), left_until(deadline));
        // Declared after the sockets, so destroyed before them: the descriptor leaves the
        // watchdog before it is closed, on every path.
        struct Watched {
            Watchdog& watchdog;
            int fd;
            ~Watched() { watchdog.forget(fd); }
        } watched{*watchdog_, plain.impl()->sockfd()};
        watchdog_->watch(watched.fd, deadline);
        socket = plain;
        if (uri.getScheme() == "https") {
            static const Poco::Net::Context::Ptr context =
                ssl_runtime::strict_client_context(settings_.ca_file);
            ssl_runtime::clear_openssl_errors();
            plain.setReceiveTimeout(left_until(deadline));
            plain.setSendTimeout(left_until(deadline));
            socket = Poco::Net::SecureStreamSocket::attach(plain, uri.getHost(), context);
        }
        const std::string body = R"({"pull":true})";
        const std::string host = uri.getHost().find(':') != std::string::npos
                                     ? "[" + uri.getHost() + "]"
                                     : uri.getHost();
        send_all(socket,
                 "POST " + uri.getPathEtc() + " HTTP/1.1\r\nHost: " + host + ":" +
                     std::to_string(uri.getPort()) +
                     "\r\nContent-Type: application/json\r\nContent-Length: " +
                     std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body,
                 deadline);
        const auto status = status_line(socket, deadline);
        if (status.rfind("HTTP/1.", 0) != 0 || status.size() < 12 || status[9] != '2') {
            log_->warn("doorbell of simulator {} at {} answered '{}'", simulator_id, url,
                       status.substr(0, 80));
        }
    } catch (const Poco::Exception& e) {
        // Pull delivers anyway: a failed push is worth a line in the log, not an error.
        ssl_runtime::clear_openssl_errors();
        log_->warn("doorbell of simulator {} at {} failed: {}", simulator_id, url, e.displayText());
    } catch (const std::exception& e) {
        log_->warn("doorbell of simulator {} at {} failed: {}", simulator_id, url, e.what());
    }
}

}  // namespace vergegrid::control
