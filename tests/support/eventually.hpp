#pragma once

#include <chrono>
#include <functional>

namespace vergegrid::test {

// Polls `condition` every 50 ms until it holds or `timeout` passes; true when it held.
bool eventually(const std::function<bool()>& condition,
                std::chrono::milliseconds timeout = std::chrono::seconds(20));

}  // namespace vergegrid::test
