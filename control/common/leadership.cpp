#include "control/common/leadership.hpp"

namespace vergegrid::control {

void Leadership::set(bool leading) {
    if (leading_.exchange(leading) == leading || !leading) {
        return;
    }
    std::vector<std::function<void()>> callbacks;
    {
        const std::lock_guard lock(mutex_);
        callbacks = callbacks_;
    }
    for (const auto& callback : callbacks) {
        callback();
    }
}

void Leadership::on_gained(std::function<void()> callback) {
    const std::lock_guard lock(mutex_);
    callbacks_.push_back(std::move(callback));
}

}  // namespace vergegrid::control
