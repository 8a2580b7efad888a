#include "audit_row.hpp"

#include <soci/soci.h>

namespace vergegrid::plugins::sql {

void bind_audit_entry(soci::statement& st, long long& id, plugin_api::AuditEntry& a) {
    st.exchange(soci::into(id));
    st.exchange(soci::into(a.at));
    st.exchange(soci::into(a.actor));
    st.exchange(soci::into(a.action));
    st.exchange(soci::into(a.entity_type));
    st.exchange(soci::into(a.entity_id));
    st.exchange(soci::into(a.request_id));
    st.exchange(soci::into(a.before));
    st.exchange(soci::into(a.after));
}

}  // namespace vergegrid::plugins::sql
