// Records that more than one part of the engine keeps, in a snapshot's bytes (their writers and
// readers live with the parts' in snapshot_books.cpp). Internal.
#ifndef MATCHFUND_SRC_ENGINE_SNAPSHOT_RECORDS_HPP
#define MATCHFUND_SRC_ENGINE_SNAPSHOT_RECORDS_HPP

#include "engine/records.hpp"
#include "support/binary_stream.hpp"

namespace matchfund::engine_detail {

void save_rematch_candidate(detail::binary_writer& out, const rematch_candidate& candidate);
// Its donation and caps are checked by the engine, which knows how many there are.
rematch_candidate restore_rematch_candidate(detail::binary_reader& in, const rule_set& rules);

}  // namespace matchfund::engine_detail

#endif
