#include "tests/support/listen_port.hpp"

#include <Poco/Net/DatagramSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <random>
#include <stdexcept>

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
        bool all_free = true;
        for (int port = base; port < base + count && all_free; ++port) {
            all_free = can_bind_udp(static_cast<std::uint16_t>(port));
        }
        if (all_free) {
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
        if (can_listen_on(port)) {
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
