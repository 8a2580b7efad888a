// The simulator's side: chunked, resumable uploads checked against their SHA-256, and downloads;
// only the snapshots of the simulator's own regions.
#include <gtest/gtest.h>

#include "tests/control/snapshots/snapshot_fixture.hpp"

namespace vergegrid::control {
namespace {

class SnapshotUploadTest : public SnapshotFixture {
  protected:
    plugin_api::Snapshot pending() {
        const auto region = placed("Alpha");
        return service().take(actor(), {region.uuid, std::nullopt, ""}).value;
    }

    std::string read_all(const SnapshotContent& content) {
        std::string bytes(content.size, '\0');
        std::uint64_t done = 0;
        while (done < content.size) {
            done += content.reader->read_at(done, bytes.data() + done, 100);
        }
        return bytes;
    }
};

TEST_F(SnapshotUploadTest, ChunksCompleteTheSnapshotWithItsSizeAndHash) {
    const auto snapshot = pending();
    const auto bytes = archive(2500);
    const auto last = upload_all(snapshot.id, bytes);
    EXPECT_EQ(last.state, "complete");
    EXPECT_EQ(last.received, 2500U);
    const auto complete = service().get(snapshot.id);
    EXPECT_EQ(complete.state, "complete");
    EXPECT_EQ(complete.size_bytes, 2500);
    EXPECT_EQ(complete.sha256, sha256_hex(bytes));
    EXPECT_EQ(read_all(service().content(snapshot.id)), bytes);
    ASSERT_EQ(audit("snapshot.complete").size(), 1U);
    EXPECT_EQ(audit("snapshot.complete")[0].actor, "alice");  // who asked for it
}

TEST_F(SnapshotUploadTest, AnUploadResumesWhereTheStagedBytesEnd) {
    const auto snapshot = pending();
    const auto bytes = archive(2000);
    const auto sha = sha256_hex(bytes);
    service().upload(simulator(),
                     {snapshot.id, 0, 999, 2000, sha, std::string_view(bytes).substr(0, 1000)});
    const auto status = service().upload_status(simulator(), snapshot.id);
    EXPECT_EQ(status.received, 1000U);
    EXPECT_EQ(status.state, "saving");
    const auto mismatch = refusal([&] {
        service().upload(simulator(), {snapshot.id, 500, 1499, 2000, sha,
                                       std::string_view(bytes).substr(500, 1000)});
    });
    EXPECT_EQ(mismatch.code(), "upload_offset_mismatch");
    EXPECT_EQ(mismatch.field(), "Content-Range");
    const auto done = service().upload(
        simulator(), {snapshot.id, 1000, 1999, 2000, sha, std::string_view(bytes).substr(1000)});
    EXPECT_EQ(done.state, "complete");
    EXPECT_EQ(service().get(snapshot.id).sha256, sha);
}

TEST_F(SnapshotUploadTest, AShaMismatchDiscardsTheBytesAndFailsTheSnapshot) {
    const auto snapshot = pending();
    const auto bytes = archive(500);
    const auto error =
        refusal([&] { upload_all(snapshot.id, bytes, sha256_hex("something else")); });
    EXPECT_EQ(error.code(), "sha256_mismatch");
    EXPECT_EQ(error.fault(), Fault::unprocessable);
    const auto failed = service().get(snapshot.id);
    EXPECT_EQ(failed.state, "failed");
    EXPECT_EQ(failed.failure, "the archive does not match its SHA-256");
    EXPECT_EQ(blobs->staged_size(snapshot.id), 0U);
    EXPECT_FALSE(blobs->contains(sha256_hex(bytes)));
    EXPECT_EQ(refusal([&] { upload_all(snapshot.id, bytes); }).code(), "snapshot_not_saving");
}

TEST_F(SnapshotUploadTest, AnotherSimulatorSeesNoSuchSnapshot) {
    const auto snapshot = pending();
    const auto bytes = archive(100);
    EXPECT_EQ(refusal([&] {
                  service().upload(simulator(kOtherSimulator),
                                   {snapshot.id, 0, 99, 100, sha256_hex(bytes), bytes});
              }).fault(),
              Fault::not_found);
    EXPECT_EQ(
        refusal([&] { service().upload_status(simulator(kOtherSimulator), snapshot.id); }).fault(),
        Fault::not_found);
    upload_all(snapshot.id, bytes);
    EXPECT_EQ(
        refusal([&] { service().content_for(simulator(kOtherSimulator), snapshot.id); }).fault(),
        Fault::not_found);
    EXPECT_EQ(read_all(service().content_for(simulator(), snapshot.id)), bytes);
}

TEST_F(SnapshotUploadTest, BadChunksAreRefusedNamingTheHeader) {
    const auto snapshot = pending();
    const auto bytes = archive(100);
    EXPECT_EQ(refusal([&] {
                  service().upload(simulator(), {snapshot.id, 0, 99, 100, "not-a-hash", bytes});
              }).field(),
              "X-Content-SHA256");
    EXPECT_EQ(
        refusal([&] {
            service().upload(simulator(), {snapshot.id, 0, 49, 100, sha256_hex(bytes), bytes});
        }).field(),
        "Content-Range");
    const auto big = archive(2000);
    EXPECT_EQ(refusal([&] {
                  service().upload(simulator(), {snapshot.id, 0, 1999, 2000, sha256_hex(big), big});
              }).code(),
              "chunk_too_large");
}

}  // namespace
}  // namespace vergegrid::control
