// Estates and templates (with their versions): CRUD, lookups, ordering and keyset pagination.
#include <gmock/gmock.h>

#include <algorithm>

#include "storage_contract.hpp"

namespace vergegrid::test::storage {
namespace {

namespace api = plugin_api;
using ::testing::ElementsAre;

std::vector<std::string> names(const std::vector<api::Estate>& estates) {
    std::vector<std::string> out;
    for (const auto& e : estates) {
        out.push_back(e.name);
    }
    return out;
}

TEST_P(StorageContract, EstateRoundTripsThroughInsertFindUpdateDelete) {
    const api::Estate estate = sample_estate(1, "Mainland Ωmega 🌍");
    {
        auto tx = write();
        EXPECT_FALSE(tx->find_estate(estate.id).has_value());
        tx->insert_estate(estate);
        tx->commit();
    }
    {
        auto tx = read();
        const auto by_id = tx->find_estate(estate.id);
        ASSERT_TRUE(by_id.has_value());
        EXPECT_EQ(dump(*by_id), dump(estate));
        const auto by_name = tx->find_estate_by_name("Mainland Ωmega 🌍");
        ASSERT_TRUE(by_name.has_value());
        EXPECT_EQ(by_name->id, estate.id);
        const auto other_case = tx->find_estate_by_name("MAINLAND Ωmega 🌍");
        ASSERT_TRUE(other_case.has_value()) << "names compare ignoring letter case";
        EXPECT_EQ(other_case->name, estate.name);
        EXPECT_FALSE(tx->find_estate_by_name("Mainland Ωmega").has_value());
    }
    api::Estate changed = estate;
    changed.name = "Renamed";
    changed.owner = "New Owner";
    changed.updated_at = "2026-12-31T23:59:59.999Z";
    {
        auto tx = write();
        tx->update_estate(changed);
        tx->commit();
    }
    {
        auto tx = write();
        EXPECT_EQ(dump(*tx->find_estate(estate.id)), dump(changed));
        EXPECT_FALSE(tx->find_estate_by_name(estate.name).has_value());
        tx->delete_estate(estate.id);
        tx->delete_estate(estate.id);  // deleting what is gone is not an error
        tx->commit();
    }
    EXPECT_FALSE(read()->find_estate(estate.id).has_value());
}

TEST_P(StorageContract, UpdatingAMissingEstateOrTemplateIsAStorageError) {
    // One read-write transaction at a time: a second one would wait for the first.
    EXPECT_THROW(write()->update_estate(sample_estate(9, "ghost")), api::StorageError);
    EXPECT_THROW(write()->update_template(sample_template(9, "ghost")), api::StorageError);
}

TEST_P(StorageContract, EstatesListByNameWithKeysetPagination) {
    // Byte order of UTF-8: upper case before lower case ("Bravo" before "bravissimo"), accented
    // letters after ASCII. (Names are unique ignoring case, so no "bravo" beside "Bravo".)
    const std::vector<std::string> inserted{"delta", "Alpha",      "charlie",
                                            "Édith", "bravissimo", "Bravo"};
    {
        auto tx = write();
        int n = 10;
        for (const auto& name : inserted) {
            tx->insert_estate(sample_estate(n++, name));
        }
        tx->commit();
    }
    auto tx = read();
    EXPECT_THAT(names(tx->list_estates("", 100)),
                ElementsAre("Alpha", "Bravo", "bravissimo", "charlie", "delta", "Édith"));

    std::vector<std::string> paged;
    std::string cursor;
    int pages = 0;
    for (;;) {
        const auto page = tx->list_estates(cursor, 4);
        if (page.empty()) {
            break;
        }
        EXPECT_LE(page.size(), 4U);
        for (const auto& e : page) {
            paged.push_back(e.name);
        }
        cursor = page.back().name;
        ++pages;
    }
    EXPECT_EQ(pages, 2);
    EXPECT_THAT(paged, ElementsAre("Alpha", "Bravo", "bravissimo", "charlie", "delta", "Édith"));
    EXPECT_THAT(names(tx->list_estates("bravissimo", 2)), ElementsAre("charlie", "delta"));
    EXPECT_TRUE(tx->list_estates("Édith", 10).empty()) << "nothing after the last name";
    EXPECT_TRUE(tx->list_estates("", 0).empty());
}

TEST_P(StorageContract, TemplatesKeepEveryVersion) {
    api::Template tmpl = sample_template(20, "Island – Standard");
    {
        auto tx = write();
        tx->insert_template(tmpl);
        tx->commit();
    }
    {
        auto tx = read();
        EXPECT_EQ(dump(*tx->find_template(tmpl.id)), dump(tmpl));
        EXPECT_EQ(tx->find_template_by_name("Island – Standard")->id, tmpl.id);
        const auto versions = tx->list_template_versions(tmpl.id);
        ASSERT_EQ(versions.size(), 1U) << "insert_template records the first version";
        EXPECT_EQ(versions[0].version, (api::SemVer{1, 0, 0}));
        EXPECT_EQ(versions[0].spec, tmpl.spec);
        EXPECT_EQ(versions[0].at, tmpl.created_at);
        EXPECT_EQ(versions[0].actor, "operator-20") << "the version records who made it";
    }
    const std::string first_spec = tmpl.spec;
    tmpl.version = api::SemVer{1, 1, 0};
    tmpl.spec = R"({"size_x":512})";
    tmpl.updated_at = "2026-05-06T07:08:09.010Z";
    {
        auto tx = write();
        tx->update_template(tmpl);
        tx->commit();
    }
    auto tx = write();
    EXPECT_EQ(dump(*tx->find_template(tmpl.id)), dump(tmpl));
    const auto versions = tx->list_template_versions(tmpl.id);
    ASSERT_EQ(versions.size(), 2U);
    EXPECT_EQ(versions[0].version, (api::SemVer{1, 0, 0}));
    EXPECT_EQ(versions[1].version, (api::SemVer{1, 1, 0}));
    EXPECT_EQ(versions[1].at, tmpl.updated_at);
    EXPECT_EQ(versions[1].template_id, tmpl.id);
    const auto old = tx->find_template_version(tmpl.id, api::SemVer{1, 0, 0});
    ASSERT_TRUE(old.has_value());
    EXPECT_EQ(old->spec, first_spec);
    EXPECT_FALSE(tx->find_template_version(tmpl.id, api::SemVer{2, 0, 0}).has_value());

    tx->delete_template(tmpl.id);
    EXPECT_FALSE(tx->find_template(tmpl.id).has_value());
    EXPECT_TRUE(tx->list_template_versions(tmpl.id).empty()) << "versions go with the template";
    tx->commit();
}

TEST_P(StorageContract, RecordingAnExistingTemplateVersionAgainIsAConflict) {
    const api::Template tmpl = seed_template(21, "Homestead");
    auto tx = write();
    EXPECT_THROW(tx->update_template(tmpl), api::StorageConflict) << "1.0.0 is recorded already";
}

TEST_P(StorageContract, TemplatesListByNameWithKeysetPagination) {
    {
        auto tx = write();
        int n = 30;
        for (const char* name : {"Zeta", "eta", "Theta", "iota"}) {
            tx->insert_template(sample_template(n++, name));
        }
        tx->commit();
    }
    auto tx = read();
    std::vector<std::string> got;
    for (const auto& t : tx->list_templates("", 2)) {
        got.push_back(t.name);
    }
    for (const auto& t : tx->list_templates(got.back(), 2)) {
        got.push_back(t.name);
    }
    EXPECT_THAT(got, ElementsAre("Theta", "Zeta", "eta", "iota"));
}

TEST_P(StorageContract, CountsRegionsPerEstateAndTemplate) {
    const auto estate = seed_estate(40, "Counted");
    const auto other = seed_estate(41, "Other");
    const auto tmpl = seed_template(42, "Counted template");
    {
        auto tx = write();
        auto a = sample_region(43, "count-a", estate.id, 0, 0, "h", 9000);
        a.template_id = tmpl.id;
        tx->insert_region(a);
        tx->insert_region(sample_region(44, "count-b", estate.id, 1, 0, "h", 9001));
        tx->insert_region(sample_region(45, "count-c", other.id, 2, 0, "h", 9002));
        tx->commit();
    }
    auto tx = read();
    EXPECT_EQ(tx->count_regions_in_estate(estate.id), 2);
    EXPECT_EQ(tx->count_regions_in_estate(other.id), 1);
    EXPECT_EQ(tx->count_regions_in_estate(uuid(999)), 0);
    EXPECT_EQ(tx->count_regions_from_template(tmpl.id), 1);
}

}  // namespace
}  // namespace vergegrid::test::storage
