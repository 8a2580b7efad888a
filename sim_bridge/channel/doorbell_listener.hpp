// The bridge's push listener. A doorbell (any POST) carries no operation: it only makes the pull
// loop pull now, so a forged or replayed ring can do no more than cause one extra pull.
#pragma once

#include <functional>
#include <memory>
#include <string>

namespace Poco::Net {
class HTTPServer;
}

namespace vergegrid::bridge {

class DoorbellListener {
  public:
    // Binds host:port at once (throws naming the address when it cannot).
    DoorbellListener(const std::string& host, std::uint16_t port, std::function<void()> ring);
    ~DoorbellListener();
    DoorbellListener(const DoorbellListener&) = delete;
    DoorbellListener& operator=(const DoorbellListener&) = delete;

    std::uint16_t port() const;

  private:
    std::unique_ptr<Poco::Net::HTTPServer> server_;
    std::uint16_t port_ = 0;
};

}  // namespace vergegrid::bridge
