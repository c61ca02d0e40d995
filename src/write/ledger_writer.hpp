// ledger.csv written by a thread of its own. A national replay writes tens of millions of
// ledger lines; formatting them and hashing the bytes on the matching thread took about a tenth
// of its time. Here the matching thread only copies each line (and the text it refers to) into
// a batch; the writing thread formats, hashes and writes batches in the order they were handed
// over, so the file is byte for byte what writing in place gives. Internal (run/replay.cpp).
//
//   ledger_writer ledger(rules, outputs.create("ledger.csv"));
//   ledger.add(engine.ledger());   // copied: the engine may discard its lines at once
//   ledger.add_kept(engine.ledger());   // or, when the engine outlives finish(): the lines only
//   ledger.finish();               // everything written; rethrows an error of the writing thread
//
// An error of the writing thread (a failed write) is rethrown by the next add() or by finish().
// Destroying the writer without finish() stops the thread and drops what was not written.
#ifndef MATCHFUND_SRC_LEDGER_WRITER_HPP
#define MATCHFUND_SRC_LEDGER_WRITER_HPP

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "matchfund/engine.hpp"
#include "matchfund/rule_set.hpp"
#include "write/output_files.hpp"

namespace matchfund::detail {

class ledger_writer {
 public:
  // `written`: the file's header and lines as a run resumed here wrote them (empty: a new file).
  ledger_writer(const rule_set& rules, output_file& file, std::string written = {});
  ~ledger_writer();
  ledger_writer(const ledger_writer&) = delete;
  ledger_writer& operator=(const ledger_writer&) = delete;

  void add(std::span<const ledger_line> lines);
  // The same for lines whose texts stay valid until finish(), such as an engine's (valid as long
  // as the engine): only the lines are copied, not what they refer to.
  void add_kept(std::span<const ledger_line> lines);
  void finish();

 private:
  // Lines whose text views point into `text`, which never reallocates while the batch is filled.
  struct batch {
    std::vector<ledger_line> lines;
    std::string text;
  };

  void copy_line(const ledger_line& line);
  void hand_over();
  void write_batches();  // the writing thread

  static constexpr std::size_t lines_per_batch = 16'384;
  static constexpr std::size_t text_per_batch = std::size_t{1} << 20;
  static constexpr std::size_t batches_ahead = 8;  // how far matching may run ahead of writing

  const rule_set& rules_;
  output_file& file_;
  std::string written_;  // handed to the writing thread, which writes it first
  batch filling_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<batch> queued_;
  std::vector<batch> spare_;
  std::exception_ptr error_;
  bool closing_ = false;    // no more batches come
  bool abandoned_ = false;  // stop without writing what is queued
  std::thread thread_;
};

}  // namespace matchfund::detail

#endif
