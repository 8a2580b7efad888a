#include "bridge_swarm.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <deque>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace vergegrid::bench {

namespace {

// Loopback gives ~28,000 ephemeral ports per (source, destination) address pair: 50,000 bridges
// to one control plane would run out. Each block of kBridgesPerSource bridges connects from its
// own source address in 127.0.0.0/8 (127.0.0.2, 127.0.0.3, ...), which every Linux loopback
// accepts without configuration, so no sysctl needs widening.
constexpr std::size_t kBridgesPerSource = 16000;

int connect_nonblocking(std::uint16_t port, std::size_t bridge) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
    }
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    // The port is picked at connect(), for the whole 4-tuple, not at bind() for the address alone.
    ::setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof(one));
    sockaddr_in source{};
    source.sin_family = AF_INET;
    source.sin_addr.s_addr =
        htonl(INADDR_LOOPBACK + 1 + static_cast<std::uint32_t>(bridge / kBridgesPerSource));
    if (::bind(fd, reinterpret_cast<sockaddr*>(&source), sizeof(source)) != 0) {
        const std::string reason = std::strerror(errno);
        ::close(fd);
        throw std::runtime_error("bind: " + reason);
    }
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 &&
        errno != EINPROGRESS) {
        const std::string reason = std::strerror(errno);
        ::close(fd);
        throw std::runtime_error("connect: " + reason);
    }
    return fd;
}

// Case-insensitive search for a header's value in a response head.
std::size_t content_length(const std::string& head) {
    std::string lower(head);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    const auto at = lower.find("\r\ncontent-length:");
    return at == std::string::npos ? 0 : std::stoul(head.substr(at + 17));
}

}  // namespace

struct BridgeSwarm::Connection {
    std::size_t bridge = 0;
    int fd = -1;
    std::string out;                  // bytes still to send
    std::string in;                   // bytes received, not yet a whole response
    std::deque<bool> expecting;       // per request sent: true = a poll, false = a result report
    std::deque<std::string> reports;  // result bodies to send, as "<operation id>"
};

BridgeSwarm::BridgeSwarm(std::uint16_t port, std::vector<Bridge> bridges, int wait_s,
                         int connects_per_tick)
    : port_(port),
      bridges_(std::move(bridges)),
      wait_s_(wait_s),
      connects_per_tick_(connects_per_tick) {
    epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
    if (epoll_fd_ < 0) {
        throw std::runtime_error(std::string("epoll_create1: ") + std::strerror(errno));
    }
    thread_ = std::thread([this] { run(); });
}

BridgeSwarm::~BridgeSwarm() {
    stop_ = true;
    thread_.join();
    ::close(epoll_fd_);
}

std::map<std::string, BridgeSwarm::Clock::time_point> BridgeSwarm::arrivals() const {
    std::lock_guard lock(mutex_);
    return arrivals_;
}

bool BridgeSwarm::has_arrived(const std::string& key) const {
    std::lock_guard lock(mutex_);
    return arrivals_.count(key) != 0;
}

BridgeSwarm::Counters BridgeSwarm::counters() const {
    std::lock_guard lock(mutex_);
    return counters_;
}

std::string BridgeSwarm::first_error() const {
    std::lock_guard lock(mutex_);
    return first_error_;
}

