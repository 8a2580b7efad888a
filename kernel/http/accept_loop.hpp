// The listening socket's thread: accepts connections and hands each one on. Poco's TCPServer does
// the same but queues every connection for a worker at once; ours first waits, without a thread,
// for a complete request head (see parking_lot.hpp). While the workers' queue is full it stops
// accepting: new connections wait in the kernel's listen backlog (and clients retry their SYN
// past it) instead of being accepted only to be closed.
#pragma once

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>

#include <atomic>
#include <functional>
#include <thread>

namespace vergegrid::kernel::http {

class AcceptLoop {
  public:
    using Handler = std::function<void(Poco::Net::StreamSocket&)>;
    using HasRoom = std::function<bool()>;

    // `listener` must outlive stop(). `handler` runs on the loop's thread for each connection;
    // `has_room` before each accept, which waits while it is false.
    AcceptLoop(Poco::Net::ServerSocket& listener, Handler handler, HasRoom has_room);
    ~AcceptLoop();
    AcceptLoop(const AcceptLoop&) = delete;
    AcceptLoop& operator=(const AcceptLoop&) = delete;

    void start();
    // Returns once the thread has ended (within the 250 ms of its poll). Idempotent.
    void stop();

  private:
    void run();

    Poco::Net::ServerSocket& listener_;
    Handler handler_;
    HasRoom has_room_;
    std::atomic<bool> stopping_{false};
    std::thread thread_;
};

}  // namespace vergegrid::kernel::http
