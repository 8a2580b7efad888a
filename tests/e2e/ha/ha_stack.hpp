// Several control planes on one throwaway PostgreSQL database, as docs/ha.md deploys them:
// HAProxy in front of the replicas' HTTP ports (health-checked on /readyz), and, so that a test
// can cut one replica from the database, each replica's database connections through a TCP
// proxy of its own in the same HAProxy, switched off and on at its admin socket.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tests/plugins/storage/contract/backend_harness.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/temp_dir.hpp"

namespace vergegrid::test::ha {

class HaStack {
  public:
    // Starts HAProxy; replicas are started with start_replica. `extra_env` goes to every one.
    HaStack(int replicas, std::map<std::string, std::string> extra_env);
    ~HaStack();

    // Starts replica i (again, after a kill) and waits for it to listen.
    void start_replica(int i);
    void kill_replica(int i);  // SIGKILL, and waits for the exit
    std::uint16_t replica_port(int i) const { return http_ports_[i]; }
    std::uint16_t balancer_port() const { return balancer_port_; }

    // Replica i's database proxy: off closes its connections and refuses new ones; on lets
    // them through again.
    void cut_database(int i);
    void restore_database(int i);

    // What HAProxy's health checks last made of replica i: "UP", "DOWN", or on the way between
    // ("UP 1/2", "DOWN 1/2"): the status column of its "show stat".
    std::string balancer_status(int i) const;
    // Waits until the balancer's checks have found every started replica "UP" (HAProxy begins
    // with servers it could not reach yet as DOWN, and needs two good checks to take them in).
    // Throws std::runtime_error after 30 s.
    void wait_until_balanced() const;

  private:
    std::string haproxy_command(const std::string& command) const;
    // Every replica's status ("r0" -> "UP"), from one "show stat".
    std::map<std::string, std::string> balancer_statuses() const;

    std::unique_ptr<storage::BackendHarness> database_;
    TempDir dir_;
    std::map<std::string, std::string> env_;
    std::vector<std::uint16_t> http_ports_;
    std::vector<std::uint16_t> db_ports_;
    std::uint16_t balancer_port_ = 0;
    std::uint16_t admin_port_ = 0;
    std::unique_ptr<ChildProcess> haproxy_;
    std::vector<std::unique_ptr<ControlPlaneProcess>> replicas_;
};

}  // namespace vergegrid::test::ha
