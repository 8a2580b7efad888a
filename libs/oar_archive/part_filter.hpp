// A snapshot's parts (docs/snapshots.md, "Parts and OpenSim's archive options") and the copy of
// an OAR that keeps only their entries. OpenSim always writes terrain, settings, parcels and
// objects, and writes assets unless told `noassets`; the bridge asks for the archive, then drops
// what the snapshot does not hold: objects/ without `prims`, each kind of asset without its part.
#pragma once

#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace vergegrid::oar {

// A part name that is not in the contract (the message names it).
class UnknownPart : public std::invalid_argument {
  public:
    using std::invalid_argument::invalid_argument;
};

// An archive that cannot be read or written (the message says which and why).
class ArchiveError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

struct PartSelection {
    bool prims = false;  // objects/ (script_state and object_metadata live inside it)
    bool mesh = false;
    bool texture_refs = false;
    bool inventory_refs = false;

    // The contract's part names; the always-saved parts (terrain, environment, parcels, flags)
    // and script_state/object_metadata are accepted and change nothing here. Throws UnknownPart.
    static PartSelection from_parts(const std::vector<std::string>& parts);

    bool any_assets() const { return mesh || texture_refs || inventory_refs; }
    // admin_save_oar's `noassets`: only when no asset part is on.
    bool noassets() const { return !any_assets(); }
    // True when an archive saved with noassets() may still hold entries to drop.
    bool needs_filter() const;
    // Whether the entry named `path` ("objects/x.xml", "assets/<uuid>_texture.jp2") is kept.
    bool keeps(std::string_view path) const;
};

struct FilterReport {
    std::uint64_t kept = 0;
    std::uint64_t dropped = 0;
    std::uint64_t bytes_written = 0;  // the new archive's size on disk
};

// Copies `in` to `out` (gzip'd GNU tar: OpenSim's reader knows the GNU long-name entries, not
// pax), entry by entry in 64 KiB pieces, keeping what `parts` keeps. `out` is replaced. Throws
// ArchiveError naming the file.
FilterReport filter_parts(const std::filesystem::path& in, const std::filesystem::path& out,
                          const PartSelection& parts);

// True when the archive has an entry under assets/ (a restore loads with `skip-assets`
// otherwise). Reads the headers only. Throws ArchiveError.
bool contains_assets(const std::filesystem::path& archive);

}  // namespace vergegrid::oar
