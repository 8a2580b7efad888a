// The kinds of plugin the host knows. A kind is a string on the wire so that a kernel meeting a
// kind from a newer ABI can name it in its refusal instead of misreading a number.
#pragma once

#include <array>
#include <string_view>

namespace vergegrid::plugin_api::kind {

// ABI 1.0 reserved all five names; their interfaces came with the minor named beside each.
inline constexpr std::string_view kStorage = "storage";      // StorageBackend, since 1.0
inline constexpr std::string_view kPlacement = "placement";  // PlacementPolicy, since 1.0
inline constexpr std::string_view kInjection = "injection";  // InjectionStrategy, since 1.2
inline constexpr std::string_view kSync = "sync";            // SyncScheduler, since 1.1
inline constexpr std::string_view kAuth = "auth";            // AuthProvider, since 1.1
// Added in 1.5: a 1.4 host refuses a plugin of this kind by name.
inline constexpr std::string_view kSnapshotStore = "snapshot_store";  // SnapshotStore, since 1.5
// Added in 1.6: a 1.5 host refuses a plugin of this kind by name.
inline constexpr std::string_view kMigration = "migration";  // MigrationStrategy, since 1.6
// Added in 1.10: a 1.9 host refuses a plugin of this kind by name.
inline constexpr std::string_view kEventSink = "event_sink";  // EventSink, since 1.10
// Added in 1.11: a 1.10 host refuses a plugin of this kind by name.
inline constexpr std::string_view kBlueprint = "blueprint";  // Blueprint, since 1.11

// Every kind this ABI (1.11) knows. Adding one is a minor bump; removing one is a major bump.
inline constexpr std::array<std::string_view, 9> kKnown{kStorage,   kPlacement, kInjection,
                                                        kSync,      kAuth,      kSnapshotStore,
                                                        kMigration, kEventSink, kBlueprint};

constexpr bool is_known(std::string_view k) {
    for (auto known : kKnown) {
        if (known == k) {
            return true;
        }
    }
    return false;
}

}  // namespace vergegrid::plugin_api::kind
