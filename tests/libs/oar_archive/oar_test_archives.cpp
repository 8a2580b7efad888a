#include "tests/libs/oar_archive/oar_test_archives.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <zlib.h>

#include <cstring>
#include <fstream>
#include <memory>
#include <random>
#include <stdexcept>

namespace vergegrid::test {

std::vector<OarEntry> sample_oar_entries(const std::string& region) {
    const std::string object_uuid = "6a1f3c2e-9b7d-4e5f-8a2b-1c3d5e7f9a0b";
    return {
        {"archive.xml",
         "<?xml version=\"1.0\" encoding=\"utf-16\"?><archive major_version=\"0\" "
         "minor_version=\"8\"><creation_info><datetime>1700000000</datetime></creation_info>"
         "<assets_included>True</assets_included></archive>"},
        {"settings/" + region + ".xml",
         "<?xml version=\"1.0\" encoding=\"utf-16\"?><RegionSettings><General><AgentLimit>40"
         "</AgentLimit></General><Terrain><WaterHeight>20</WaterHeight></Terrain></"
         "RegionSettings>"},
        {"terrains/" + region + ".r32", std::string(4 * 256 * 2, '\x01')},
        {"landdata/0f0e0d0c-0b0a-4908-8706-050403020100.xml",
         "<LandData><Name>Plot</Name></LandData>"},
        // OpenSim names objects "<name>_<x>-<y>-<z>__<uuid>.xml": often past ustar's 100 bytes.
        {"objects/A rather long object name that keeps going and going_128-128-25__" + object_uuid +
             ".xml",
         "<SceneObjectGroup><Name>Chair</Name><SavedScriptState/></SceneObjectGroup>"},
        {"objects/Cube_10-20-30__11111111-2222-4333-8444-555555555555.xml",
         "<SceneObjectGroup><Name>Cube</Name></SceneObjectGroup>"},
        {"assets/aaaaaaaa-0000-4000-8000-000000000001_mesh.llmesh", "MESH"},
        {"assets/aaaaaaaa-0000-4000-8000-000000000002_texture.jp2", "J2K"},
        {"assets/aaaaaaaa-0000-4000-8000-000000000003_script.lsl", "default { state_entry() {} }"},
        {"assets/aaaaaaaa-0000-4000-8000-000000000004_notecard.txt", "a note"},
    };
}

void write_oar(const std::filesystem::path& path, const std::vector<OarEntry>& entries) {
    std::unique_ptr<archive, decltype(&archive_write_free)> writer(archive_write_new(),
                                                                   &archive_write_free);
    archive_write_add_filter_gzip(writer.get());
    archive_write_set_format_gnutar(writer.get());
    if (archive_write_open_filename(writer.get(), path.c_str()) != ARCHIVE_OK) {
        throw std::runtime_error("cannot write " + path.string());
    }
    std::mt19937_64 random(42);
    std::string piece(64 * 1024, '\0');
    for (const auto& item : entries) {
        std::unique_ptr<archive_entry, decltype(&archive_entry_free)> entry(archive_entry_new(),
                                                                            &archive_entry_free);
        archive_entry_set_pathname(entry.get(), item.path.c_str());
        archive_entry_set_filetype(entry.get(), AE_IFREG);
        archive_entry_set_perm(entry.get(), 0644);
        const std::uint64_t size =
            item.generated_bytes > 0 ? item.generated_bytes : item.content.size();
        archive_entry_set_size(entry.get(), static_cast<la_int64_t>(size));
        if (archive_write_header(writer.get(), entry.get()) != ARCHIVE_OK) {
            throw std::runtime_error(archive_error_string(writer.get()));
        }
        if (item.generated_bytes == 0) {
            archive_write_data(writer.get(), item.content.data(), item.content.size());
            continue;
        }
        for (std::uint64_t left = size; left > 0;) {
            const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(left, piece.size()));
            for (std::size_t i = 0; i + 8 <= n; i += 8) {
                const auto word = random();
                std::memcpy(piece.data() + i, &word, 8);
            }
            archive_write_data(writer.get(), piece.data(), n);
            left -= n;
        }
    }
    if (archive_write_close(writer.get()) != ARCHIVE_OK) {
        throw std::runtime_error(archive_error_string(writer.get()));
    }
}

std::vector<std::pair<std::string, std::string>> read_oar(const std::filesystem::path& path) {
    std::unique_ptr<archive, decltype(&archive_read_free)> reader(archive_read_new(),
                                                                  &archive_read_free);
    archive_read_support_filter_gzip(reader.get());
    archive_read_support_format_gnutar(reader.get());
    archive_read_support_format_tar(reader.get());
    if (archive_read_open_filename(reader.get(), path.c_str(), 64 * 1024) != ARCHIVE_OK) {
        throw std::runtime_error("cannot read " + path.string());
    }
    std::vector<std::pair<std::string, std::string>> result;
    archive_entry* entry = nullptr;
    while (archive_read_next_header(reader.get(), &entry) == ARCHIVE_OK) {
        const auto size = archive_entry_size(entry);
        std::string content;
        if (size <= 1024 * 1024) {
            content.resize(static_cast<std::size_t>(size));
            archive_read_data(reader.get(), content.data(), content.size());
        } else {
            content = "<" + std::to_string(size) + " bytes>";
        }
        result.emplace_back(archive_entry_pathname(entry), content);
    }
    return result;
}

std::string gunzip_file(const std::filesystem::path& path) {
    gzFile file = gzopen(path.c_str(), "rb");
    std::string data;
    char piece[65536];
    int got = 0;
    while ((got = gzread(file, piece, sizeof piece)) > 0) {
        data.append(piece, static_cast<std::size_t>(got));
    }
    gzclose(file);
    return data;
}

void gzip_file(const std::filesystem::path& path, const std::string& data) {
    gzFile file = gzopen(path.c_str(), "wb");
    gzwrite(file, data.data(), static_cast<unsigned>(data.size()));
    gzclose(file);
}

void copy_prefix(const std::filesystem::path& from, const std::filesystem::path& to,
                 std::uint64_t size) {
    std::ifstream in(from, std::ios::binary);
    std::string data(static_cast<std::size_t>(size), '\0');
    in.read(data.data(), static_cast<std::streamsize>(size));
    std::ofstream(to, std::ios::binary | std::ios::trunc).write(data.data(), in.gcount());
}

}  // namespace vergegrid::test
