#include "kernel/http/accept_loop.hpp"

#include <Poco/Exception.h>

#include <chrono>

namespace vergegrid::kernel::http {

AcceptLoop::AcceptLoop(Poco::Net::ServerSocket& listener, Handler handler, HasRoom has_room)
    : listener_(listener), handler_(std::move(handler)), has_room_(std::move(has_room)) {}

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
    // A worker takes a queued connection within milliseconds; a check this often adds no
    // noticeable wait and no load while the queue drains.
    constexpr auto room_check_interval = std::chrono::milliseconds(2);
    while (!stopping_.load()) {
        if (!has_room_()) {
            std::this_thread::sleep_for(room_check_interval);
            continue;
        }
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
