// The built-in snapshot store ("filesystem") through its real shared object: uploads staged in
// chunks and resumed by a new store object, offsets, commits that hash right or wrong, blobs
// that rot on disk, range reads, removal, hostile names, concurrency and flat memory.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "plugin_host/plugin_registry.hpp"
#include "tests/support/peak_resident.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_logger.hpp"
#include "vergegrid/plugin_api/snapshot_store.hpp"

namespace {

namespace api = vergegrid::plugin_api;
namespace fs = std::filesystem;
using ::testing::HasSubstr;
using vergegrid::test::TempDir;

std::string sha256_of(const std::string& bytes) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr);
    std::string hex;
    for (unsigned int i = 0; i < length; ++i) {
        static constexpr char kHex[] = "0123456789abcdef";
        hex += kHex[digest[i] >> 4];
        hex += kHex[digest[i] & 0x0f];
    }
    return hex;
}

void fill_random(std::string& bytes, unsigned seed) {
    std::mt19937 generator(seed);
    for (auto& byte : bytes) {
        byte = static_cast<char>(generator() & 0xff);
    }
}

std::string random_bytes(std::size_t size, unsigned seed) {
    std::string bytes(size, '\0');
    fill_random(bytes, seed);
    return bytes;
}

// Loads vg-snapshot_store-filesystem.so the way the kernel does and makes stores with a chosen
// data dir and config.
class FilesystemStore : public ::testing::Test {
  protected:
    FilesystemStore()
        : registry_(vergegrid::plugin_host::PluginLoader(std::make_shared<spdlog::logger>(
              "test", std::make_shared<spdlog::sinks::null_sink_mt>()))) {
        registry_.add(fs::path(VERGEGRID_PLUGIN_DIR) / "vg-snapshot_store-filesystem.so");
    }

    std::shared_ptr<api::SnapshotStore> make(const api::ConfigSection& config = {}) {
        auto plugin = registry_.find("snapshot_store", "filesystem");
        if (!plugin) {
            throw std::runtime_error("the filesystem snapshot store did not load");
        }
        const api::HostContext host{api::kAbiVersion, logger_, config, data_dir_.path().string()};
        return plugin->create<api::SnapshotStore>(host);
    }

    fs::path store_dir() const { return data_dir_.path() / "snapshots"; }
    fs::path blob_file(const std::string& sha) const {
        return store_dir() / "blobs" / sha.substr(0, 2) / sha;
    }
    std::size_t files_in(const fs::path& dir) const {
        std::size_t count = 0;
        for (const auto& entry : fs::recursive_directory_iterator(dir)) {
            count += entry.is_regular_file() ? 1 : 0;
        }
        return count;
    }

    // Appends `bytes` under `id` in chunks of `chunk`, from the staged size on.
    static void upload(api::SnapshotStore& store, const std::string& id, const std::string& bytes,
                       std::size_t chunk) {
        for (auto offset = store.staged_size(id); offset < bytes.size();) {
            const auto size = std::min<std::size_t>(chunk, bytes.size() - offset);
            store.append_staged(id, offset, bytes.data() + offset, size);
            offset += size;
        }
    }

    // The whole blob, read from 0 in pieces of `piece` bytes.
    static std::string read_all(api::SnapshotStore& store, const std::string& sha,
                                std::size_t piece = 4096) {
        auto reader = store.open(sha);
        std::string bytes;
        std::vector<char> buffer(piece);
        while (true) {
            const auto got = reader->read_at(bytes.size(), buffer.data(), buffer.size());
            if (got == 0) {
                return bytes;
            }
            bytes.append(buffer.data(), got);
        }
    }

    TempDir data_dir_;
    std::shared_ptr<vergegrid::test::RecordingLogger> logger_ =
        std::make_shared<vergegrid::test::RecordingLogger>();
    vergegrid::plugin_host::PluginRegistry registry_;
};

TEST_F(FilesystemStore, LoadsAsTheSnapshotStoreKindBuiltForTheCurrentAbi) {
    const auto records = registry_.records();
    ASSERT_EQ(records.size(), 1u);
    EXPECT_EQ(records[0].status, vergegrid::plugin_host::PluginStatus::loaded) << records[0].reason;
    EXPECT_EQ(records[0].kind, "snapshot_store");
    EXPECT_EQ(records[0].abi, api::kAbiVersion);
    EXPECT_EQ(records[0].config_keys, std::vector<std::string>{"dir"});
}

