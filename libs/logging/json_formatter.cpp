#include "logging/json_formatter.hpp"

#include <fmt/chrono.h>
#include <spdlog/common.h>
#include <spdlog/details/log_msg.h>
#include <nlohmann/json.hpp>

namespace vergegrid::logging {

void JsonFormatter::format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) {
    const auto micros =
        std::chrono::duration_cast<std::chrono::microseconds>(msg.time.time_since_epoch());
    const auto level = spdlog::level::to_string_view(msg.level);
    nlohmann::json line = {
        {"time", fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:06d}Z",
                             std::chrono::time_point_cast<std::chrono::seconds>(msg.time),
                             micros.count() % 1'000'000)},
        {"level", std::string(level.data(), level.size())},
        {"logger", std::string(msg.logger_name.data(), msg.logger_name.size())},
        {"message", std::string(msg.payload.data(), msg.payload.size())},
        {"thread", msg.thread_id},
    };
    // A message may carry bytes from a client; replace invalid UTF-8 instead of throwing.
    const std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    dest.append(text.data(), text.data() + text.size());
    dest.push_back('\n');
}

std::unique_ptr<spdlog::formatter> JsonFormatter::clone() const {
    return std::make_unique<JsonFormatter>();
}

}  // namespace vergegrid::logging
