// A pull's answer, and the deferred answer of a pull that waits: parked in the server without a
// thread, it looks again when its simulator is notified (a new eager operation, a lazy one
// falling due, a key rotation) and when its wait ends. What it then answers is
// OperationService::resume's decision; the waking is OperationSignals'.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>

#include "control/operations/operation_service.hpp"
#include "kernel/http/deferred.hpp"
#include "kernel/http/response.hpp"

namespace vergegrid::control {

// No-store when it carries a new key.
kernel::http::Response pull_response(const PullAnswer& answer);

class OperationPoll final : public kernel::http::Deferred {
  public:
    OperationPoll(std::shared_ptr<OperationService> operations, ParkedPoll poll,
                  std::chrono::steady_clock::time_point deadline)
        : operations_(std::move(operations)), poll_(std::move(poll)), deadline_(deadline) {}
    ~OperationPoll() override;
    OperationPoll(const OperationPoll&) = delete;
    OperationPoll& operator=(const OperationPoll&) = delete;

    std::chrono::steady_clock::time_point deadline() const override { return deadline_; }

    void arm(std::function<void()> wake) override;
    std::optional<kernel::http::Response> resume(bool final) override;

  private:
    OperationSignals& signals() const { return operations_->signals(); }
    void subscribe();

    std::shared_ptr<OperationService> operations_;
    ParkedPoll poll_;
    std::chrono::steady_clock::time_point deadline_;
    std::function<void()> wake_;
    OperationSignals::Subscription subscription_ = 0;
};

}  // namespace vergegrid::control
