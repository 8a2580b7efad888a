// What every connection of one Server shares. The Server owns it and keeps it alive until all
// connection threads have finished.
#pragma once

#include <Poco/Net/HTTPServerParams.h>

#include <Poco/Net/StreamSocket.h>
#include <spdlog/fwd.h>

#include <functional>
#include <memory>

#include "kernel/http/connection_tracker.hpp"
#include "kernel/http/http_metrics.hpp"
#include "kernel/http/router.hpp"
#include "kernel/http/server.hpp"

namespace vergegrid::kernel::http {

class ParkingLot;

struct ServerContext {
    ServerSettings settings;
    std::shared_ptr<const Router> router;
    HttpMetrics metrics;
    std::shared_ptr<spdlog::logger> log;
    Poco::Net::HTTPServerParams::Ptr params;
    ConnectionTracker connections;
    // Long polls and connections awaiting a head, without a thread; set by Server::start().
    std::shared_ptr<ParkingLot> parking = nullptr;
    // Queues a connection whose request head is complete for a worker of the pool; set by
    // Server::start().
    std::function<void(const Poco::Net::StreamSocket&)> hand_to_worker{};
};

}  // namespace vergegrid::kernel::http
