// Asks the dynamic loader whether a shared object is mapped in this process, without loading it.
#pragma once

#include <dlfcn.h>

#include <filesystem>

namespace vergegrid::test {

inline bool is_library_loaded(const std::filesystem::path& file) {
    void* handle = ::dlopen(file.c_str(), RTLD_NOW | RTLD_NOLOAD);
    if (handle == nullptr) {
        return false;
    }
    ::dlclose(handle);  // RTLD_NOLOAD still took a reference
    return true;
}

}  // namespace vergegrid::test
