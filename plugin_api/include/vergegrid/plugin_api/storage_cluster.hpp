// ABI 1.9 extensions for several control planes on one database (docs/ha.md).
// - ReplicaStore, of the transaction: the replicas' rows, each written by its own replica's
//   heartbeat, read by GET /api/v1/cluster.
// - ClusterCoordination, of the backend: the grid's leadership (a lock held by a session of its
//   own, released by the server when that session ends, whoever kills it) and notifications
//   between the control planes on the database (PostgreSQL LISTEN/NOTIFY).
// The host finds both with dynamic_cast. A storage plugin built before 1.9 implements neither:
// its process is the grid's one control plane, as before.
#pragma once

#include <boost/config.hpp>
#include <string>
#include <vector>

namespace vergegrid::plugin_api {

// IN/OUT. Frozen. Since 1.9. One control-plane process, as its last heartbeat described it.
struct Replica {
    std::string id;    // chosen by the process at start-up (a UUID)
    std::string name;  // e.g. "cp1.example:9800"
    std::string url;   // where it serves, e.g. "http://cp1.example:9800"
    std::string version;
    std::string started_at;  // RFC 3339 UTC
    std::string seen_at;     // RFC 3339 UTC, its last heartbeat
    bool leading = false;    // it held the leadership at that heartbeat
};

// Since 1.9. Implemented by the transaction object; never deleted through this interface.
class BOOST_SYMBOL_VISIBLE ReplicaStore {
  public:
    virtual ~ReplicaStore() = default;

    // Inserts the replica or replaces the row with its id.
    virtual void save_replica(const Replica& replica) = 0;
    // Every row, by started_at then id.
    virtual std::vector<Replica> list_replicas() = 0;
    // Deletes the rows last seen before `seen_at` (RFC 3339 UTC); returns how many.
    virtual int delete_replicas_seen_before(const std::string& seen_at) = 0;
    // Deletes the replica's row (a clean stop); no row is no error.
    virtual void delete_replica(const std::string& id) = 0;
};

// Since 1.9. Implemented by the host; the plugin calls it from a thread of its own.
class BOOST_SYMBOL_VISIBLE ClusterListener {
  public:
    virtual ~ClusterListener() = default;

    // A notification another backend object (another control plane) published on one of the
    // channels listened to; what this backend published itself is not delivered back.
    virtual void on_message(const std::string& channel, const std::string& payload) noexcept = 0;
    // The listening session was connected again after it broke: whatever was published
    // meanwhile is lost. Also called once when listening first starts.
    virtual void on_gap() noexcept = 0;
};

// Since 1.9. Implemented by the backend object; never deleted through this interface. Every
// method is thread-safe. close() resigns the leadership and stops listening.
class BOOST_SYMBOL_VISIBLE ClusterCoordination {
  public:
    virtual ~ClusterCoordination() = default;

    // Takes the grid's leadership, or checks that it is still held, on a session of its own
    // (no pool connection). true: held now, and the session answered just now. false: another
    // session holds it, or the database did not answer (the session is then dropped, which
    // releases the lock on the server's side as soon as the server notices). Never throws;
    // bounded by the backend's connect timeout.
    virtual bool hold_leadership() noexcept = 0;
    // Gives it up: frees the lock before returning, so another control plane asking next takes it
    // (dropping the session alone frees it only once the server has noticed), then drops the
    // session. Never throws.
    virtual void resign_leadership() noexcept = 0;

    // Whether the database carries notifications between control planes. When false, publish()
    // does nothing and listen() only reports the first gap.
    virtual bool notifies() const noexcept = 0;
    // Sends each payload (at most 7,900 bytes each) to every listener of `channel` (at most 63
    // bytes: letters, digits, '_'). Throws StorageError when the database fails.
    virtual void publish(const std::string& channel, const std::vector<std::string>& payloads) = 0;
    // Starts a thread of the plugin that delivers the channels' notifications to `listener`,
    // reconnecting (and reporting a gap) when its session breaks. `listener` must stay alive
    // until stop_listening() returns. One listener at a time: a second call replaces the first.
    virtual void listen(const std::vector<std::string>& channels, ClusterListener& listener) = 0;
    // Stops that thread; no call to the listener starts after it returns.
    virtual void stop_listening() noexcept = 0;
};

}  // namespace vergegrid::plugin_api
