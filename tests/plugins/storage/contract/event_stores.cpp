#include "event_stores.hpp"

#include <sstream>

#include "sample_data.hpp"

namespace vergegrid::test::storage {

namespace api = plugin_api;

api::OutboxEvent sample_event(int n, const std::string& type, const std::string& subject,
                              const std::string& time) {
    api::OutboxEvent event;
    event.id = uuid(1000 + n);
    event.type = type;
    event.subject = subject;
    event.time = time;
    event.document = R"({"specversion":"1.0","id":")" + event.id +
                     R"(","source":"/vergegrid","type":")" + type + R"(","subject":")" + subject +
                     R"(","time":")" + time + R"(","data":{"name":"Région ✓ )" + std::to_string(n) +
                     R"("}})";
    return event;
}

std::string dump(const api::OutboxEvent& e) {
    std::ostringstream out;
    out << "seq=" << e.seq << "\nid=" << e.id << "\ntype=" << e.type << "\nsubject=" << e.subject
        << "\ntime=" << e.time << "\ndocument=" << e.document << "\naudit_id=" << e.audit_id
        << "\n";
    return out.str();
}

std::vector<std::string> dumps(const std::vector<api::OutboxEvent>& events) {
    std::vector<std::string> out;
    for (const auto& event : events) {
        out.push_back(dump(event));
    }
    return out;
}

std::string dump(const api::EventSubscription& s) {
    std::ostringstream out;
    out << "id=" << s.id << "\nsink=" << s.sink << "\nname=" << s.name << "\ntarget=" << s.target
        << "\ntypes=" << s.types << "\nsubjects=" << s.subjects << "\nstate=" << s.state
        << "\ncursor=" << s.cursor << "\ncreated_at=" << s.created_at
        << "\nupdated_at=" << s.updated_at << "\n";
    return out.str();
}

std::string dump(const api::EventDelivery& d) {
    std::ostringstream out;
    out << "id=" << d.id << "\nsubscription_id=" << d.subscription_id
        << "\nevent_seq=" << d.event_seq << "\nevent_id=" << d.event_id
        << "\nevent_type=" << d.event_type << "\nat=" << d.at << "\nstate=" << d.state
        << "\nattempt=" << d.attempt << "\nstatus=" << d.status << "\nduration_ms=" << d.duration_ms
        << "\nerror=" << d.error << "\n";
    return out.str();
}

}  // namespace vergegrid::test::storage
