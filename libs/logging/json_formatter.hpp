// One JSON object per log line: {"time":..., "level":..., "logger":..., "message":...}.
#pragma once

#include <spdlog/formatter.h>

namespace vergegrid::logging {

class JsonFormatter final : public spdlog::formatter {
  public:
    void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override;
    std::unique_ptr<spdlog::formatter> clone() const override;
};

}  // namespace vergegrid::logging
