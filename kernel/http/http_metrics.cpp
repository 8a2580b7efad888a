#include "kernel/http/http_metrics.hpp"

#include <array>
#include <charconv>

namespace vergegrid::kernel::http {

std::string_view method_label(std::string_view method) {
    static constexpr std::array<std::string_view, 7> kKnown = {"GET",   "HEAD",   "POST",   "PUT",
                                                               "PATCH", "DELETE", "OPTIONS"};
    for (const auto known : kKnown) {
        if (method == known) {
            return known;
        }
    }
    return "other";
}

HttpMetrics::HttpMetrics(metrics::Registry& registry)
    : requests_(registry.counter("vergegrid_http_requests_total",
                                 "HTTP requests answered, by method, route pattern and status",
                                 {"method", "route", "status"})),
      durations_(registry.histogram(
          "vergegrid_http_request_duration_seconds",
          "Time from request head received to response ready, by method and route",
          {"method", "route"})),
      in_flight_(registry
                     .gauge("vergegrid_http_requests_in_flight",
                            "HTTP requests received and not yet answered")
                     .with({})),
      parked_(registry
                  .gauge("vergegrid_http_parked_connections",
                         "Connections held without a thread: long polls waiting for their answer, "
                         "and their connections between requests")
                  .with({})),
      max_parked_(registry
                      .gauge("vergegrid_http_max_parked",
                             "The most connections the server parks (http.max_parked): long "
                             "polls beyond it are refused 503")
                      .with({})) {}

void HttpMetrics::record(std::string_view method, std::string_view route, int status,
                         std::chrono::steady_clock::duration elapsed) {
    std::array<char, 8> digits{};
    const auto end = std::to_chars(digits.data(), digits.data() + digits.size(), status).ptr;
    const std::string_view status_label(digits.data(),
                                        static_cast<std::size_t>(end - digits.data()));
    const auto label = method_label(method);
    requests_.with({label, route, status_label}).inc();
    durations_.with({label, route}).observe(std::chrono::duration<double>(elapsed).count());
}

}  // namespace vergegrid::kernel::http
