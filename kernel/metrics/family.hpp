// What every metric family shares: a validated name, help text and label names, plus the
// child-per-label-set storage. The registry owns families; children live as long as it does.
#pragma once

#include <algorithm>
#include <cstddef>
#include <initializer_list>
#include <map>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace vergegrid::kernel::metrics {

enum class MetricType { counter, gauge, histogram };

std::string_view to_string(MetricType type);

class Family {
  public:
    virtual ~Family() = default;
    Family(const Family&) = delete;
    Family& operator=(const Family&) = delete;

    const std::string& name() const { return name_; }
    const std::string& help() const { return help_; }
    const std::vector<std::string>& label_names() const { return label_names_; }
    virtual MetricType type() const = 0;

    // Appends the family in Prometheus text format 0.0.4 (# HELP, # TYPE, then the samples).
    void render(std::string& out) const;

  protected:
    // Throws std::invalid_argument for a name or label name Prometheus would reject.
    Family(std::string name, std::string help, std::vector<std::string> label_names);

    // Throws std::invalid_argument unless one value is given per label name.
    void check_arity(std::size_t value_count) const;

    virtual void render_samples(std::string& out) const = 0;

  private:
    std::string name_;
    std::string help_;
    std::vector<std::string> label_names_;
};

namespace detail {

// Lets a child be found by string_views, so the hot path allocates nothing once a label set
// has been seen.
struct LabelValuesLess {
    using is_transparent = void;

    template <class A, class B>
    bool operator()(const A& a, const B& b) const {
        return std::lexicographical_compare(
            a.begin(), a.end(), b.begin(), b.end(),
            [](std::string_view x, std::string_view y) { return x < y; });
    }
};

// One child per label set, never removed, so references handed out stay valid.
template <class Child>
class Children {
  public:
    template <class... Args>
    Child& find_or_add(std::span<const std::string_view> values, Args&&... child_args) {
        std::lock_guard lock(mutex_);
        if (auto it = children_.find(values); it != children_.end()) {
            return it->second;
        }
        auto [it, inserted] = children_.emplace(
            std::piecewise_construct,
            std::forward_as_tuple(std::vector<std::string>(values.begin(), values.end())),
            std::forward_as_tuple(std::forward<Args>(child_args)...));
        return it->second;
    }

    // Visits children in label-value order (stable output) under the family's lock.
    template <class Fn>
    void for_each(Fn&& fn) const {
        std::lock_guard lock(mutex_);
        for (const auto& [values, child] : children_) {
            fn(values, child);
        }
    }

    template <class Fn>
    void for_each_mutable(Fn&& fn) {
        std::lock_guard lock(mutex_);
        for (auto& [values, child] : children_) {
            fn(values, child);
        }
    }

  private:
    mutable std::mutex mutex_;
    std::map<std::vector<std::string>, Child, LabelValuesLess> children_;
};

}  // namespace detail

}  // namespace vergegrid::kernel::metrics
