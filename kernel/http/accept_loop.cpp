#include "kernel/http/accept_loop.hpp"

#include <Poco/Exception.h>

#include <chrono>

namespace vergegrid::kernel::http {

AcceptLoop::AcceptLoop(Poco::Net::ServerSocket& listener, Handler handler)
    : listener_(listener), handler_(std::move(handler)) {}

AcceptLoop::~AcceptLoop() {
    stop();
}

void AcceptLoop::start() {
    thread_ = std::thread([this] { run(); });
}

void AcceptLoop::stop() {
    stopping_.store(true);
    if (thread_.joinable()) {
        thread_.join();
    }
}

void AcceptLoop::run() {
    const Poco::Timespan poll_interval(0, 250 * 1000);  // how soon stop() is noticed
    while (!stopping_.load()) {
        try {
            if (!listener_.poll(poll_interval, Poco::Net::Socket::SELECT_READ)) {
                continue;
            }
            Poco::Net::StreamSocket socket = listener_.acceptConnection();
            // Small answers go out at once instead of waiting for the client's ACK (Nagle).
            socket.setNoDelay(true);
            handler_(socket);
        } catch (const Poco::Exception&) {
            // A connection reset before accept(), out of descriptors, or the listener shut down
            // by a stop: give the system a moment, as Poco's TCPServer does, and go on.
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
    }
}

}  // namespace vergegrid::kernel::http