TEST_F(FilesystemStore, KeepsItsFilesInTheDataDirUnlessDirSaysOtherwise) {
    make();
    EXPECT_TRUE(fs::is_directory(store_dir() / "blobs"));
    EXPECT_TRUE(fs::is_directory(store_dir() / "staging"));
    EXPECT_THAT(logger_->lines(), ::testing::Contains(HasSubstr(store_dir().string())));

    make({{"dir", "elsewhere/oars"}});
    EXPECT_TRUE(fs::is_directory(data_dir_.path() / "elsewhere/oars/blobs"))
        << "a relative dir is taken from the data dir";
    TempDir other;
    make({{"dir", (other.path() / "abs").string()}});
    EXPECT_TRUE(fs::is_directory(other.path() / "abs/staging"));
}

TEST_F(FilesystemStore, AnEmptyOrUnusableDirIsAConfigErrorNamingTheKey) {
    std::ofstream(data_dir_.path() / "a-file") << "x";
    for (const std::string& dir : {std::string(), (data_dir_.path() / "a-file/below").string()}) {
        try {
            make({{"dir", dir}});
            ADD_FAILURE() << "accepted dir '" << dir << "'";
        } catch (const vergegrid::plugin_host::PluginCreateError& e) {
            EXPECT_EQ(e.config_key, "snapshot_store.filesystem.dir") << dir;
        }
    }
}

