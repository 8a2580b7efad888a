#include "sim_bridge/remote_admin/remote_admin_client.hpp"

namespace vergegrid::bridge {

RemoteAdminClient::RemoteAdminClient(XmlRpcEndpoint endpoint, std::string password,
                                     XmlRpcLimits limits)
    : endpoint_(std::move(endpoint)), password_(std::move(password)), limits_(limits) {}

AdminAnswer RemoteAdminClient::call(const std::string& method, nlohmann::json params,
                                    std::chrono::milliseconds timeout) const {
    params["password"] = password_;
    AdminAnswer answer;
    try {
        answer.body =
            xmlrpc_call(endpoint_, method, nlohmann::json::array({params}), timeout, limits_);
    } catch (const XmlRpcTransportError& e) {
        answer.timed_out = e.timed_out();
        answer.transport_failed = true;
        answer.error = e.what();
        return answer;
    } catch (const XmlRpcFault& e) {
        answer.error = method + ": fault " + std::to_string(e.code()) + ": " + e.what();
        return answer;
    }
    if (!answer.body.is_object()) {
        answer.error = method + ": the answer is not a struct";
        return answer;
    }
    const auto success = answer.body.find("success");
    answer.ok = success != answer.body.end() && success->is_boolean() && success->get<bool>();
    if (!answer.ok) {
        const auto error = answer.body.find("error");
        answer.error =
            error != answer.body.end() && error->is_string() && !error->get<std::string>().empty()
                ? error->get<std::string>()
                : method + " failed without a message";
    }
    return answer;
}

AdminAnswer RemoteAdminClient::version(std::chrono::milliseconds timeout) const {
    return call("admin_get_opensim_version", nlohmann::json::object(), timeout);
}

int RemoteAdminClient::region_health(const std::string& region_name,
                                     std::chrono::milliseconds timeout) const {
    const auto answer = call("admin_region_query", {{"region_name", region_name}}, timeout);
    if (answer.body.is_null()) {
        return -1;
    }
    if (!answer.ok) {
        return 0;
    }
    const auto health = answer.body.find("health");
    return health != answer.body.end() && health->is_number_integer() ? health->get<int>() : 0;
}

AdminAnswer RemoteAdminClient::create_region(const CreateRegionRequest& request,
                                             std::chrono::milliseconds timeout) const {
    nlohmann::json params = {{"region_name", request.region_name},
                             {"region_id", request.region_id},
                             {"region_x", request.region_x},
                             {"region_y", request.region_y},
                             {"listen_ip", request.listen_ip},
                             {"listen_port", request.listen_port},
                             {"external_address", request.external_address},
                             {"estate_name", request.estate_name}};
    if (!request.estate_owner_uuid.empty()) {
        params["estate_owner_uuid"] = request.estate_owner_uuid;
    } else if (!request.estate_owner_first.empty() && !request.estate_owner_last.empty()) {
        params["estate_owner_first"] = request.estate_owner_first;
        params["estate_owner_last"] = request.estate_owner_last;
    }
    return call("admin_create_region", std::move(params), timeout);
}

AdminAnswer RemoteAdminClient::close_region(const std::string& region_name,
                                            std::chrono::milliseconds timeout) const {
    return call("admin_close_region", {{"region_name", region_name}}, timeout);
}

AdminAnswer RemoteAdminClient::delete_region(const std::string& region_name,
                                             std::chrono::milliseconds timeout) const {
    return call("admin_delete_region", {{"region_name", region_name}}, timeout);
}

namespace {

// admin_save_oar and admin_load_oar answer {saved: true} / {loaded: true} without `success`
// (the facts page); a failure is {saved: false, success: false, error}.
AdminAnswer judged_by(AdminAnswer answer, const char* flag) {
    if (answer.ok || !answer.body.is_object()) {
        return answer;
    }
    const auto it = answer.body.find(flag);
    const bool failed_explicitly = answer.body.contains("success") || answer.body.contains("error");
    if (it != answer.body.end() && it->is_boolean() && it->get<bool>() && !failed_explicitly) {
        answer.ok = true;
        answer.error.clear();
    }
    return answer;
}

}  // namespace

AdminAnswer RemoteAdminClient::save_oar(const std::string& region_name, const std::string& filename,
                                        bool noassets, std::chrono::milliseconds timeout) const {
    nlohmann::json params = {{"region_name", region_name}, {"filename", filename}};
    if (noassets) {
        params["noassets"] = "true";  // OpenSim casts its options as strings: never a boolean
    }
    return judged_by(call("admin_save_oar", std::move(params), timeout), "saved");
}

AdminAnswer RemoteAdminClient::load_oar(const std::string& region_name, const std::string& filename,
                                        bool skip_assets, std::chrono::milliseconds timeout) const {
    nlohmann::json params = {{"region_name", region_name}, {"filename", filename}};
    if (skip_assets) {
        params["skip-assets"] = "true";
    }
    return judged_by(call("admin_load_oar", std::move(params), timeout), "loaded");
}

AdminAnswer RemoteAdminClient::modify_region(const std::string& region_name,
                                             std::optional<bool> public_access,
                                             std::optional<bool> enable_voice,
                                             std::chrono::milliseconds timeout) const {
    nlohmann::json params = {{"region_name", region_name}};
    // Strings, as OpenSim casts them: "true"/"false".
    if (public_access) {
        params["public"] = *public_access ? "true" : "false";
    }
    if (enable_voice) {
        params["enable_voice"] = *enable_voice ? "true" : "false";
    }
    return call("admin_modify_region", std::move(params), timeout);
}

AdminAnswer RemoteAdminClient::console_command(const std::string& line,
                                               std::chrono::milliseconds timeout) const {
    auto answer = call("admin_console_command", {{"command", line}}, timeout);
    // OpenSim answers a line that ran (whatever it did) with an empty struct, and a line that
    // threw with {success: false, error}: only the latter is a failed call.
    if (!answer.ok && answer.body.is_object() && answer.body.empty()) {
        answer.ok = true;
        answer.error.clear();
    }
    return answer;
}

AgentsAnswer RemoteAdminClient::get_agents(const std::string& region_name,
                                           std::chrono::milliseconds timeout) const {
    AgentsAnswer result{call("admin_get_agents", {{"region_name", region_name}}, timeout), {}};
    if (!result.answer.ok) {
        return result;
    }
    const auto regions = result.answer.body.find("regions");
    const bool listed = regions != result.answer.body.end() && regions->is_array() &&
                        regions->size() == 1 && regions->at(0).is_object() &&
                        regions->at(0).contains("agents") && regions->at(0)["agents"].is_array();
    if (!listed) {
        result.answer.ok = false;
        result.answer.error = "admin_get_agents: the answer has no regions[0].agents list";
        return result;
    }
    for (const auto& agent : regions->at(0)["agents"]) {
        auto text = [&agent](const char* key) {
            const auto it = agent.is_object() ? agent.find(key) : agent.end();
            return it != agent.end() && it->is_string() ? it->get<std::string>() : std::string();
        };
        RegionAgent one{text("name"), text("id")};
        result.agents.push_back(std::move(one));  // counted even when OpenSim left out a field
    }
    return result;
}

AdminAnswer RemoteAdminClient::dialog(const std::string& message, const std::string& from,
                                      std::chrono::milliseconds timeout) const {
    return call("admin_dialog", {{"message", message}, {"from", from}}, timeout);
}

AdminAnswer RemoteAdminClient::shutdown(int delay_ms, std::chrono::milliseconds timeout) const {
    return call("admin_shutdown", {{"shutdown", "delayed"}, {"milliseconds", delay_ms}}, timeout);
}

}  // namespace vergegrid::bridge
