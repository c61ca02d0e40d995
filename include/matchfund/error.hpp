// Exceptions thrown by matchfund. Operating errors (bad input, limits) derive from
// matchfund::error; programmer errors and broken invariants are assertions (see assert.hpp).
#ifndef MATCHFUND_ERROR_HPP
#define MATCHFUND_ERROR_HPP

#include <stdexcept>
#include <string>

namespace matchfund {

class error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// An amount left the range matchfund accepts (|x| <= 10^15 minor units) or an integer
// computation would have wrapped. Never silently wrapped: the run stops.
class overflow_error : public error {
 public:
  using error::error;
};

// A value was read from text that does not follow its grammar (money, ratio, time, ...).
class parse_error : public error {
 public:
  using error::error;
};

// A snapshot that cannot be restored: not a snapshot, another format version, other rules,
// damaged or cut short (engine::restore).
class snapshot_error : public error {
 public:
  using error::error;
};

}  // namespace matchfund

#endif
