#include "sim_bridge/channel/control_channel.hpp"
#include "strict_json/strict_json.hpp"

namespace vergegrid::bridge {

ControlChannel::ControlChannel(std::unique_ptr<sim_channel::ChannelRequester> client,
                               sim_channel::TransferSettings transfer)
    : client_(std::move(client)),
      transfer_(
          *client_, [this] { return api_key(); }, transfer) {}

void ControlChannel::upload_snapshot(const std::string& snapshot_id,
                                     const std::filesystem::path& file, const std::string& sha256,
                                     const sim_channel::TransferProgress& progress) {
    transfer_.upload(snapshot_id, file, sha256, progress);
}

void ControlChannel::download_snapshot(const std::string& snapshot_id,
                                       const std::filesystem::path& file, std::uint64_t size,
                                       const sim_channel::TransferProgress& progress) {
    transfer_.download(snapshot_id, file, size, progress);
}

void ControlChannel::report_progress(std::int64_t operation_id,
                                     const sim_channel::OperationProgress& progress) {
    transfer_.report_progress(operation_id, progress);
}

void ControlChannel::set_identity(const Identity& identity) {
    std::lock_guard lock(key_mutex_);
    api_key_ = identity.api_key;
}

void ControlChannel::on_new_key(std::function<void(const std::string&)> listener) {
    std::lock_guard lock(key_mutex_);
    new_key_listener_ = std::move(listener);
}

std::string ControlChannel::api_key() const {
    std::lock_guard lock(key_mutex_);
    return api_key_;
}

void ControlChannel::take_new_key(const nlohmann::json& answer) const {
    if (!answer.is_object() || !answer.contains("new_api_key") ||
        !answer["new_api_key"].is_string()) {
        return;
    }
    std::function<void(const std::string&)> listener;
    {
        std::lock_guard lock(key_mutex_);
        listener = new_key_listener_;
    }
    const auto key = answer["new_api_key"].get<std::string>();
    if (listener && key.rfind("vgs_", 0) == 0 && key != api_key()) {
        listener(key);
    }
}

std::string ControlChannel::rotate_key() const {
    const auto answer = call("POST", "/api/v1/sim/rotate-key", nlohmann::json::object());
    return answer.at("api_key").get<std::string>();
}

nlohmann::json ControlChannel::call(const std::string& method, const std::string& path,
                                    std::optional<nlohmann::json> body,
                                    std::optional<std::chrono::milliseconds> timeout) const {
    sim_channel::ChannelRequest request;
    request.method = method;
    request.path = path;
    request.json_body = std::move(body);
    request.bearer_token = api_key();
    request.timeout = timeout;
    const auto response = client_->request(request);
    if (response.status < 200 || response.status >= 300) {
        std::string message = "HTTP " + std::to_string(response.status);
        try {
            const auto error = strict_json::parse(response.body).at("error");
            message += " " + error.value("code", "") + ": " + error.value("message", "");
        } catch (const std::exception&) {
        }
        throw ControlPlaneError(response.status, method + " " + path + ": " + message);
    }
    return response.body.empty() ? nlohmann::json(nullptr) : response.json();
}

Identity ControlChannel::register_simulator(const Registration& r) const {
    nlohmann::json body = {{"token", r.token},
                           {"hostname", r.hostname},
                           {"labels", r.labels},
                           {"capacity", r.capacity}};
    if (!r.push_url.empty()) {
        body["push_url"] = r.push_url;
    }
    const auto answer = call("POST", "/api/v1/sim/register", body);
    return Identity{answer.at("simulator_id").get<std::string>(),
                    answer.at("api_key").get<std::string>()};
}

std::vector<nlohmann::json> ControlChannel::pull(int wait_s) const {
    const auto answer = call("GET", "/api/v1/sim/operations?wait=" + std::to_string(wait_s),
                             std::nullopt, std::chrono::seconds(wait_s + 15));
    take_new_key(answer);
    std::vector<nlohmann::json> operations;
    for (const auto& item : answer.at("items")) {
        operations.push_back(item);
    }
    return operations;
}

void ControlChannel::report(std::int64_t operation_id, bool succeeded,
                            const nlohmann::json& result) const {
    call("POST", "/api/v1/sim/operations/" + std::to_string(operation_id) + "/result",
         nlohmann::json{{"state", succeeded ? "succeeded" : "failed"}, {"result", result}});
}

void ControlChannel::heartbeat(const Heartbeat& h) const {
    take_new_key(call("POST", "/api/v1/sim/heartbeat",
                      nlohmann::json{{"cpu_load", h.cpu_load},
                                     {"memory_load", h.memory_load},
                                     {"regions", h.regions},
                                     {"state_detail", h.state_detail.substr(0, 2000)}}));
}

void ControlChannel::report_repairs(const std::vector<RepairEvent>& events) const {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& e : events) {
        nlohmann::json event = {{"kind", e.kind}, {"detail", e.detail.substr(0, 2000)}};
        if (!e.region_id.empty()) {
            event["region_id"] = e.region_id.substr(0, 64);
        }
        list.push_back(std::move(event));
    }
    call("POST", "/api/v1/sim/repairs", nlohmann::json{{"events", list}});
}

}  // namespace vergegrid::bridge
