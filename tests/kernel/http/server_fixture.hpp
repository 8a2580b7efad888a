// A server on 127.0.0.1 (ephemeral port) with a few test routes, a private metrics registry and
// a log kept in memory.
#pragma once

#include <Poco/String.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>

#include "kernel/http/api_error.hpp"
#include "kernel/http/router.hpp"
#include "kernel/http/server.hpp"
#include "kernel/metrics/registry.hpp"
#include "raw_client.hpp"

#ifdef VERGEGRID_TEST_TLS
#include <Poco/Net/Context.h>

#include "kernel/http/tls.hpp"
#include "tests/support/throwaway_pki.hpp"
#endif

namespace vergegrid::test {

namespace http = vergegrid::kernel::http;
namespace metrics = vergegrid::kernel::metrics;
using namespace std::chrono_literals;

// Polls `condition` until it holds or `timeout` passes.
inline bool eventually(const std::function<bool()>& condition,
                       std::chrono::milliseconds timeout = 5000ms) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (condition()) {
            return true;
        }
        std::this_thread::sleep_for(5ms);
    }
    return condition();
}

#ifdef VERGEGRID_TEST_TLS
// The same server tests, built a second time with VERGEGRID_TEST_TLS: every server speaks HTTPS
// with a certificate of a throwaway CA, and every RawClient speaks TLS trusting that CA.
inline const ThrowawayPki& fixture_pki() {
    static const ThrowawayPki pki;
    return pki;
}

inline std::shared_ptr<const http::TlsServerContext> fixture_tls() {
    static const auto context = http::TlsServerContext::load(
        {fixture_pki().server_cert(), fixture_pki().server_key(), std::nullopt});
    return context;
}

inline Poco::Net::Context::Ptr fixture_client_tls() {
    Poco::Net::Context::Params params;
    params.caLocation = fixture_pki().ca_cert().string();
    params.verificationMode = Poco::Net::Context::VERIFY_STRICT;
    return new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
}
#endif

class ServerFixture : public ::testing::Test {
  protected:
    ServerFixture()
        : log_sink_(std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(1000)),
          log_(std::make_shared<spdlog::logger>("http-test", log_sink_)),
          router_(std::make_shared<http::Router>()) {
        log_->set_level(spdlog::level::debug);
#ifdef VERGEGRID_TEST_TLS
        set_raw_client_tls(fixture_client_tls());
#endif
        router_->add("GET", "/hello", vergegrid::kernel::http::Permission::anyone,
                     [](const http::Request&) {
                         return http::Response::json(200, {{"hello", "world"}});
                     });
        router_->add("POST", "/echo/{id}", vergegrid::kernel::http::Permission::anyone,
                     [](const http::Request& request) {
                         return http::Response::json(200,
                                                     {{"id", request.path_params.at("id")},
                                                      {"route", request.route},
                                                      {"path", request.path},
                                                      {"query", request.query},
                                                      {"test_header", request.header("x-test")},
                                                      {"caller", request.caller.subject},
                                                      {"body", request.body}});
                     });
        router_->add("PUT", "/json", vergegrid::kernel::http::Permission::anyone,
                     [](const http::Request& request) {
                         return http::Response::json(200, {{"parsed", request.json_body()}});
                     });
        router_->add("GET", "/fail/api", vergegrid::kernel::http::Permission::anyone,
                     [](const http::Request&) -> http::Response {
                         throw http::ApiError(422, "invalid_field", "name must not be empty",
                                              "name");
                     });
        router_->add("GET", "/fail/std", vergegrid::kernel::http::Permission::anyone,
                     [](const http::Request&) -> http::Response {
                         throw std::runtime_error("db password=hunter2 rejected");
                     });
        router_->add("DELETE", "/things/{id}", vergegrid::kernel::http::Permission::anyone,
                     [](const http::Request&) {
                         return http::Response{204, "application/json", {}, {}};
                     });
        router_->add("GET", "/slow-and-big", vergegrid::kernel::http::Permission::anyone,
                     [](const http::Request&) {
                         std::this_thread::sleep_for(std::chrono::milliseconds(200));
                         return http::Response::text(200, std::string(4 << 20, 'x'));
                     });
    }

    ~ServerFixture() override {
        server_.reset();
    }

    static http::ServerSettings test_settings() {
        http::ServerSettings settings;
        settings.port = 0;
        settings.max_body_bytes = 1024;
        settings.max_header_bytes = 4096;
        settings.request_timeout = 5000ms;
        settings.keep_alive_timeout = 10000ms;
        settings.max_connections = 8;
        settings.max_queued = 16;
#ifdef VERGEGRID_TEST_TLS
        settings.tls = fixture_tls();
#endif
        return settings;
    }

    void start(http::ServerSettings settings = test_settings()) {
        server_ = std::make_unique<http::Server>(settings, router_, registry_, log_);
        server_->start();
    }

    std::uint16_t port() const {
        return server_->port();
    }

    bool log_contains(const std::string& text) const {
        for (const auto& line : log_sink_->last_formatted()) {
            if (line.find(text) != std::string::npos) {
                return true;
            }
        }
        return false;
    }

    bool metrics_contain(const std::string& text) const {
        return registry_.render().find(text) != std::string::npos;
    }

    std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> log_sink_;
    std::shared_ptr<spdlog::logger> log_;
    std::shared_ptr<http::Router> router_;
    metrics::Registry registry_;
    std::unique_ptr<http::Server> server_;
};

}  // namespace vergegrid::test
