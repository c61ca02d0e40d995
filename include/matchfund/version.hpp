// The single source of matchfund's version: CMake reads MATCHFUND_VERSION_* from this file.
#ifndef MATCHFUND_VERSION_HPP
#define MATCHFUND_VERSION_HPP

#define MATCHFUND_VERSION_MAJOR 0
#define MATCHFUND_VERSION_MINOR 1
#define MATCHFUND_VERSION_PATCH 0

#define MATCHFUND_VERSION_STRING "0.1.0"

namespace matchfund {

// Version of the rules format this library reads (`matchfund: 1`).
inline constexpr int rules_format_version = 1;

inline constexpr const char* version_string = MATCHFUND_VERSION_STRING;

}  // namespace matchfund

#endif
