// The server's Prometheus metrics. Label values are bounded so a client cannot grow the series
// count: unknown methods become "other", unrouted paths "unmatched".
#pragma once

#include <chrono>
#include <string_view>

#include "kernel/metrics/registry.hpp"

namespace vergegrid::kernel::http {

// GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS as themselves; anything else "other".
std::string_view method_label(std::string_view method);

inline constexpr std::string_view kUnmatchedRoute = "unmatched";
// The route label of requests answered by the router's fallback (the web console's files).
inline constexpr std::string_view kFallbackRoute = "static";

class HttpMetrics {
  public:
    explicit HttpMetrics(metrics::Registry& registry);

    // Counts a request as in flight until finish() or the end of the scope, whichever is first.
    class InFlight {
      public:
        explicit InFlight(metrics::Gauge& gauge) : gauge_(&gauge) { gauge.inc(); }
        ~InFlight() { finish(); }
        InFlight(const InFlight&) = delete;
        InFlight& operator=(const InFlight&) = delete;

        void finish() {
            if (gauge_ != nullptr) {
                gauge_->dec();
                gauge_ = nullptr;
            }
        }

      private:
        metrics::Gauge* gauge_;
    };
    metrics::Gauge& in_flight_gauge() { return in_flight_; }
    // Connections the long-poll reactor holds (see parking_lot.hpp).
    metrics::Gauge& parked_gauge() { return parked_; }
    // Its bound (ServerSettings::max_parked), so that saturation is parked / max_parked.
    metrics::Gauge& max_parked_gauge() { return max_parked_; }

    void record(std::string_view method, std::string_view route, int status,
                std::chrono::steady_clock::duration elapsed);

  private:
    metrics::CounterFamily& requests_;
    metrics::HistogramFamily& durations_;
    metrics::Gauge& in_flight_;
    metrics::Gauge& parked_;
    metrics::Gauge& max_parked_;
};

}  // namespace vergegrid::kernel::http
