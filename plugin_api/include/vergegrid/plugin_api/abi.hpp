// The versioned contract between vergegrid-control (the host) and a plugin shared object.
// docs/plugin-abi.md explains the rules; this header is the part the compiler checks.
#pragma once

#include <cstdint>
#include <string>

namespace vergegrid::plugin_api {

// Bump the major when anything that crosses the boundary changes incompatibly (a struct field
// moves, a virtual function changes or moves). Bump the minor when something is only added (a
// kind, a trailing descriptor field, an extension interface); old plugins keep working.
//   1.0 storage, placement           1.1 auth, sync; AccessStore, OperationStore
//   1.2 injection; IndexedPlacementPolicy; RegionNeeds and SimulatorSnapshot grew
//   1.3 GridStore                    1.4 the descriptor's build_key; LabelAwareIndexedPolicy
//   1.5 snapshot_store; SnapshotLedger  1.6 migration; MigrationLedger
//   1.7 GridChangeLog, PendingPlacementStore, SavepointStore  1.8 GridRuleQueries
//   1.9 ReplicaStore, ClusterCoordination
//   1.10 event_sink; EventOutbox, EventSubscriptions, AuditChain
//   1.11 blueprint; RolloutLedger  1.12 MigrationBatchPages
inline constexpr std::uint16_t kAbiMajor = 1;
inline constexpr std::uint16_t kAbiMinor = 12;

// How the headers mark what crosses the boundary (docs/plugin-abi.md, "Who fills what"):
//   IN      the host fills it and lends it for one call (const&). It may grow at the end in a
//           minor: a plugin built against older headers never reads past what it declares.
//   OUT     the plugin fills it (returned by value, or the descriptor). Frozen: a struct returned
//           by value cannot grow, because the host would read past an older plugin's object
//           (the descriptor is the exception: it is size-first and only appended to).
//   IN/OUT  both ways (the storage records: written by the host, read back from the plugin).
//           Frozen: any change is a major bump.
//   OWNERSHIP  who allocates, who frees, and how long a reference or pointer stays valid.
//   since   the ABI minor that added a struct, member or method ("since 1.2"). Nothing marked
//           is from 1.0.
// tests/plugin_api/plugin_api_layout_test.cpp holds every boundary struct's golden layout.

// IN (since 1.0): HostContext::host_abi. Frozen.
struct AbiVersion {
    std::uint16_t major = kAbiMajor;
    std::uint16_t minor = kAbiMinor;

    friend bool operator==(const AbiVersion&, const AbiVersion&) = default;
    std::string to_string() const { return std::to_string(major) + "." + std::to_string(minor); }
};

inline constexpr AbiVersion kAbiVersion{kAbiMajor, kAbiMinor};

// The release of the SDK these headers ship in (the project's version; plugin_api/CMakeLists.txt
// checks that the two agree). Carried in the build key for the record, never compared: which
// plugins fit is the ABI version's business.
#define VERGEGRID_SDK_VERSION "0.1.0"

// The name under which every plugin exports its one entry point (see VERGEGRID_PLUGIN).
inline constexpr const char* kEntryPointName = "vergegrid_plugin";

}  // namespace vergegrid::plugin_api
