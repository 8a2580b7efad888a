// The build key: what a plugin's compiler and flags did to the C++ types that cross the boundary.
// The ABI version says which declarations a plugin was compiled against; the build key says how
// they were laid out. std::string, std::vector, std::optional, shared_ptr, exceptions and RTTI
// cross the boundary, and their layout and behaviour depend on the compiler, the standard library
// and a few macros, so the host refuses a plugin whose key differs from its own (ABI 1.4).
//
// The key is text, "item=value" pairs joined by ';', fixed at compile time in the plugin's own
// translation unit (PluginDescriptor::build_key defaults to VERGEGRID_BUILD_KEY):
//   compiler    gcc-<major> or clang-<major>: the compiler family and major version
//   stdlib      libstdc++ or libc++ (different std:: layouts altogether)
//   cxx11-abi   _GLIBCXX_USE_CXX11_ABI: 1 = the C++11 std::string and std::list, 0 = the old ones
//   assertions  _GLIBCXX_ASSERTIONS: checked operator[] and friends in inline code
//   debug       _GLIBCXX_DEBUG: the debug containers, which have other layouts
//   rtti        -fno-rtti breaks dynamic_cast to the extension interfaces
//   exceptions  -fno-exceptions breaks the error contract (plugins throw std::exception)
//   sdk         VERGEGRID_SDK_VERSION; informative only, never compared
// The host compares every item both keys carry except sdk; an item of the list above missing from
// a key of ABI 1.4 or later counts as a difference. Items a later minor adds are compared only
// when both sides know them, so a 1.4 plugin keeps loading in a 1.5 host.
#pragma once

#include <cstddef>  // libstdc++'s c++config.h: _GLIBCXX_USE_CXX11_ABI, __GLIBCXX__

#include "vergegrid/plugin_api/abi.hpp"

#define VERGEGRID_BUILD_KEY_TEXT_(x) #x
#define VERGEGRID_BUILD_KEY_TEXT(x) VERGEGRID_BUILD_KEY_TEXT_(x)

#if defined(__clang__)
#define VERGEGRID_BUILD_KEY_COMPILER "clang-" VERGEGRID_BUILD_KEY_TEXT(__clang_major__)
#elif defined(__GNUC__)
#define VERGEGRID_BUILD_KEY_COMPILER "gcc-" VERGEGRID_BUILD_KEY_TEXT(__GNUC__)
#else
#define VERGEGRID_BUILD_KEY_COMPILER "unknown"
#endif

#if defined(_LIBCPP_VERSION)
#define VERGEGRID_BUILD_KEY_STDLIB "libc++"
#elif defined(__GLIBCXX__)
#define VERGEGRID_BUILD_KEY_STDLIB "libstdc++"
#else
#define VERGEGRID_BUILD_KEY_STDLIB "unknown"
#endif

#if defined(_GLIBCXX_USE_CXX11_ABI)
#define VERGEGRID_BUILD_KEY_CXX11_ABI VERGEGRID_BUILD_KEY_TEXT(_GLIBCXX_USE_CXX11_ABI)
#else
#define VERGEGRID_BUILD_KEY_CXX11_ABI "none"
#endif

#if defined(_GLIBCXX_ASSERTIONS)
#define VERGEGRID_BUILD_KEY_ASSERTIONS "1"
#else
#define VERGEGRID_BUILD_KEY_ASSERTIONS "0"
#endif

#if defined(_GLIBCXX_DEBUG)
#define VERGEGRID_BUILD_KEY_DEBUG "1"
#else
#define VERGEGRID_BUILD_KEY_DEBUG "0"
#endif

#if defined(__GXX_RTTI) || defined(__cpp_rtti)
#define VERGEGRID_BUILD_KEY_RTTI "1"
#else
#define VERGEGRID_BUILD_KEY_RTTI "0"
#endif

#if defined(__cpp_exceptions) || defined(__EXCEPTIONS)
#define VERGEGRID_BUILD_KEY_EXCEPTIONS "1"
#else
#define VERGEGRID_BUILD_KEY_EXCEPTIONS "0"
#endif

// The key of the translation unit that expands it.
#define VERGEGRID_BUILD_KEY                                                                   \
    "compiler=" VERGEGRID_BUILD_KEY_COMPILER ";stdlib=" VERGEGRID_BUILD_KEY_STDLIB            \
    ";cxx11-abi=" VERGEGRID_BUILD_KEY_CXX11_ABI ";assertions=" VERGEGRID_BUILD_KEY_ASSERTIONS \
    ";debug=" VERGEGRID_BUILD_KEY_DEBUG ";rtti=" VERGEGRID_BUILD_KEY_RTTI                     \
    ";exceptions=" VERGEGRID_BUILD_KEY_EXCEPTIONS ";sdk=" VERGEGRID_SDK_VERSION

namespace vergegrid::plugin_api {

// The items of ABI 1.4's key that the host compares (see above).
inline constexpr const char* kBuildKeyItems[] = {
    "compiler", "stdlib", "cxx11-abi", "assertions", "debug", "exceptions", "rtti"};

}  // namespace vergegrid::plugin_api
