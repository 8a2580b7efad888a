#include "sample_data.hpp"

#include <charconv>
#include <cstdio>
#include <sstream>
#include <vector>

namespace vergegrid::test::storage {

namespace api = plugin_api;

std::string uuid(int n) {
    char text[40];
    std::snprintf(text, sizeof text, "00000000-0000-4000-8000-%012d", n);
    return text;
}

api::Estate sample_estate(int n, const std::string& name) {
    return {uuid(n), name, "Ówner Ävatar " + std::to_string(n), "2026-01-02T03:04:05.006Z",
            "2026-02-03T04:05:06.007Z"};
}

api::Template sample_template(int n, const std::string& name) {
    return {uuid(n),
            name,
            api::SemVer{1, 0, 0},
            R"({"size_x":256,"note":"plantilla – ☀"})",
            "2026-03-04T05:06:07.008Z",
            "2026-03-04T05:06:07.008Z",
            "operator-" + std::to_string(n)};
}

api::Region sample_region(int n, const std::string& name, const std::string& estate_id, int x,
                          int y, const std::string& host, int port) {
    api::Region r;
    r.uuid = uuid(n);
    r.name = name;
    r.estate_id = estate_id;
    r.loc_x = x;
    r.loc_y = y;
    r.size_x = 256;
    r.size_y = 256;
    r.port = port;
    r.host = host;
    r.physics_type = "ubODE";
    r.terrain_preset = "rolling-hills";
    r.draw_distance_cap = 384;
    r.version = api::SemVer{2, 3, 4};
    r.region_state_mode = "hybrid";

    r.environment.water_height = 21.1;  // not exact in binary: must come back bit for bit
    r.environment.sun_fixed = true;
    r.environment.sun_position = 13.333333333333334;
    r.environment.environment_preset = "Ciel d'été ☀ «fixe»";

    r.terrain.raise_limit = 42.125;
    r.terrain.lower_limit = -0.1;

    r.permissions.public_access = false;
    r.permissions.allow_damage = true;
    r.permissions.allow_terraform = true;

    r.flags.enabled = false;
    r.flags.allow_voice = false;
    r.flags.allow_flying = false;
    r.flags.allow_scripts = false;
    r.flags.max_prims = 22222;
    r.flags.max_agents = 77;

    r.placement.simulator_id = "sim-42";
    r.placement.required_labels = {"gpu", "zone=eu-west", "ünïcode"};
    r.placement.preferred_labels = {"ssd"};
    r.placement.anti_affinity = {};

    r.template_data.template_version = api::SemVer{1, 2, 3};
    r.template_data.parcel_layout = R"([{"name":"Plaza","x":0,"y":0,"w":64,"h":64}])";
    return r;
}

api::User sample_user(int n, const std::string& name) {
    return {uuid(n),
            name,
            "operator",
            "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHRzYWx0$" + std::to_string(n) +
                "aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA",
            false,
            "2026-04-05T06:07:08.009Z"};
}

namespace {

// 64 hex digits, distinct per (prefix, n).
std::string hex_hash(char prefix, int n) {
    char text[80];
    std::snprintf(text, sizeof text, "%c%063d", prefix, n);
    return text;
}

}  // namespace

api::AccessToken sample_access_token(int n, const std::string& user_id) {
    return {uuid(n),
            hex_hash('a', n),
            "api",
            user_id,
            "CI token Nº" + std::to_string(n),
            "2026-05-06T07:08:09.010Z",
            "",
            ""};
}

api::RegistrationToken sample_registration_token(int n) {
    return {uuid(n),
            hex_hash('b', n),
            {"zone=eu-west", "gpu", "ünïcode ✓"},
            "admin-" + std::to_string(n),
            "2026-06-07T08:09:10.011Z",
            "2026-06-08T08:09:10.011Z",
            "",
            ""};
}

api::Simulator sample_simulator(int n, const std::string& hostname) {
    api::Simulator s;
    s.id = uuid(n);
    s.hostname = hostname;
    s.labels = {"gpu", "zone=eu-west", "ünïcode"};
    s.capacity = 12;
    s.push_url = "https://" + hostname + ":9443/vergegrid/push?x=1&y=ü";
    s.state = "online";
    s.key_hash = hex_hash('c', n);
    s.previous_key_hash = hex_hash('d', n);
    s.previous_key_expires_at = "2026-07-08T09:10:11.012Z";
    s.registered_at = "2026-07-01T00:00:00.000Z";
    s.last_heartbeat_at = "2026-07-08T09:00:00.500Z";
    s.cpu_load = 0.1 + 0.2;  // 0.30000000000000004: must come back bit for bit
    s.memory_load = 0.7333333333333333;
    s.region_count = 5;
    return s;
}

api::Operation sample_operation(const std::string& simulator_id, const std::string& region_uuid) {
    api::Operation o;
    o.simulator_id = simulator_id;
    o.region_uuid = region_uuid;
    o.kind = "update";
    o.op_class = "eager";
    o.region_version = api::SemVer{3, 14, 159};
    o.spec = R"({"name":"Région ☀","size_x":256})";
    o.state = "pending";
    o.attempts = 0;
    o.result = "";
    o.created_at = "2026-08-09T10:11:12.013Z";
    o.updated_at = "2026-08-09T10:11:12.013Z";
    o.due_at = "";
    return o;
}

std::string exact(double value) {
    char text[64];
    const auto result = std::to_chars(text, text + sizeof text, value);
    return std::string(text, result.ptr);
}

namespace {

std::string list(const std::vector<std::string>& items) {
    std::string text = "[";
    for (const auto& item : items) {
        text += "<" + item + ">";
    }
    return text + "]";
}

}  // namespace

std::string dump(const api::Region& r) {
    std::ostringstream out;
    out << "uuid=" << r.uuid << "\nname=" << r.name << "\nestate_id=" << r.estate_id
        << "\ntemplate_id=" << r.template_id << "\nloc=" << r.loc_x << "," << r.loc_y
        << "\nsize=" << r.size_x << "x" << r.size_y << "\nport=" << r.port << "\nhost=" << r.host
        << "\nphysics_type=" << r.physics_type << "\nterrain_preset=" << r.terrain_preset
        << "\ndraw_distance_cap=" << r.draw_distance_cap << "\nversion=" << r.version.to_string()
        << "\nregion_state_mode=" << r.region_state_mode
        << "\nenvironment.water_height=" << exact(r.environment.water_height)
        << "\nenvironment.sun_fixed=" << r.environment.sun_fixed
        << "\nenvironment.sun_position=" << exact(r.environment.sun_position)
        << "\nenvironment.environment_preset=" << r.environment.environment_preset
        << "\nterrain.raise_limit=" << exact(r.terrain.raise_limit)
        << "\nterrain.lower_limit=" << exact(r.terrain.lower_limit)
        << "\npermissions.public_access=" << r.permissions.public_access
        << "\npermissions.allow_damage=" << r.permissions.allow_damage
        << "\npermissions.allow_terraform=" << r.permissions.allow_terraform
        << "\nflags.enabled=" << r.flags.enabled << "\nflags.allow_voice=" << r.flags.allow_voice
        << "\nflags.allow_flying=" << r.flags.allow_flying
        << "\nflags.allow_scripts=" << r.flags.allow_scripts
        << "\nflags.max_prims=" << r.flags.max_prims << "\nflags.max_agents=" << r.flags.max_agents
        << "\nplacement.simulator_id=" << r.placement.simulator_id
        << "\nplacement.required_labels=" << list(r.placement.required_labels)
        << "\nplacement.preferred_labels=" << list(r.placement.preferred_labels)
        << "\nplacement.anti_affinity=" << list(r.placement.anti_affinity)
        << "\ntemplate_data.template_version="
        << (r.template_data.template_version ? r.template_data.template_version->to_string()
                                             : std::string("(none)"))
        << "\ntemplate_data.parcel_layout=" << r.template_data.parcel_layout << "\n";
    return out.str();
}

std::string dump(const api::Estate& e) {
    return "id=" + e.id + "\nname=" + e.name + "\nowner=" + e.owner +
           "\ncreated_at=" + e.created_at + "\nupdated_at=" + e.updated_at + "\n";
}

std::string dump(const api::Template& t) {
    return "id=" + t.id + "\nname=" + t.name + "\nversion=" + t.version.to_string() +
           "\nspec=" + t.spec + "\ncreated_at=" + t.created_at + "\nupdated_at=" + t.updated_at +
           "\n";
}

std::string dump(const api::AuditEntry& a) {
    return "id=" + std::to_string(a.id) + "\nat=" + a.at + "\nactor=" + a.actor +
           "\naction=" + a.action + "\nentity_type=" + a.entity_type +
           "\nentity_id=" + a.entity_id + "\nrequest_id=" + a.request_id + "\nbefore=" + a.before +
           "\nafter=" + a.after + "\n";
}

std::string dump(const api::RegionHistoryEntry& h) {
    return "region_uuid=" + h.region_uuid + "\nversion=" + h.version.to_string() +
           "\nchange=" + h.change + "\nspec=" + h.spec + "\nactor=" + h.actor +
           "\nrequest_id=" + h.request_id + "\nat=" + h.at + "\n";
}

std::string dump(const api::User& u) {
    return "id=" + u.id + "\nname=" + u.name + "\nrole=" + u.role +
           "\npassword_hash=" + u.password_hash + "\ndisabled=" + std::to_string(u.disabled) +
           "\ncreated_at=" + u.created_at + "\n";
}

std::string dump(const api::AccessToken& t) {
    return "id=" + t.id + "\ntoken_hash=" + t.token_hash + "\nkind=" + t.kind +
           "\nuser_id=" + t.user_id + "\nlabel=" + t.label + "\ncreated_at=" + t.created_at +
           "\nexpires_at=" + t.expires_at + "\nrevoked_at=" + t.revoked_at + "\n";
}

std::string dump(const api::RegistrationToken& t) {
    return "id=" + t.id + "\ntoken_hash=" + t.token_hash + "\nlabels=" + list(t.labels) +
           "\ncreated_by=" + t.created_by + "\ncreated_at=" + t.created_at +
           "\nexpires_at=" + t.expires_at + "\nused_at=" + t.used_at +
           "\nused_by_simulator=" + t.used_by_simulator + "\n";
}

std::string dump(const api::Simulator& s) {
    return "id=" + s.id + "\nhostname=" + s.hostname + "\nlabels=" + list(s.labels) +
           "\ncapacity=" + std::to_string(s.capacity) + "\npush_url=" + s.push_url +
           "\nstate=" + s.state + "\nkey_hash=" + s.key_hash +
           "\nprevious_key_hash=" + s.previous_key_hash +
           "\nprevious_key_expires_at=" + s.previous_key_expires_at +
           "\nregistered_at=" + s.registered_at + "\nlast_heartbeat_at=" + s.last_heartbeat_at +
           "\ncpu_load=" + exact(s.cpu_load) + "\nmemory_load=" + exact(s.memory_load) +
           "\nregion_count=" + std::to_string(s.region_count) + "\n";
}

std::string dump(const api::Operation& o) {
    return "id=" + std::to_string(o.id) + "\nsimulator_id=" + o.simulator_id +
           "\nregion_uuid=" + o.region_uuid + "\nkind=" + o.kind + "\nop_class=" + o.op_class +
           "\nregion_version=" + o.region_version.to_string() + "\nspec=" + o.spec +
           "\nstate=" + o.state + "\nattempts=" + std::to_string(o.attempts) +
           "\nresult=" + o.result + "\ncreated_at=" + o.created_at +
           "\nupdated_at=" + o.updated_at + "\ndue_at=" + o.due_at + "\n";
}

}  // namespace vergegrid::test::storage
