#include "control/api/operation_poll.hpp"

#include "control/operations/operation_json.hpp"

namespace vergegrid::control {

using kernel::http::Response;

Response pull_response(const PullAnswer& answer) {
    nlohmann::json items = nlohmann::json::array();
    for (const auto& operation : answer.operations) {
        items.push_back(operation_to_json(operation));
    }
    if (answer.new_api_key) {
        return Response::secret_json(200, {{"items", items}, {"new_api_key", *answer.new_api_key}});
    }
    return Response::json(200, {{"items", items}});
}

OperationPoll::~OperationPoll() {
    signals().unsubscribe(poll_.simulator_id, subscription_);
}

void OperationPoll::arm(std::function<void()> wake) {
    wake_ = std::move(wake);
    subscribe();
}

std::optional<Response> OperationPoll::resume(bool final) {
    signals().unsubscribe(poll_.simulator_id, subscription_);
    subscription_ = 0;
    if (auto answer = operations_->resume(poll_, final)) {
        return pull_response(*answer);
    }
    // Waits on for the next notification since the last look.
    subscribe();
    return std::nullopt;
}

void OperationPoll::subscribe() {
    subscription_ = signals().subscribe(poll_.simulator_id, poll_.seen, wake_);
}

}  // namespace vergegrid::control
