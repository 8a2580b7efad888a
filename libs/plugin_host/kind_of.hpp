// Which kind of plugin implements an interface: the one place the host maps the two, so that
// creating an object names its interface only and can never ask the wrong kind for it.
#pragma once

#include <string_view>

#include "vergegrid/plugin_api/auth.hpp"
#include "vergegrid/plugin_api/blueprint.hpp"
#include "vergegrid/plugin_api/event_sink.hpp"
#include "vergegrid/plugin_api/injection.hpp"
#include "vergegrid/plugin_api/kinds.hpp"
#include "vergegrid/plugin_api/migration.hpp"
#include "vergegrid/plugin_api/placement.hpp"
#include "vergegrid/plugin_api/snapshot_store.hpp"
#include "vergegrid/plugin_api/storage.hpp"
#include "vergegrid/plugin_api/sync.hpp"

namespace vergegrid::plugin_host {

// No primary definition: an interface without a kind does not compile.
template <typename Interface>
struct kind_of;

template <>
struct kind_of<plugin_api::StorageBackend> {
    static constexpr std::string_view value = plugin_api::kind::kStorage;
};
template <>
struct kind_of<plugin_api::PlacementPolicy> {
    static constexpr std::string_view value = plugin_api::kind::kPlacement;
};
template <>
struct kind_of<plugin_api::InjectionStrategy> {
    static constexpr std::string_view value = plugin_api::kind::kInjection;
};
template <>
struct kind_of<plugin_api::SyncScheduler> {
    static constexpr std::string_view value = plugin_api::kind::kSync;
};
template <>
struct kind_of<plugin_api::AuthProvider> {
    static constexpr std::string_view value = plugin_api::kind::kAuth;
};

template <>
struct kind_of<plugin_api::SnapshotStore> {
    static constexpr std::string_view value = plugin_api::kind::kSnapshotStore;
};

template <>
struct kind_of<plugin_api::MigrationStrategy> {
    static constexpr std::string_view value = plugin_api::kind::kMigration;
};

template <>
struct kind_of<plugin_api::EventSink> {
    static constexpr std::string_view value = plugin_api::kind::kEventSink;
};

template <>
struct kind_of<plugin_api::Blueprint> {
    static constexpr std::string_view value = plugin_api::kind::kBlueprint;
};

template <typename Interface>
inline constexpr std::string_view kind_of_v = kind_of<Interface>::value;

}  // namespace vergegrid::plugin_host
