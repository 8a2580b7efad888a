// libs/oar_archive: an archive is whole only when its gzip stream and its tar both end; the part
// filter keeps exactly the entries of the table in docs/snapshots.md in a form OpenSim reads back
// (GNU long names, no pax); SHA-256 of files. Archives are written here with libarchive.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <fstream>

#include "oar_archive/completeness.hpp"
#include "oar_archive/part_filter.hpp"
#include "sha256/sha256.hpp"
#include "tests/libs/oar_archive/oar_test_archives.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAreArray;
using vergegrid::oar::check_completeness;
using vergegrid::oar::contains_assets;
using vergegrid::oar::filter_parts;
using vergegrid::oar::is_complete;
using vergegrid::oar::PartSelection;
using vergegrid::sha256::sha256_file;
using vergegrid::test::OarEntry;
using vergegrid::test::read_oar;
using vergegrid::test::sample_oar_entries;
using vergegrid::test::TempDir;
using vergegrid::test::write_oar;

std::vector<std::string> names_of(const std::vector<std::pair<std::string, std::string>>& oar) {
    std::vector<std::string> names;
    for (const auto& [name, content] : oar) {
        names.push_back(name);
    }
    return names;
}

long peak_rss_kib() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}

TEST(OarCompleteness, AWholeArchiveIsComplete) {
    TempDir dir;
    const auto oar = dir.path() / "a.oar";
    write_oar(oar, sample_oar_entries());
    const auto result = check_completeness(oar);
    EXPECT_TRUE(result.complete) << result.reason;
    EXPECT_EQ(result.file_bytes, fs::file_size(oar));
    EXPECT_GT(result.tar_bytes, 0U);
}

TEST(OarCompleteness, EveryTruncationIsIncomplete) {
    TempDir dir;
    const auto oar = dir.path() / "a.oar";
    write_oar(oar, sample_oar_entries());
    const auto size = fs::file_size(oar);
    // Every prefix of the file, as a reader polling a file OpenSim is still writing would see it.
    for (std::uint64_t cut = 0; cut < size; ++cut) {
        const auto part = dir.path() / "part.oar";
        vergegrid::test::copy_prefix(oar, part, cut);
        const auto result = check_completeness(part);
        EXPECT_FALSE(result.complete) << "a prefix of " << cut << " of " << size << " bytes";
        EXPECT_FALSE(result.reason.empty());
    }
}

TEST(OarCompleteness, AWholeGzipStreamWhoseTarHasNotEndedIsIncomplete) {
    TempDir dir;
    const auto oar = dir.path() / "a.oar";
    write_oar(oar, sample_oar_entries());
    auto tar = vergegrid::test::gunzip_file(oar);
    // Strip the end-of-archive blocks (and the record padding): the entries are all there, the
    // writer has not closed the tar yet.
    const auto last = tar.find_last_not_of('\0');
    tar.resize((last / 512 + 1) * 512);
    const auto open_tar = dir.path() / "open.oar";
    vergegrid::test::gzip_file(open_tar, tar);
    const auto result = check_completeness(open_tar);
    EXPECT_FALSE(result.complete);
    EXPECT_THAT(result.reason, HasSubstr("end-of-archive"));
    // With one end block only, still not ended.
    const auto one_block = dir.path() / "one.oar";
    vergegrid::test::gzip_file(one_block, tar + std::string(512, '\0'));
    EXPECT_FALSE(is_complete(one_block));
    vergegrid::test::gzip_file(one_block, tar + std::string(1024, '\0'));
    EXPECT_TRUE(is_complete(one_block));
}

TEST(OarCompleteness, ACorruptedByteOrBytesAfterTheStreamOrNoGzipAtAllIsIncomplete) {
    TempDir dir;
    const auto oar = dir.path() / "a.oar";
    write_oar(oar, sample_oar_entries());
    std::string bytes;
    {
        std::ifstream in(oar, std::ios::binary);
        bytes.assign(std::istreambuf_iterator<char>(in), {});
    }
    auto write = [&](const std::string& data) {
        const auto file = dir.path() / "x.oar";
        std::ofstream(file, std::ios::binary | std::ios::trunc) << data;
        return check_completeness(file);
    };
    auto flipped = bytes;
    flipped[flipped.size() / 2] ^= 0x55;
    EXPECT_FALSE(write(flipped).complete);
    auto bad_crc = bytes;
    bad_crc[bad_crc.size() - 6] ^= 0x01;  // inside the trailer's CRC-32
    EXPECT_THAT(write(bad_crc).reason, HasSubstr("gzip"));
    EXPECT_THAT(write(bytes + "more").reason, HasSubstr("follow the end"));
    EXPECT_FALSE(write("plain text, not an archive").complete);
    EXPECT_THAT(write("").reason, HasSubstr("empty"));
    EXPECT_THAT(check_completeness(dir.path() / "missing.oar").reason, HasSubstr("cannot open"));
    // A plain tar (uncompressed) is not what OpenSim writes either.
    EXPECT_FALSE(write(vergegrid::test::gunzip_file(oar)).complete);
}

