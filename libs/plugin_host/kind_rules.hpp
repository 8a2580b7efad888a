// Which kinds a program uses, and the rules that follow: a file of another kind is skipped (not
// even opened when its name gives the kind away), and a plugin of a used kind older than the minor
// the program needs for it is refused.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "plugin_host/plugin_record.hpp"

namespace vergegrid::plugin_host {

// A kind a program uses, and the oldest ABI minor it accepts from plugins of that kind (raised when
// the program calls a method of the kind's interface that older plugins lack, with no fallback).
struct KindUse {
    std::string_view kind;
    std::uint16_t min_minor = 0;
};

// The oldest minor a plugin of the snapshot_store kind can be built for: the kind and its
// SnapshotStore interface came with ABI 1.5, so a descriptor claiming the kind with an older ABI
// cannot carry that interface (its object would be read through a vtable it never had).
inline constexpr std::uint16_t kSnapshotStoreMinMinor = 5;

// The same for the migration kind and its MigrationStrategy interface, which came with ABI 1.6.
inline constexpr std::uint16_t kMigrationMinMinor = 6;

// The same for the event_sink kind and its EventSink interface, which came with ABI 1.10.
inline constexpr std::uint16_t kEventSinkMinMinor = 10;

// The same for the blueprint kind and its Blueprint interface, which came with ABI 1.11.
inline constexpr std::uint16_t kBlueprintMinMinor = 11;

// The oldest minor a plugin of `kind` can be built for: the minor that brought the kind's
// interface (kSnapshotStoreMinMinor, kMigrationMinMinor), 0 for the kinds of 1.0.
std::uint16_t kind_min_minor(std::string_view kind);

// Every known kind, each from kind_min_minor(): what a loader accepts when no program narrowed it.
std::vector<KindUse> every_kind();

// The use of `kind` among `kinds`, or null.
const KindUse* find_kind(std::span<const KindUse> kinds, std::string_view kind);

// The kind a file's name gives away when it follows the vg-<kind>-<name>.so convention of the
// built-in plugins, else empty.
std::string kind_from_file_name(const std::filesystem::path& file);

// Why `program` does not load a plugin of `kind`: "kind injection not used by vergegrid-control".
std::string unused_kind_reason(const std::string& kind, const std::string& program);

// Why a plugin of a used kind is refused for being older than the program's minimum minor for
// that kind, or "" when it is not. `record` carries the descriptor's ABI.
std::string check_min_minor(const PluginRecord& record, const KindUse& use,
                            const std::string& program);

}  // namespace vergegrid::plugin_host
