#include "old_schema.hpp"

#include <soci/soci.h>

#include <algorithm>
#include <fstream>
#include <stdexcept>

#include "backend_harness.hpp"

namespace vergegrid::test::storage {

namespace fs = std::filesystem;

std::vector<std::string> migration_statements(const fs::path& file) {
    std::ifstream in(file);
    if (!in) {
        throw std::runtime_error("cannot read " + file.string());
    }
    std::vector<std::string> statements;
    std::string current;
    std::string line;
    while (std::getline(in, line)) {
        const auto first = line.find_first_not_of(" \t\r");
        if (first == std::string::npos || line.compare(first, 2, "--") == 0) {
            continue;
        }
        line.erase(line.find_last_not_of(" \t\r") + 1);
        if (line.back() == ';') {
            current += line.substr(0, line.size() - 1);
            statements.push_back(current);
            current.clear();
        } else {
            current += line + "\n";
        }
    }
    return statements;
}

void build_schema_up_to(soci::session& sql, const std::string& backend, int last) {
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(sql_dir(backend))) {
        const std::string name = entry.path().filename().string();
        if (entry.path().extension() == ".sql" && name.size() > 4 &&
            std::stoi(name.substr(0, 3)) <= last) {
            files.push_back(entry.path());
        }
    }
    std::sort(files.begin(), files.end());
    if (static_cast<int>(files.size()) != last) {
        throw std::runtime_error("sql/" + backend + " has " + std::to_string(files.size()) +
                                 " migrations up to " + std::to_string(last));
    }
    sql << "CREATE TABLE schema_migrations (version INTEGER NOT NULL PRIMARY KEY, "
           "name VARCHAR(255) NOT NULL, applied_at VARCHAR(32) NOT NULL)";
    int version = 0;
    for (const auto& file : files) {
        bool edits_schema = false;
        for (const auto& statement : migration_statements(file)) {
            sql << statement;
            edits_schema = edits_schema || statement.find("writable_schema") != std::string::npos;
        }
        if (edits_schema) {
            // As the runner does after SQLite's in-place schema edit (schema 8): bump the schema
            // version so that this connection reloads the edited CREATE statements.
            int schema_version = 0;
            sql << "PRAGMA schema_version", soci::into(schema_version);
            sql << "PRAGMA schema_version = " + std::to_string(schema_version + 1);
        }
        ++version;
        sql << "INSERT INTO schema_migrations (version, name, applied_at) "
               "VALUES (:v, 'old', '2026-01-01T00:00:00.000Z')",
            soci::use(version, "v");
    }
}

}  // namespace vergegrid::test::storage