TEST_F(FilesystemStore, AChunkedUploadResumesWhereANewStoreObjectFindsIt) {
    const std::string bytes = random_bytes(300'000, 1);
    const std::string sha = sha256_of(bytes);
    {
        auto store = make();
        EXPECT_EQ(store->staged_size("0a-1"), 0u);
        store->append_staged("0a-1", 0, bytes.data(), 100'000);
        store->append_staged("0a-1", 100'000, bytes.data() + 100'000, 50'000);
        EXPECT_EQ(store->staged_size("0a-1"), 150'000u);
    }  // the process "restarts"
    auto store = make();
    EXPECT_EQ(store->staged_size("0a-1"), 150'000u);
    upload(*store, "0a-1", bytes, 64 * 1024);
    EXPECT_EQ(store->staged_size("0a-1"), bytes.size());
    EXPECT_FALSE(store->contains(sha)) << "nothing is a blob before its commit";

    store->commit_staged("0a-1", sha);
    EXPECT_TRUE(store->contains(sha));
    EXPECT_TRUE(fs::is_regular_file(blob_file(sha)));
    EXPECT_EQ(store->staged_size("0a-1"), 0u);
    EXPECT_EQ(files_in(store_dir() / "staging"), 0u) << "the staging area goes with the commit";
    EXPECT_EQ(read_all(*store, sha), bytes);
    EXPECT_TRUE(store->verify(sha));
    EXPECT_EQ(store->bytes_used(), bytes.size());
}

TEST_F(FilesystemStore, ChunksLargerThanTheHashingSliceCommitUnderTheirSha256) {
    // The store writes and hashes a chunk 256 KiB at a time: chunks of several slices with
    // uneven tails, and a wrong address still refused.
    auto store = make();
    const std::string bytes = random_bytes((3u << 20) + 12'345, 11);
    upload(*store, "0b-1", bytes, (1u << 20) + 7);
    store->commit_staged("0b-1", sha256_of(bytes));
    EXPECT_EQ(read_all(*store, sha256_of(bytes)), bytes);

    upload(*store, "0b-2", bytes, 700'001);
    std::string other = bytes;
    other[(1u << 20) + 3] ^= 1;
    EXPECT_THROW(store->commit_staged("0b-2", sha256_of(other)), api::SnapshotIntegrityError);
}

TEST_F(FilesystemStore, AnAppendThatDoesNotStartAtTheStagedSizeIsRefusedWithThatSize) {
    auto store = make();
    const std::string bytes = random_bytes(1000, 2);
    store->append_staged("ab", 0, bytes.data(), 600);
    for (std::uint64_t offset : {0u, 599u, 601u, 5000u}) {
        try {
            store->append_staged("ab", offset, bytes.data(), 10);
            ADD_FAILURE() << "accepted offset " << offset;
        } catch (const api::SnapshotOffsetError& e) {
            EXPECT_EQ(e.staged(), 600u) << offset;
        }
    }
    EXPECT_EQ(store->staged_size("ab"), 600u) << "a refused append changes nothing";
    EXPECT_THROW(store->append_staged("f2", 3, bytes.data(), 1), api::SnapshotOffsetError);
    EXPECT_EQ(store->staged_size("f2"), 0u);
    store->append_staged("ab", 600, bytes.data() + 600, 400);
    store->commit_staged("ab", sha256_of(bytes));
    EXPECT_EQ(read_all(*store, sha256_of(bytes)), bytes);
}

TEST_F(FilesystemStore, StagedBytesDamagedBehindTheStoresBackFailTheCommit) {
    // What a crash could leave in a staged file (a torn tail) never becomes a blob: the commit
    // hashes every staged byte.
    auto store = make();
    const std::string bytes = random_bytes(2000, 3);
    store->append_staged("ab", 0, bytes.data(), 1000);
    std::ofstream(store_dir() / "staging" / "ab", std::ios::app) << "torn";
    EXPECT_EQ(store->staged_size("ab"), 1004u) << "the file's size is the resume offset";
    EXPECT_THROW(store->append_staged("ab", 1000, bytes.data() + 1000, 1000),
                 api::SnapshotOffsetError);
    store->append_staged("ab", 1004, bytes.data() + 1000, 1000);
    EXPECT_THROW(store->commit_staged("ab", sha256_of(bytes)), api::SnapshotIntegrityError);
    EXPECT_FALSE(store->contains(sha256_of(bytes)));
    EXPECT_EQ(store->staged_size("ab"), 0u);
}

TEST_F(FilesystemStore, ACommitThatDoesNotHashToItsAddressLeavesNothingBehind) {
    auto store = make();
    const std::string bytes = random_bytes(10'000, 4);
    const std::string announced = sha256_of("something else");
    upload(*store, "ab", bytes, 4096);
    EXPECT_THROW(store->commit_staged("ab", announced), api::SnapshotIntegrityError);
    EXPECT_FALSE(store->contains(announced));
    EXPECT_FALSE(store->contains(sha256_of(bytes)));
    EXPECT_EQ(store->staged_size("ab"), 0u);
    EXPECT_EQ(files_in(store_dir()), 0u) << "no blob, no staged bytes";
    EXPECT_EQ(store->bytes_used(), 0u);
    // The upload can start over.
    upload(*store, "ab", bytes, 4096);
    store->commit_staged("ab", sha256_of(bytes));
    EXPECT_TRUE(store->contains(sha256_of(bytes)));
}

TEST_F(FilesystemStore, CommittingWithNothingStagedIsAnError) {
    auto store = make();
    EXPECT_THROW(store->commit_staged("dead", sha256_of("")), api::SnapshotStoreError);
    EXPECT_FALSE(store->contains(sha256_of("")));
}

TEST_F(FilesystemStore, TheSameArchiveCommittedTwiceIsOneBlob) {
    auto store = make();
    const std::string bytes = random_bytes(50'000, 5);
    const std::string sha = sha256_of(bytes);
    upload(*store, "f1", bytes, 8192);
    store->commit_staged("f1", sha);
    auto early_reader = store->open(sha);
    upload(*store, "f2", bytes, 10'000);
    store->commit_staged("f2", sha);
    EXPECT_EQ(files_in(store_dir()), 1u);
    EXPECT_EQ(store->bytes_used(), bytes.size());
    EXPECT_EQ(read_all(*store, sha), bytes);
    std::vector<char> buffer(bytes.size());
    EXPECT_EQ(early_reader->read_at(0, buffer.data(), buffer.size()), bytes.size())
        << "a reader opened before the second commit still reads the whole blob";
}

TEST_F(FilesystemStore, ABlobThatRotsOnDiskFailsTheReadThatReachesItsEndAndVerify) {
    auto store = make();
    const std::string bytes = random_bytes(3 * 1024 * 1024 + 17, 6);
    const std::string sha = sha256_of(bytes);
    upload(*store, "ab", bytes, 1 << 20);
    store->commit_staged("ab", sha);
    {
        std::fstream file(blob_file(sha), std::ios::in | std::ios::out | std::ios::binary);
        file.seekp(1234567);
        file.put(static_cast<char>(bytes[1234567] ^ 0x01));
    }
    EXPECT_FALSE(store->verify(sha));
    EXPECT_TRUE(store->contains(sha));

    auto reader = store->open(sha);
    EXPECT_EQ(reader->size(), bytes.size());
    std::vector<char> buffer(1 << 20);
    std::uint64_t offset = 0;
    // Every read but the last hands out bytes; the one that reaches the end throws.
    for (int i = 0; i < 3; ++i) {
        offset += reader->read_at(offset, buffer.data(), buffer.size());
    }
    EXPECT_EQ(offset, 3u << 20);
    EXPECT_THROW(reader->read_at(offset, buffer.data(), buffer.size()),
                 api::SnapshotIntegrityError);
    EXPECT_THROW(reader->read_at(offset, buffer.data(), buffer.size()), api::SnapshotIntegrityError)
        << "and so does every later read that reaches the end";
    EXPECT_THROW(read_all(*store, sha, 65536), api::SnapshotIntegrityError);
}

TEST_F(FilesystemStore, AReaderServesRangesAndEndsAtTheBlobsSize) {
    auto store = make();
    const std::string bytes = random_bytes(100'000, 7);
    const std::string sha = sha256_of(bytes);
    upload(*store, "ab", bytes, 100'000);
    store->commit_staged("ab", sha);
    auto reader = store->open(sha);
    std::vector<char> buffer(10'000);
    EXPECT_EQ(reader->read_at(40'000, buffer.data(), 5000), 5000u);
    EXPECT_EQ(std::string(buffer.data(), 5000), bytes.substr(40'000, 5000));
    EXPECT_EQ(reader->read_at(95'000, buffer.data(), buffer.size()), 5000u) << "short at the end";
    EXPECT_EQ(std::string(buffer.data(), 5000), bytes.substr(95'000));
    EXPECT_EQ(reader->read_at(100'000, buffer.data(), buffer.size()), 0u);
    EXPECT_EQ(reader->read_at(200'000, buffer.data(), buffer.size()), 0u);
    // Out-of-order reads do not upset the check of a later sequential pass over the same reader.
    std::string sequential;
    while (auto got = reader->read_at(sequential.size(), buffer.data(), buffer.size())) {
        sequential.append(buffer.data(), got);
    }
    EXPECT_EQ(sequential, bytes);
}

TEST_F(FilesystemStore, AnEmptyArchiveIsABlobToo) {
    auto store = make();
    const std::string sha = sha256_of("");
    store->append_staged("ab", 0, nullptr, 0);
    store->commit_staged("ab", sha);
    EXPECT_TRUE(store->contains(sha));
    EXPECT_EQ(read_all(*store, sha), "");
    EXPECT_TRUE(store->verify(sha));
}

TEST_F(FilesystemStore, RemovedBlobsAreGoneAndRemovingTwiceIsFine) {
    auto store = make();
    const std::string bytes = random_bytes(5000, 8);
    const std::string sha = sha256_of(bytes);
    upload(*store, "ab", bytes, 5000);
    store->commit_staged("ab", sha);
    store->remove(sha);
    EXPECT_FALSE(store->contains(sha));
    EXPECT_FALSE(store->verify(sha));
    EXPECT_THROW(store->open(sha), api::SnapshotStoreError);
    EXPECT_NO_THROW(store->remove(sha));
    EXPECT_EQ(store->bytes_used(), 0u);
}

TEST_F(FilesystemStore, DiscardForgetsStagedBytesAndIgnoresUnknownUploads) {
    auto store = make();
    const std::string bytes = random_bytes(5000, 9);
    store->append_staged("ab", 0, bytes.data(), bytes.size());
    EXPECT_EQ(store->bytes_used(), bytes.size()) << "staged bytes count";
    store->discard_staged("ab");
    EXPECT_EQ(store->staged_size("ab"), 0u);
    EXPECT_EQ(files_in(store_dir()), 0u);
    EXPECT_NO_THROW(store->discard_staged("beef-cafe"));
}

TEST_F(FilesystemStore, NamesThatCouldLeaveTheStoreAreRefused) {
    auto store = make();
    const std::string escape = "../../" + std::string(58, 'a');  // 64 characters
    for (const std::string& id :
         {std::string("../x"), std::string(".."), std::string("a/b"), std::string(""),
          std::string("ABC"), std::string("u.size"), std::string(65, 'a'), std::string("a\0b", 3),
          std::string("/etc/passwd")}) {
        EXPECT_THROW(store->staged_size(id), api::SnapshotStoreError) << id;
        EXPECT_THROW(store->append_staged(id, 0, "x", 1), api::SnapshotStoreError) << id;
        EXPECT_THROW(store->commit_staged(id, sha256_of("x")), api::SnapshotStoreError) << id;
        EXPECT_THROW(store->discard_staged(id), api::SnapshotStoreError) << id;
    }
    for (const std::string& sha : {escape, std::string(64, 'A'), std::string(63, 'a'),
                                   std::string(65, 'a'), std::string("..")}) {
        EXPECT_THROW(store->contains(sha), api::SnapshotStoreError) << sha;
        EXPECT_THROW(store->open(sha), api::SnapshotStoreError) << sha;
        EXPECT_THROW(store->verify(sha), api::SnapshotStoreError) << sha;
        EXPECT_THROW(store->remove(sha), api::SnapshotStoreError) << sha;
    }
    store->append_staged("ab", 0, "x", 1);
    EXPECT_THROW(store->commit_staged("ab", escape), api::SnapshotStoreError);
    EXPECT_EQ(store->staged_size("ab"), 1u) << "a refused address does not touch the upload";
    EXPECT_EQ(files_in(data_dir_.path()), 1u) << "nothing was written outside the store";
}

TEST_F(FilesystemStore, DifferentUploadsRunInParallel) {
    auto store = make();
    std::vector<std::string> archives;
    for (unsigned i = 0; i < 4; ++i) {
        archives.push_back(random_bytes(200'000 + i, 10 + i));
    }
    archives.push_back(archives[0]);  // two uploads of one archive race to the same address
    std::vector<std::thread> threads;
    std::atomic<int> failures{0};
    for (std::size_t i = 0; i < archives.size(); ++i) {
        threads.emplace_back([&, i] {
            try {
                const std::string id = "a0-" + std::to_string(i);
                upload(*store, id, archives[i], 7000);
                store->commit_staged(id, sha256_of(archives[i]));
            } catch (const std::exception&) {
                ++failures;
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    EXPECT_EQ(failures.load(), 0);
    for (const auto& archive : archives) {
        EXPECT_EQ(read_all(*store, sha256_of(archive), 65536), archive);
    }
    EXPECT_EQ(files_in(store_dir() / "staging"), 0u);
}

TEST_F(FilesystemStore, A64MiBArchiveRoundTripsWithFlatMemory) {
    auto store = make();
    constexpr std::size_t kChunk = 1 << 20;
    constexpr std::size_t kChunks = 64;
    // Made, hashed and checked chunk by chunk in one reused buffer: the test itself never holds
    // the archive, and allocates nothing per chunk (a sanitizer's quarantine would keep freed
    // chunks resident and blur the figure).
    EVP_MD_CTX* digest = EVP_MD_CTX_new();
    EVP_DigestInit_ex(digest, EVP_sha256(), nullptr);
    std::vector<std::string> chunk_sums;
    chunk_sums.reserve(kChunks);
    std::string chunk(kChunk, '\0');
    std::string buffer(kChunk, '\0');
    vergegrid::test::PeakResident peak;
    for (std::size_t i = 0; i < kChunks; ++i) {
        fill_random(chunk, 100 + i);
        EVP_DigestUpdate(digest, chunk.data(), chunk.size());
        chunk_sums.push_back(sha256_of(chunk));
        store->append_staged("b16", i * kChunk, chunk.data(), chunk.size());
    }
    unsigned char raw[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_DigestFinal_ex(digest, raw, &length);
    EVP_MD_CTX_free(digest);
    std::string sha;
    for (unsigned int i = 0; i < length; ++i) {
        static constexpr char kHex[] = "0123456789abcdef";
        sha += kHex[raw[i] >> 4];
        sha += kHex[raw[i] & 0x0f];
    }
    store->commit_staged("b16", sha);
    EXPECT_TRUE(store->verify(sha));

    auto reader = store->open(sha);
    ASSERT_EQ(reader->size(), kChunk * kChunks);
    for (std::size_t i = 0; i < kChunks; ++i) {
        ASSERT_EQ(reader->read_at(i * kChunk, buffer.data(), kChunk), kChunk);
        ASSERT_EQ(sha256_of(buffer), chunk_sums[i]) << "chunk " << i;
    }
    EXPECT_EQ(reader->read_at(kChunks * kChunk, buffer.data(), kChunk), 0u);
    const std::uint64_t growth = peak.finish();
    if (vergegrid::test::kResidentSizeIsMeaningful) {
        EXPECT_LT(growth, 16u << 20)
            << "resident set grew by " << growth << " bytes for a 64 MiB blob";
    }
}

}  // namespace