TEST(OarCompleteness, ALargeArchiveIsCheckedInBoundedMemory) {
    TempDir dir;
    const auto oar = dir.path() / "big.oar";
    auto entries = sample_oar_entries();
    entries.push_back({"assets/bbbbbbbb-0000-4000-8000-000000000001_texture.jp2", "", 48 << 20});
    write_oar(oar, entries);
    const long before = peak_rss_kib();
    const auto result = check_completeness(oar);
    EXPECT_TRUE(result.complete) << result.reason;
    EXPECT_GT(result.tar_bytes, 48U << 20);
    EXPECT_LT(peak_rss_kib() - before, 8 * 1024) << "KiB of peak RSS added by the check";
}

TEST(OarParts, TheContractsNamesMapToTheArchiveOptions) {
    const auto minimal = PartSelection::from_parts({"terrain", "environment", "parcels", "flags"});
    EXPECT_FALSE(minimal.prims);
    EXPECT_TRUE(minimal.noassets());
    EXPECT_TRUE(minimal.needs_filter());  // objects/ must go

    const auto full = PartSelection::from_parts({"terrain", "environment", "parcels", "flags",
                                                 "prims", "mesh", "script_state", "object_metadata",
                                                 "texture_refs", "inventory_refs"});
    EXPECT_FALSE(full.noassets());
    EXPECT_FALSE(full.needs_filter());  // OpenSim's archive is the snapshot

    const auto prims_only = PartSelection::from_parts({"prims", "script_state"});
    EXPECT_TRUE(prims_only.noassets());
    EXPECT_FALSE(prims_only.needs_filter());

    const auto some_assets = PartSelection::from_parts({"prims", "mesh"});
    EXPECT_FALSE(some_assets.noassets());
    EXPECT_TRUE(some_assets.needs_filter());

    EXPECT_THROW(PartSelection::from_parts({"terrain", "weather"}), vergegrid::oar::UnknownPart);
}

TEST(OarParts, KeepsEachEntryByTheTable) {
    PartSelection s;
    s.prims = false;
    s.texture_refs = true;
    EXPECT_TRUE(s.keeps("archive.xml"));
    EXPECT_TRUE(s.keeps("settings/Alpha.xml"));
    EXPECT_TRUE(s.keeps("terrains/Alpha.r32"));
    EXPECT_TRUE(s.keeps("./landdata/x.xml"));
    EXPECT_FALSE(s.keeps("objects/Cube__u.xml"));
    EXPECT_FALSE(s.keeps("./objects/Cube__u.xml"));
    EXPECT_TRUE(s.keeps("assets/u_texture.jp2"));
    EXPECT_FALSE(s.keeps("assets/u_mesh.llmesh"));
    EXPECT_FALSE(s.keeps("assets/u_script.lsl"));
    EXPECT_FALSE(s.keeps("assets/u_object.xml"));
    s.inventory_refs = true;
    EXPECT_TRUE(s.keeps("assets/u_script.lsl"));
    EXPECT_TRUE(s.keeps("assets/u_sound.ogg"));
}

TEST(OarFilter, DropsObjectsWithoutPrimsAndKeepsTheAlwaysSavedParts) {
    TempDir dir;
    const auto in = dir.path() / "in.oar";
    const auto out = dir.path() / "out.oar";
    write_oar(in, sample_oar_entries());
    const auto report = filter_parts(in, out, PartSelection::from_parts({"terrain"}));
    EXPECT_EQ(report.kept, 4U);
    EXPECT_EQ(report.dropped, 6U);
    EXPECT_EQ(report.bytes_written, fs::file_size(out));
    EXPECT_TRUE(is_complete(out)) << check_completeness(out).reason;
    const auto kept = read_oar(out);
    EXPECT_THAT(names_of(kept),
                ElementsAre("archive.xml", "settings/Alpha.xml", "terrains/Alpha.r32",
                            "landdata/0f0e0d0c-0b0a-4908-8706-050403020100.xml"));
    const auto original = read_oar(in);
    for (std::size_t i = 0; i < kept.size(); ++i) {
        EXPECT_EQ(kept[i], original[i]) << "entry " << i << " changed";
    }
    EXPECT_FALSE(contains_assets(out));
    EXPECT_TRUE(contains_assets(in));
}

