// The RemoteAdmin methods the bridge uses, with the parameter types and answers of
// docs/../shared design facts (opensim-remoteadmin.md): every call carries the password, errors
// are {success:false, error}, a region is named by region_name (delete requires it).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "sim_bridge/remote_admin/xmlrpc.hpp"

namespace vergegrid::bridge {

// The delay sent with admin_shutdown. Positive: OpenSim arms a timer with it, and a zero interval
// is not what the facts page shows working. The process still takes its own ~10 s to exit.
inline constexpr int kShutdownDelayMs = 1;

struct CreateRegionRequest {
    std::string region_id;
    std::string region_name;
    int region_x = 0;
    int region_y = 0;
    int listen_port = 0;
    std::string listen_ip = "0.0.0.0";
    std::string external_address = "127.0.0.1";
    std::string estate_name;
    // Sent only when set; OpenSim reads them only when estate_name is a new estate, and then
    // needs a user of its user service ("Specified user was not found." otherwise, trap 11).
    std::string estate_owner_uuid;
    std::string estate_owner_first;  // with estate_owner_last, when no UUID is given
    std::string estate_owner_last;
};

struct AdminAnswer {
    bool ok = false;
    bool timed_out = false;
    // No answer at all (refused, broken, timed out): the call may still be running inside the
    // simulator, unlike an answered error or a fault.
    bool transport_failed = false;
    std::string error;
    nlohmann::json body;  // the answer struct when one arrived
};

// An avatar on a region, as admin_get_agents lists it (OpenSim also sends its position, velocity
// and parcel; the bridge needs who it is).
struct RegionAgent {
    std::string name;
    std::string id;
};

struct AgentsAnswer {
    AdminAnswer answer;
    std::vector<RegionAgent> agents;  // when answer.ok
};

class RemoteAdminClient {
  public:
    RemoteAdminClient(XmlRpcEndpoint endpoint, std::string password, XmlRpcLimits limits = {});

    // The version string, or the reason it could not be read (an answer = RemoteAdmin is up,
    // which does not mean the regions are).
    AdminAnswer version(std::chrono::milliseconds timeout) const;
    // health of the region; 0 when unknown or starting (OpenSim answers success with health 0
    // for a region it does not have), -1 when the simulator did not answer.
    int region_health(const std::string& region_name, std::chrono::milliseconds timeout) const;
    // persist is never sent: OpenSim then writes no Regions/ file of its own.
    AdminAnswer create_region(const CreateRegionRequest& request,
                              std::chrono::milliseconds timeout) const;
    AdminAnswer close_region(const std::string& region_name,
                             std::chrono::milliseconds timeout) const;
    AdminAnswer delete_region(const std::string& region_name,
                              std::chrono::milliseconds timeout) const;
    // admin_save_oar of the region into `filename` (a path on the simulator's host), with
    // noassets "true" when asked; perm is never sent. OpenSim answers after at least 5 s whether
    // or not the archive is finished: the answer proves nothing about the file.
    AdminAnswer save_oar(const std::string& region_name, const std::string& filename, bool noassets,
                         std::chrono::milliseconds timeout) const;
    // admin_load_oar without merge (OpenSim clears the region first), with skip-assets "true"
    // when asked. Synchronous.
    AdminAnswer load_oar(const std::string& region_name, const std::string& filename,
                         bool skip_assets, std::chrono::milliseconds timeout) const;
    // admin_modify_region: `public` (estate-wide in OpenSim) and `enable_voice`, live. Only the
    // options given are sent.
    AdminAnswer modify_region(const std::string& region_name, std::optional<bool> public_access,
                              std::optional<bool> enable_voice,
                              std::chrono::milliseconds timeout) const;
    // admin_console_command: one console line. OpenSim answers {} whatever the line did (an
    // unknown command too): `ok` only says the call arrived; the outcome is in the simulator's
    // console output (ConsoleOutput) or must be read back.
    AdminAnswer console_command(const std::string& line, std::chrono::milliseconds timeout) const;
    // admin_get_agents of the region (root agents only: include_children is not sent). OpenSim
    // answers {success, regions: [{name, id, agents: [{name, id, ...}]}]} (verified on 0.9.2.2
    // with no avatar: agents []); an answer without that list fails the call.
    AgentsAnswer get_agents(const std::string& region_name,
                            std::chrono::milliseconds timeout) const;
    // admin_dialog: a notification `from` someone to the users of EVERY region of the simulator
    // (OpenSim's ForEachScene), not only one region's. Answers {accepted, success}.
    AdminAnswer dialog(const std::string& message, const std::string& from,
                       std::chrono::milliseconds timeout) const;
    // shutdown="delayed" with the delay in milliseconds; the process exits later.
    AdminAnswer shutdown(int delay_ms, std::chrono::milliseconds timeout) const;

  private:
    AdminAnswer call(const std::string& method, nlohmann::json params,
                     std::chrono::milliseconds timeout) const;

    XmlRpcEndpoint endpoint_;
    std::string password_;
    XmlRpcLimits limits_;
};

}  // namespace vergegrid::bridge