void BridgeSwarm::run() {
    std::vector<std::unique_ptr<Connection>> connections(bridges_.size());
    std::size_t next_to_connect = 0;

    auto fail = [&](const std::string& what) {
        std::lock_guard lock(mutex_);
        ++counters_.errors;
        if (first_error_.empty()) {
            first_error_ = what;
        }
    };
    auto queue_next_request = [&](Connection& c) {
        if (!c.expecting.empty()) {
            return;  // one request at a time per connection
        }
        const auto& bridge = bridges_[c.bridge];
        std::string request;
        if (!c.reports.empty()) {
            const std::string body = R"({"state":"succeeded","result":{"bench":true}})";
            request = "POST /api/v1/sim/operations/" + c.reports.front() +
                      "/result HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " +
                      bridge.api_key + "\r\nContent-Type: application/json\r\nContent-Length: " +
                      std::to_string(body.size()) + "\r\n\r\n" + body;
            c.reports.pop_front();
            c.expecting.push_back(false);
        } else {
            request = "GET /api/v1/sim/operations?wait=" + std::to_string(wait_s_) +
                      " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + bridge.api_key +
                      "\r\n\r\n";
            c.expecting.push_back(true);
            std::lock_guard lock(mutex_);
            ++counters_.polls_sent;
            ++counters_.bridges_waiting;
        }
        c.out += request;
    };
    auto watch = [&](Connection& c, bool want_write) {
        epoll_event event{};
        event.events = EPOLLIN | EPOLLRDHUP | (want_write ? EPOLLOUT : 0u);
        event.data.u64 = c.bridge;
        ::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, c.fd, &event);
    };
    auto open = [&](std::size_t index) {
        auto c = std::make_unique<Connection>();
        c->bridge = index;
        c->fd = connect_nonblocking(port_, index);
        epoll_event event{};
        event.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP;
        event.data.u64 = index;
        ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, c->fd, &event);
        queue_next_request(*c);
        connections[index] = std::move(c);
        std::lock_guard lock(mutex_);
        ++counters_.connected;
    };
    auto close_and_reopen = [&](Connection& c, const std::string& why) {
        fail(why);
        const auto index = c.bridge;
        const bool was_waiting = !c.expecting.empty() && c.expecting.front();
        ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, c.fd, nullptr);
        ::close(c.fd);
        {
            std::lock_guard lock(mutex_);
            --counters_.connected;
            if (was_waiting) {
                --counters_.bridges_waiting;
            }
        }
        connections[index].reset();
        open(index);
    };
    auto flush = [&](Connection& c) -> bool {
        while (!c.out.empty()) {
            const auto n = ::send(c.fd, c.out.data(), c.out.size(), MSG_NOSIGNAL);
            if (n < 0) {
                if (errno == EAGAIN || errno == EWOULDBLOCK) {
                    watch(c, true);
                    return true;
                }
                return false;
            }
            c.out.erase(0, static_cast<std::size_t>(n));
        }
        watch(c, false);
        return true;
    };
    // One whole response at the front of c.in: handle it. False when more bytes are needed.
    auto take_response = [&](Connection& c) -> bool {
        const auto head_end = c.in.find("\r\n\r\n");
        if (head_end == std::string::npos) {
            return false;
        }
        const std::string head = c.in.substr(0, head_end);
        const std::size_t length = content_length(head);
        if (c.in.size() < head_end + 4 + length) {
            return false;
        }
        const int status = std::stoi(head.substr(9, 3));
        const std::string body = c.in.substr(head_end + 4, length);
        c.in.erase(0, head_end + 4 + length);
        const bool was_poll = !c.expecting.empty() && c.expecting.front();
        if (!c.expecting.empty()) {
            c.expecting.pop_front();
        }
        const auto now = Clock::now();
        if (status != 200) {
            fail("HTTP " + std::to_string(status) + ": " + body.substr(0, 300));
        }
        if (was_poll) {
            std::lock_guard lock(mutex_);
            --counters_.bridges_waiting;
        }
        if (was_poll && status == 200) {
            const auto json = nlohmann::json::parse(body, nullptr, false);
            const auto& items = json.is_object() && json.contains("items")
                                    ? json.at("items")
                                    : nlohmann::json::array();
            std::lock_guard lock(mutex_);
            if (items.empty()) {
                ++counters_.polls_empty;
            }
            for (const auto& item : items) {
                const std::string key = item.value("region_id", "") + ":" + item.value("kind", "");
                arrivals_.emplace(key, now);
                ++counters_.operations;
                c.reports.push_back(std::to_string(item.value("id", 0L)));
            }
        } else if (!was_poll && status == 200) {
            std::lock_guard lock(mutex_);
            ++counters_.results;
        }
        return true;
    };

    std::array<epoll_event, 512> events{};
    auto next_tick = Clock::now();
    while (!stop_) {
        if (next_to_connect < bridges_.size() && Clock::now() >= next_tick) {
            for (int i = 0; i < connects_per_tick_ && next_to_connect < bridges_.size(); ++i) {
                open(next_to_connect++);
            }
            next_tick = Clock::now() + std::chrono::milliseconds(10);
        }
        const int count = ::epoll_wait(epoll_fd_, events.data(), static_cast<int>(events.size()),
                                       next_to_connect < bridges_.size() ? 10 : 100);
        for (int i = 0; i < count; ++i) {
            const auto& event = events[static_cast<std::size_t>(i)];
            auto& slot = connections[event.data.u64];
            if (!slot) {
                continue;
            }
            Connection& c = *slot;
            if ((event.events & EPOLLIN) != 0) {
                std::array<char, 16384> buffer{};
                bool closed = false;
                for (;;) {
                    const auto n = ::recv(c.fd, buffer.data(), buffer.size(), 0);
                    if (n > 0) {
                        c.in.append(buffer.data(), static_cast<std::size_t>(n));
                        continue;
                    }
                    closed = n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK);
                    break;
                }
                while (take_response(c)) {
                }
                if (closed) {
                    close_and_reopen(c, "the server closed a bridge's connection");
                    continue;
                }
                queue_next_request(c);
            } else if ((event.events & (EPOLLERR | EPOLLHUP | EPOLLRDHUP)) != 0) {
                close_and_reopen(c, "connection error");
                continue;
            }
            if (!flush(c)) {
                close_and_reopen(c, std::string("send: ") + std::strerror(errno));
            }
        }
    }
    for (auto& c : connections) {
        if (c) {
            ::close(c->fd);
        }
    }
}

}  // namespace vergegrid::bench