TEST(OarFilter, KeepsPrimsWithTheirLongNamesAsGnuLongLinksAndOnlyTheAssetsAskedFor) {
    TempDir dir;
    const auto in = dir.path() / "in.oar";
    const auto out = dir.path() / "out.oar";
    const auto entries = sample_oar_entries();
    write_oar(in, entries);
    filter_parts(in, out, PartSelection::from_parts({"prims", "mesh", "inventory_refs"}));
    std::vector<std::pair<std::string, std::string>> expected;
    for (const auto& e : entries) {
        if (e.path.find("_texture.jp2") == std::string::npos) {
            expected.emplace_back(e.path, e.content);
        }
    }
    EXPECT_THAT(read_oar(out), UnorderedElementsAreArray(expected));
    // OpenSim's TarArchiveReader knows GNU 'L' long names only: no pax ('x') header, and the long
    // object name is in an 'L' entry.
    const auto tar = vergegrid::test::gunzip_file(out);
    bool long_link = false;
    for (std::size_t at = 0; at + 512 <= tar.size(); at += 512) {
        EXPECT_NE(tar[at + 156], 'x') << "pax header at " << at;
        long_link =
            long_link || (tar.compare(at, 13, "././@LongLink") == 0 && tar[at + 156] == 'L');
    }
    EXPECT_TRUE(long_link);
}

TEST(OarFilter, AnUnreadableArchiveIsAnErrorNamingTheFile) {
    TempDir dir;
    const auto in = dir.path() / "broken.oar";
    std::ofstream(in) << "not an archive at all";
    try {
        filter_parts(in, dir.path() / "out.oar", PartSelection{});
        FAIL() << "no error";
    } catch (const vergegrid::oar::ArchiveError& e) {
        EXPECT_THAT(e.what(), HasSubstr("broken.oar"));
    }
    EXPECT_THROW(contains_assets(dir.path() / "missing.oar"), vergegrid::oar::ArchiveError);
}

TEST(OarFilter, ALargeArchiveIsFilteredInBoundedMemory) {
    TempDir dir;
    const auto in = dir.path() / "big.oar";
    const auto out = dir.path() / "out.oar";
    auto entries = sample_oar_entries();
    entries.push_back({"assets/cccccccc-0000-4000-8000-000000000001_mesh.llmesh", "", 32 << 20});
    entries.push_back({"assets/cccccccc-0000-4000-8000-000000000002_texture.jp2", "", 32 << 20});
    write_oar(in, entries);
    const long before = peak_rss_kib();
    filter_parts(in, out, PartSelection::from_parts({"prims", "mesh"}));
    EXPECT_LT(peak_rss_kib() - before, 16 * 1024) << "KiB of peak RSS added by the filter";
    const auto kept = read_oar(out);
    EXPECT_THAT(names_of(kept),
                ::testing::Contains("assets/cccccccc-0000-4000-8000-000000000001_mesh.llmesh"));
    EXPECT_THAT(names_of(kept), ::testing::Not(::testing::Contains(
                                    "assets/cccccccc-0000-4000-8000-000000000002_texture.jp2")));
    EXPECT_TRUE(is_complete(out));
}

TEST(Sha256File, MatchesKnownDigestsAndThePieceByPieceDigest) {
    TempDir dir;
    const auto empty = dir.path() / "empty";
    std::ofstream(empty).close();
    EXPECT_EQ(sha256_file(empty).sha256,
              "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(sha256_file(empty).size, 0U);
    const auto abc = dir.path() / "abc";
    std::ofstream(abc) << "abc";
    EXPECT_EQ(sha256_file(abc).sha256,
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");

    // Across the 1 MiB reading pieces.
    const auto big = dir.path() / "big";
    std::string data;
    for (int i = 0; i < (3 << 20) + 17; ++i) {
        data.push_back(static_cast<char>(i * 7));
    }
    std::ofstream(big, std::ios::binary) << data;
    vergegrid::sha256::Sha256 whole;
    whole.update(data);
    const auto digest = sha256_file(big);
    EXPECT_EQ(digest.sha256, whole.hex());
    EXPECT_EQ(digest.size, data.size());
    EXPECT_THROW(sha256_file(dir.path() / "missing"), std::runtime_error);
}

}  // namespace
