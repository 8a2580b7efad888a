#include "log_stage.hpp"

#include <algorithm>
#include <stdexcept>

namespace vergegrid::plugins::sql {

bool event_fits_audit_row(const StagedAudit& audit, const plugin_api::OutboxEvent& event) {
    return (!event.subject.empty() || audit.entry.entity_id.empty()) &&
           (!event.time.empty() || audit.entry.at.empty());
}

std::string stored_event_column(const std::string& event_value, const std::string& rows_own) {
    return event_value == rows_own ? std::string() : event_value;
}

std::int64_t LogStage::next_number() {
    if (!last_number_) {
        throw std::logic_error("LogStage: a row added before start_from");
    }
    return ++*last_number_;
}

std::int64_t LogStage::add_audit(StagedAudit audit) {
    StagedRow row;
    row.number = next_number();
    audit.entry.id = row.number;
    row.audit = std::move(audit);
    rows_.push_back(std::move(row));
    return rows_.back().number;
}

std::int64_t LogStage::add_event(plugin_api::OutboxEvent event) {
    if (rows_.size() > written_) {
        StagedRow& newest = rows_.back();
        if (newest.audit && !newest.event && newest.number == event.audit_id &&
            event_fits_audit_row(*newest.audit, event)) {
            event.seq = newest.number;
            newest.event = std::move(event);
            return newest.number;
        }
    }
    StagedRow row;
    row.number = next_number();
    event.seq = row.number;
    row.event = std::move(event);
    rows_.push_back(std::move(row));
    return rows_.back().number;
}

std::span<const StagedRow> LogStage::unwritten() const {
    return std::span<const StagedRow>(rows_).subspan(written_);
}

void LogStage::written() {
    if (marks_.empty()) {
        rows_.clear();  // no savepoint can take them back
    }
    written_ = rows_.size();
}

void LogStage::savepoint(const std::string& name) {
    const bool newest_had_event = !rows_.empty() && rows_.back().event.has_value();
    marks_.push_back(Mark{name, rows_.size(), written_, last_number_, newest_had_event});
}

std::size_t LogStage::find(const std::string& name) const {
    for (std::size_t i = marks_.size(); i > 0; --i) {
        if (marks_[i - 1].name == name) {
            return i - 1;
        }
    }
    return marks_.size();
}

void LogStage::release(const std::string& name) {
    marks_.resize(find(name));
}

void LogStage::rollback_to(const std::string& name) {
    const std::size_t at = find(name);
    if (at == marks_.size()) {
        return;  // no such savepoint: the database refuses the ROLLBACK TO as well
    }
    const Mark& mark = marks_[at];
    rows_.resize(mark.rows);
    if (!rows_.empty() && !mark.newest_had_event) {
        rows_.back().event.reset();  // added to the newest row after the savepoint
    }
    // Rows written after the savepoint are gone from the database: written again if kept.
    written_ = std::min(written_, mark.written);
    last_number_ = mark.last_number;
    marks_.resize(at + 1);
}

void LogStage::clear() {
    rows_.clear();
    written_ = 0;
    marks_.clear();
    last_number_.reset();
}

}  // namespace vergegrid::plugins::sql
