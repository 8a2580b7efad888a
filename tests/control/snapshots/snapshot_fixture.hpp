// A SnapshotService over real storage (SQLite and its SnapshotLedger), the hybrid sync plugin and
// the real filesystem snapshot store, with regions on simulators, and the simulator's side of the
// wire as plain calls: upload an archive in chunks, report an operation's result.
#pragma once

#include <openssl/evp.h>

#include <string>
#include <vector>

#include "control/common/extensions.hpp"
#include "control/operations/operation_service.hpp"
#include "control/snapshots/snapshot_ledger.hpp"
#include "control/snapshots/snapshot_service.hpp"
#include "tests/control/regions/region_fixture.hpp"
#include "tests/support/builtin_plugin.hpp"
#include "tests/support/placement_policies.hpp"

namespace vergegrid::control {

inline std::string sha256_hex(const std::string& data) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr);
    static const char* hex = "0123456789abcdef";
    std::string text;
    for (unsigned int i = 0; i < length; ++i) {
        text += hex[digest[i] >> 4];
        text += hex[digest[i] & 15];
    }
    return text;
}

class SnapshotFixture : public RegionFixture {
  protected:
    SnapshotFixture() {
        settings.max_chunk_bytes = 1024;
        blobs = store_plugin.make<plugin_api::SnapshotStore>({{"dir", blob_dir.path().string()}});
        policy_slot.swap(policies.make("basic-rules"));
        // The snapshot service's regions place with a policy (a region made from a snapshot goes
        // wherever placement puts it).
        regions_ptr = std::make_shared<const RegionService>(
            store(), RegionChannel{&sync_, &signals},
            std::make_shared<PlacementService>(policy_slot, "basic-rules",
                                               std::vector<std::string>{}, nullptr,
                                               PortRange{9000, 9999}));
    }

    SnapshotService service() {
        return SnapshotService(
            SnapshotDependencies{store(), regions_ptr, &signals, blobs, settings});
    }

    // A region on kSimulator (the simulator that saves its snapshots).
    plugin_api::Region placed(const std::string& name, int x = 1000) {
        auto region = create(name, x);
        return update(region, {{"placement", {{"simulator_id", kSimulator}}}}).value.region;
    }

    void set_policy(const std::string& region_id, const std::string& lifecycle,
                    const std::string& state_parts = "") {
        store().write([&](plugin_api::StorageTransaction& tx) {
            snapshot_ledger(tx).put_region_state_policy({region_id, lifecycle, state_parts});
        });
    }

    static SimulatorCaller simulator(const std::string& id = kSimulator) {
        return {id, false, "", std::string("simulator:") + id, "req-sim"};
    }

    // Uploads `archive` in max_chunk_bytes chunks; the last answer.
    UploadState upload_all(const std::string& snapshot_id, const std::string& archive,
                           const std::string& sha256 = "") {
        const auto hash = sha256.empty() ? sha256_hex(archive) : sha256;
        UploadState state;
        const std::size_t chunk = settings.max_chunk_bytes;
        for (std::size_t at = 0; at < archive.size(); at += chunk) {
            const auto size = std::min(chunk, archive.size() - at);
            state =
                service().upload(simulator(), {snapshot_id, at, at + size - 1, archive.size(), hash,
                                               std::string_view(archive).substr(at, size)});
        }
        return state;
    }

    // The simulator pulls its operations and reports `operation_id`'s result.
    void report(std::int64_t operation_id, const std::string& state, nlohmann::json result) {
        OperationService operations(store(), signals, pending_keys);
        operations.on_result([this](Changes& changes, const plugin_api::Operation& operation) {
            service().on_operation_result(changes, operation);
        });
        std::get<PullAnswer>(operations.pull(simulator(), 0));
        operations.record_result(simulator(), {operation_id, state, std::move(result)});
    }

    std::vector<plugin_api::Snapshot> snapshots_of(const std::string& region_id) {
        return service().list({{region_id, "", ""}, "", 100});
    }

    plugin_api::Operation operation(std::int64_t id) {
        return *store().read([&](plugin_api::StorageTransaction& tx) {
            return operation_store(tx).find_operation(id);
        });
    }

    bool region_exists(const std::string& id) {
        return store().read(
            [&](plugin_api::StorageTransaction& tx) { return tx.find_region(id).has_value(); });
    }

    // An archive of `size` bytes that is not all one byte.
    static std::string archive(std::size_t size, char seed = 'a') {
        std::string bytes(size, '\0');
        for (std::size_t i = 0; i < size; ++i) {
            bytes[i] = static_cast<char>(seed + i % 23);
        }
        return bytes;
    }

    template <typename Command>
    DomainError refusal(Command&& command) {
        try {
            command();
        } catch (const DomainError& e) {
            return e;
        }
        ADD_FAILURE() << "the command was not refused";
        return DomainError(Fault::internal, "none", "none");
    }

    test::TempDir blob_dir;
    test::BuiltinPlugin store_plugin{"vg-snapshot_store-filesystem.so", "snapshot_store",
                                     "filesystem"};
    std::shared_ptr<plugin_api::SnapshotStore> blobs;
    SnapshotSettings settings;
    PendingKeys pending_keys;
    test::PlacementPolicies policies;
    kernel::services::ActiveSlot<plugin_api::PlacementPolicy> policy_slot;
    std::shared_ptr<const RegionService> regions_ptr;
};

}  // namespace vergegrid::control
