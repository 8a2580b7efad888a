#include "tests/support/listen_port.hpp"

#include <Poco/Net/DatagramSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <fstream>
#include <mutex>
#include <random>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace vergegrid::test {
namespace {

constexpr unsigned kLowestPort = 20000;

unsigned ephemeral_range_start() {
    std::ifstream range("/proc/sys/net/ipv4/ip_local_port_range");
    unsigned low = 0;
    if (!(range >> low) || low <= kLowestPort + 1000) {
        return 32768;  // the Linux default
    }
    return low;
}

// A port handed out stays claimed by the test process until it exits: its child binds the port
// only once it has started, and again after each restart, and until then a probe in a test
// running in parallel found the port free and handed it out a second time (a bridge e2e test's
// emulator then exited at start, three times, on a port another test's child held). The claim
// is a Unix socket bound to a name in Linux's abstract namespace: only one socket can hold a
// name, the kernel frees it when the process exits, and it leaves no file behind.
class PortClaim {
  public:
    PortClaim(const char* protocol, std::uint16_t port)
        : fd_(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
        if (fd_ < 0) {
            return;  // no claims: the probe alone decides
        }
        const std::string name =
            std::string("vergegrid-test-port-") + protocol + "-" + std::to_string(port);
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        // sun_path[0] stays '\0': the name is abstract, not a path.
        std::memcpy(address.sun_path + 1, name.data(), name.size());
        const auto length =
            static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + name.size());
        if (::bind(fd_, reinterpret_cast<const sockaddr*>(&address), length) != 0) {
            taken_ = errno == EADDRINUSE;
            ::close(fd_);
            fd_ = -1;
        }
    }
    PortClaim(PortClaim&& other) noexcept
        : fd_(std::exchange(other.fd_, -1)), taken_(other.taken_) {}
    PortClaim(const PortClaim&) = delete;
    PortClaim& operator=(const PortClaim&) = delete;
    PortClaim& operator=(PortClaim&&) = delete;
    ~PortClaim() {
        if (fd_ >= 0) {
            ::close(fd_);
        }
    }

    // Another process (or this one) holds the port.
    bool taken() const { return taken_; }
    // Holds the claim until the process exits.
    void keep() {
        static std::mutex mutex;
        static auto* const kept = new std::vector<int>();  // never destroyed: claims end at exit
        const std::lock_guard lock(mutex);
        if (fd_ >= 0) {
            kept->push_back(std::exchange(fd_, -1));
        }
    }

  private:
    int fd_;
    bool taken_ = false;
};

bool can_listen_on(std::uint16_t port) {
    try {
        Poco::Net::ServerSocket probe(Poco::Net::SocketAddress("127.0.0.1", port));
        return true;
    } catch (const Poco::Exception&) {
        return false;
    }
}

bool can_bind_udp(std::uint16_t port) {
    try {
        Poco::Net::DatagramSocket probe(Poco::Net::SocketAddress("0.0.0.0", port), false);
        return true;
    } catch (const Poco::Exception&) {
        return false;
    }
}

}  // namespace

std::uint16_t unclaimed_udp_ports(int count) {
    static thread_local std::mt19937 random(std::random_device{}());
    std::uniform_int_distribution<unsigned> pick(kLowestPort, ephemeral_range_start() - 1 - count);
    for (int attempt = 0; attempt < 200; ++attempt) {
        const auto base = static_cast<std::uint16_t>(pick(random));
        std::vector<PortClaim> run;
        run.reserve(static_cast<std::size_t>(count));
        bool all_free = true;
        for (int port = base; port < base + count && all_free; ++port) {
            run.emplace_back("udp", static_cast<std::uint16_t>(port));
            all_free = !run.back().taken() && can_bind_udp(static_cast<std::uint16_t>(port));
        }
        if (all_free) {
            for (auto& claim : run) {
                claim.keep();
            }
            return base;
        }
    }
    throw std::runtime_error("no free run of UDP ports below the ephemeral range after 200 tries");
}

std::uint16_t unclaimed_listen_port() {
    static thread_local std::mt19937 random(std::random_device{}());
    std::uniform_int_distribution<unsigned> pick(kLowestPort, ephemeral_range_start() - 1);
    for (int attempt = 0; attempt < 200; ++attempt) {
        const auto port = static_cast<std::uint16_t>(pick(random));
        PortClaim claim("tcp", port);
        if (!claim.taken() && can_listen_on(port)) {
            claim.keep();
            return port;
        }
    }
    throw std::runtime_error("no free loopback port below the ephemeral range after 200 tries");
}

RefusingPort::RefusingPort() {
    for (int attempt = 0; attempt < 20; ++attempt) {
        const auto port = unclaimed_listen_port();
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd_ < 0) {
            break;
        }
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(port);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::bind(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) == 0) {
            port_ = port;
            return;
        }
        ::close(fd_);  // taken between the probe and the bind: another one
        fd_ = -1;
    }
    throw std::runtime_error("no loopback port could be bound for a refusing port");
}

RefusingPort::~RefusingPort() {
    if (fd_ >= 0) {
        ::close(fd_);
    }
}

}  // namespace vergegrid::test
