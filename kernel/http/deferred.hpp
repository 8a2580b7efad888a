// A response a handler cannot give yet: a long poll. The handler returns a Response whose
// `deferred` is set; the server parks the connection without holding a worker thread (one reactor
// thread watches every parked socket for the client leaving and for the deadline) and asks the
// Deferred again when it is woken, when the deadline passes, or when the client sends more.
#pragma once

#include <chrono>
#include <functional>
#include <optional>

namespace vergegrid::kernel::http {

struct Response;

class Deferred {
  public:
    virtual ~Deferred() = default;

    // When the server calls resume(true) at the latest.
    virtual std::chrono::steady_clock::time_point deadline() const = 0;

    // Called once, when the connection is parked: keep `wake` and call it (from any thread, any
    // number of times, also after the connection is gone) when resume() may have an answer.
    virtual void arm(std::function<void()> wake) = 0;

    // Runs on one of the server's resume threads. An answer, or nullopt to stay parked (woken with
    // nothing to say yet: re-arm before returning). With `final` (the deadline passed, or the
    // client sent another request) it must answer. May throw ApiError like a handler.
    virtual std::optional<Response> resume(bool final) = 0;
};

}  // namespace vergegrid::kernel::http
