// RegionSettings and parcels read from an OAR, the settings archive the bridge generates, and the
// round trip that rewrites a populated region's settings
// (libs/oar_archive/region_settings_archive).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "oar_archive/completeness.hpp"
#include "oar_archive/region_settings_archive.hpp"
#include "tests/libs/oar_archive/oar_test_archives.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

using ::testing::HasSubstr;
using vergegrid::test::OarEntry;
using vergegrid::test::read_oar;
using vergegrid::test::TempDir;
using vergegrid::test::write_oar;
namespace oar = vergegrid::oar;

// settings/Alpha.xml and one parcel file as a real OpenSim 0.9.2.2 wrote them (trimmed).
const std::string kRealSettings =
    "<?xml version=\"1.0\" encoding=\"utf-16\"?>\n<RegionSettings>\n  <General>\n"
    "    <AllowDamage>False</AllowDamage>\n    <BlockFly>True</BlockFly>\n"
    "    <AgentLimit>30</AgentLimit>\n    <ObjectBonus>1</ObjectBonus>\n  </General>\n"
    "  <Terrain>\n    <WaterHeight>25.5</WaterHeight>\n"
    "    <TerrainLowerLimit>-100</TerrainLowerLimit>\n  </Terrain>\n  <Telehub />\n"
    "</RegionSettings>\n";
const std::string kRealParcel =
    "<?xml version=\"1.0\" encoding=\"utf-16\"?><LandData><Area>65536</Area><GlobalID>"
    "a533acac-a55b-46fa-b491-d24e324f22a7</GlobalID><Name>Your Parcel</Name><LocalID>1</LocalID>"
    "</LandData>";

TEST(RegionSettingsArchive, ReadsTheSettingsAndParcelsOfASavedArchive) {
    TempDir dir;
    write_oar(dir.path() / "a.oar",
              {{"archive.xml", "<archive major_version=\"0\" minor_version=\"8\"/>"},
               {"settings/Alpha.xml", kRealSettings},
               {"landdata/a533acac-a55b-46fa-b491-d24e324f22a7.xml", kRealParcel},
               {"terrains/Alpha.r32", std::string(16, '\0')}});
    const auto content = oar::read_region_content(dir.path() / "a.oar");
    EXPECT_EQ(content.settings.at("WaterHeight"), "25.5");
    EXPECT_EQ(content.settings.at("BlockFly"), "True");
    EXPECT_EQ(content.settings.at("AgentLimit"), "30");
    EXPECT_EQ(content.settings.at("TerrainLowerLimit"), "-100");
    EXPECT_EQ(content.settings.count("Telehub"), 0u) << "an empty element is no setting";
    ASSERT_EQ(content.parcels.size(), 1u);
    EXPECT_EQ(content.parcels[0].name, "Your Parcel");
    EXPECT_EQ(content.parcels[0].local_id, 1);
    EXPECT_EQ(content.parcels[0].area, 65536);
    EXPECT_EQ(content.parcels[0].global_id, "a533acac-a55b-46fa-b491-d24e324f22a7");
}

TEST(RegionSettingsArchive, AnArchiveWithoutSettingsIsRefusedByName) {
    TempDir dir;
    write_oar(dir.path() / "a.oar", {{"archive.xml", "<archive/>"}});
    try {
        oar::read_region_content(dir.path() / "a.oar");
        FAIL() << "no settings/ entry must not read as OpenSim's defaults";
    } catch (const oar::ArchiveError& e) {
        EXPECT_THAT(e.what(), HasSubstr("settings/<region>.xml"));
    }
    EXPECT_THROW(oar::read_region_content(dir.path() / "missing.oar"), oar::ArchiveError);
}

TEST(RegionSettingsArchive, TheGeneratedSettingsArchiveHoldsOnlyTheControlFileAndTheSettings) {
    TempDir dir;
    const auto file = dir.path() / "settings.oar";
    oar::write_settings_archive(file, "6f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9", 512, 256, "Alpha",
                                {{"BlockFly", "True"}, {"WaterHeight", "31.5"}});
    EXPECT_TRUE(oar::is_complete(file)) << oar::check_completeness(file).reason;
    const auto entries = read_oar(file);
    ASSERT_EQ(entries.size(), 2u) << "no terrain or parcels: loading it keeps the region's own";
    EXPECT_EQ(entries[0].first, "archive.xml");
    EXPECT_THAT(entries[0].second, HasSubstr("major_version=\"0\" minor_version=\"8\""));
    EXPECT_THAT(entries[0].second, HasSubstr("<size_in_meters>512,256</size_in_meters>"));
    EXPECT_THAT(entries[0].second, HasSubstr("6f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"));
    EXPECT_EQ(entries[1].first, "settings/Alpha.xml");
    const auto content = oar::read_region_content(file);
    EXPECT_EQ(content.settings.at("BlockFly"), "True");
    EXPECT_EQ(content.settings.at("WaterHeight"), "31.5");
    EXPECT_EQ(content.settings.at("AllowDamage"), "False") << "the rest: OpenSim's defaults";
    EXPECT_EQ(content.settings.at("AgentLimit"), "40");
    EXPECT_EQ(content.settings.at("TerrainRaiseLimit"), "100");
}

TEST(RegionSettingsArchive, UnknownOrUnwritableSettingsAreRefused) {
    EXPECT_THROW(oar::region_settings_xml({{"NoSuchSetting", "1"}}), std::invalid_argument);
    EXPECT_THROW(oar::region_settings_xml({{"WaterHeight", "<1>"}}), std::invalid_argument);
}

TEST(RegionSettingsArchive, TheRoundTripChangesTheSettingsAndKeepsEveryOtherEntry) {
    TempDir dir;
    const auto in = dir.path() / "saved.oar";
    const auto out = dir.path() / "rewritten.oar";
    write_oar(in, vergegrid::test::sample_oar_entries("Alpha"));
    oar::rewrite_settings(in, out, {{"WaterHeight", "12"}, {"BlockFly", "True"}});
    EXPECT_TRUE(oar::is_complete(out));
    const auto before = read_oar(in);
    const auto after = read_oar(out);
    ASSERT_EQ(after.size(), before.size());
    for (std::size_t i = 0; i < before.size(); ++i) {
        EXPECT_EQ(after[i].first, before[i].first) << "the same entries in the same order";
        if (before[i].first != "settings/Alpha.xml") {
            EXPECT_EQ(after[i].second, before[i].second) << before[i].first;
        }
    }
    const auto settings = oar::read_region_content(out).settings;
    EXPECT_EQ(settings.at("WaterHeight"), "12");
    EXPECT_EQ(settings.at("AgentLimit"), "40") << "untouched";
    EXPECT_EQ(settings.count("BlockFly"), 0u)
        << "an element the archive lacks is not invented by the rewrite";
}

TEST(RegionSettingsArchive, TheRoundTripRefusesAnArchiveWithoutSettings) {
    TempDir dir;
    write_oar(dir.path() / "a.oar", {{"archive.xml", "<archive/>"}});
    EXPECT_THROW(oar::rewrite_settings(dir.path() / "a.oar", dir.path() / "b.oar", {}),
                 oar::ArchiveError);
}

}  // namespace
