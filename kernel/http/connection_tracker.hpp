// Knows every open connection and whether it is between requests, which is what a graceful stop
// needs: idle connections can be closed at once, busy ones are left to finish their request.
#pragma once

#include <Poco/Net/StreamSocket.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <list>
#include <mutex>

namespace vergegrid::kernel::http {

class ConnectionTracker {
  private:
    struct Entry {
        Poco::Net::StreamSocket socket;
        bool busy = false;
    };

  public:
    // Tracks one connection for its lifetime (RAII).
    class Registration {
      public:
        Registration(ConnectionTracker& tracker, const Poco::Net::StreamSocket& socket);
        ~Registration();
        Registration(const Registration&) = delete;
        Registration& operator=(const Registration&) = delete;

        // False when the server was already draining: the connection must close unserved.
        bool accepted() const { return accepted_; }
        // Call once a request has arrived. False when draining: close without reading it.
        bool begin_request();
        // Call after the response went out. False when draining: close now.
        bool end_request();

      private:
        ConnectionTracker& tracker_;
        std::list<Entry>::iterator entry_;
        bool accepted_ = false;
    };

    // Refuses further requests and shuts down every idle connection, so that idle keep-alive
    // clients do not hold a stop hostage for the keep-alive timeout.
    void begin_drain();
    bool draining() const { return draining_.load(std::memory_order_acquire); }

    // True when every connection closed before `deadline`.
    bool wait_until_closed(std::chrono::steady_clock::time_point deadline);

    // Shuts down every connection, busy or not; returns how many there were.
    std::size_t abort_all();

    std::size_t open_connections() const;

  private:
    static void shut_down(Poco::Net::StreamSocket& socket) noexcept;

    mutable std::mutex mutex_;
    std::condition_variable closed_;
    std::list<Entry> entries_;
    std::atomic<bool> draining_{false};
};

}  // namespace vergegrid::kernel::http
