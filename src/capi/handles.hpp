// The C API's handles (matchfund.h's opaque mf_rules and mf_engine), shared by the files of
// src/capi/. Internal.
#ifndef MATCHFUND_SRC_CAPI_HANDLES_HPP
#define MATCHFUND_SRC_CAPI_HANDLES_HPP

#include <exception>
#include <new>
#include <string>
#include <utility>
#include <vector>

#include "matchfund/engine.hpp"
#include "matchfund/error.hpp"
#include "matchfund/matchfund.h"
#include "matchfund/rule_set.hpp"

struct mf_rules {
  matchfund::rule_set rules;
};

struct mf_engine {
  explicit mf_engine(const matchfund::rule_set& r) : rules(r), matcher(r) {}
  mf_engine(const matchfund::rule_set& r, matchfund::engine restored) : rules(r), matcher(std::move(restored)) {}

  matchfund::rule_set rules;
  matchfund::engine matcher;
  std::string error;
  std::vector<mf_rule_outcome> outcomes;  // of the last decision
  std::vector<std::string> limits;        // their limits, NUL-terminated
  std::string line_texts[7];              // of the last ledger line read
};

namespace matchfund::capi {

// Runs `work`, turning what it throws into a status and its message.
template <class Work>
inline mf_status guarded(std::string& message, Work&& work) {
  try {
    work();
    message.clear();
    return MF_OK;
  } catch (const matchfund::snapshot_error& e) {
    message = e.what();
    return MF_ERROR_SNAPSHOT;
  } catch (const matchfund::overflow_error& e) {
    message = e.what();
    return MF_ERROR_LIMIT;
  } catch (const matchfund::error& e) {
    message = e.what();
    return MF_ERROR_LIMIT;
  } catch (const std::bad_alloc&) {
    message = "out of memory";
    return MF_ERROR_LIMIT;
  } catch (const std::exception& e) {
    message = std::string("internal error: ") + e.what();
    return MF_ERROR_INTERNAL;
  } catch (...) {
    message = "internal error";
    return MF_ERROR_INTERNAL;
  }
}


}  // namespace matchfund::capi

#endif
