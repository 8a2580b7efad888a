// The listening socket's thread: accepts connections and hands each one on. Poco's TCPServer does
// the same but queues every connection for a worker at once; ours first waits, without a thread,
// for a complete request head (see parking_lot.hpp).
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

    // `listener` must outlive stop(). `handler` runs on the loop's thread for each connection.
    AcceptLoop(Poco::Net::ServerSocket& listener, Handler handler);
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
    std::atomic<bool> stopping_{false};
    std::thread thread_;
};

}  // namespace vergegrid::kernel::http
