#include "outbox_stage.hpp"

#include <algorithm>
#include <stdexcept>

namespace vergegrid::plugins::sql {

std::int64_t OutboxStage::add(plugin_api::OutboxEvent event) {
    if (!last_seq_) {
        throw std::logic_error("OutboxStage::add before start_from");
    }
    event.seq = ++*last_seq_;
    rows_.push_back(std::move(event));
    return *last_seq_;
}

std::span<const plugin_api::OutboxEvent> OutboxStage::unwritten() const {
    return std::span<const plugin_api::OutboxEvent>(rows_).subspan(written_);
}

void OutboxStage::written() {
    if (marks_.empty()) {
        rows_.clear();  // no savepoint can take them back
    }
    written_ = rows_.size();
}

void OutboxStage::savepoint(const std::string& name) {
    marks_.push_back(Mark{name, rows_.size(), written_, last_seq_});
}

std::size_t OutboxStage::find(const std::string& name) const {
    for (std::size_t i = marks_.size(); i > 0; --i) {
        if (marks_[i - 1].name == name) {
            return i - 1;
        }
    }
    return marks_.size();
}

void OutboxStage::release(const std::string& name) {
    marks_.resize(find(name));
}

void OutboxStage::rollback_to(const std::string& name) {
    const std::size_t at = find(name);
    if (at == marks_.size()) {
        return;  // no such savepoint: the database refuses the ROLLBACK TO as well
    }
    const Mark& mark = marks_[at];
    rows_.resize(mark.rows);
    // Rows written after the savepoint are gone from the database: written again if kept.
    written_ = std::min(written_, mark.written);
    last_seq_ = mark.last_seq;
    marks_.resize(at + 1);
}

void OutboxStage::clear() {
    rows_.clear();
    written_ = 0;
    marks_.clear();
    last_seq_.reset();
}

}  // namespace vergegrid::plugins::sql
