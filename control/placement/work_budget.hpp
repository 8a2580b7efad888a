// A bound on the work one request may make placement do. A plan of many large regions searches
// ever wider rings of the map for a free footprint, each candidate probing every cell it would
// cover: 1,000 regions of 8192 m took a minute of CPU. The budget counts those units (a candidate
// position considered, a cell probed) and stops the request once they run out, so that one
// request cannot hold a core for minutes (placement.plan_work_budget).
#pragma once

#include <cstdint>
#include <stdexcept>

namespace vergegrid::control {

// Thrown when a budget runs out; the route answers it with a 4xx naming the field.
class WorkBudgetExhausted : public std::runtime_error {
  public:
    WorkBudgetExhausted() : std::runtime_error("placement work budget exhausted") {}
};

class WorkBudget {
  public:
    explicit WorkBudget(std::uint64_t units) : remaining_(units) {}

    // Takes `units` of work; throws WorkBudgetExhausted when fewer remain.
    void spend(std::uint64_t units) {
        if (units > remaining_) {
            remaining_ = 0;
            throw WorkBudgetExhausted();
        }
        remaining_ -= units;
    }

  private:
    std::uint64_t remaining_;
};

}  // namespace vergegrid::control
