#include "write/ledger_writer.hpp"

#include <algorithm>
#include <string_view>
#include <utility>

#include "write/csv_writer.hpp"
#include "write/ledger_rows.hpp"

namespace matchfund::detail {

ledger_writer::ledger_writer(const rule_set& rules, output_file& file, std::string written)
    : rules_(rules), file_(file), written_(std::move(written)) {
  filling_.lines.reserve(lines_per_batch);
  filling_.text.reserve(text_per_batch);
  thread_ = std::thread([this] { write_batches(); });
}

ledger_writer::~ledger_writer() {
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
    abandoned_ = true;
  }
  changed_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ledger_writer::add(std::span<const ledger_line> lines) {
  for (const ledger_line& line : lines) copy_line(line);
}

void ledger_writer::add_kept(std::span<const ledger_line> lines) {
  while (!lines.empty()) {
    if (filling_.lines.size() == lines_per_batch) hand_over();
    const std::size_t room = std::min(lines.size(), lines_per_batch - filling_.lines.size());
    filling_.lines.insert(filling_.lines.end(), lines.begin(), lines.begin() + static_cast<std::ptrdiff_t>(room));
    lines = lines.subspan(room);
  }
}

void ledger_writer::copy_line(const ledger_line& line) {
  const std::size_t needed = line.event_id.size() + line.donation_id.size() + line.donor.size() + line.limited_by.size();
  if (filling_.lines.size() == lines_per_batch || filling_.text.size() + needed > filling_.text.capacity()) {
    if (!filling_.lines.empty()) hand_over();
    if (needed > filling_.text.capacity()) filling_.text.reserve(needed);  // an empty batch: no views yet
  }
  std::string& text = filling_.text;
  // Appending never reallocates here (checked above), so earlier views stay valid.
  const auto keep = [&text](std::string_view view) {
    const std::size_t at = text.size();
    text.append(view);
    return std::string_view(text.data() + at, view.size());
  };
  ledger_line& copy = filling_.lines.emplace_back(line);
  copy.event_id = keep(line.event_id);
  // A match line's event is its donation: one copy serves both.
  copy.donation_id = line.donation_id == line.event_id ? copy.event_id : keep(line.donation_id);
  copy.donor = keep(line.donor);
  copy.limited_by = keep(line.limited_by);
}

void ledger_writer::hand_over() {
  batch next;
  {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return queued_.size() < batches_ahead || error_; });
    if (error_) std::rethrow_exception(error_);
    queued_.push_back(std::move(filling_));
    if (!spare_.empty()) {
      next = std::move(spare_.back());
      spare_.pop_back();
    }
  }
  changed_.notify_all();
  next.lines.clear();
  next.text.clear();
  if (next.lines.capacity() < lines_per_batch) next.lines.reserve(lines_per_batch);
  if (next.text.capacity() < text_per_batch) next.text.reserve(text_per_batch);
  filling_ = std::move(next);
}

void ledger_writer::finish() {
  if (!filling_.lines.empty()) hand_over();
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
  }
  changed_.notify_all();
  thread_.join();
  if (error_) std::rethrow_exception(error_);
}

void ledger_writer::write_batches() {
  try {
    csv_writer csv = written_.empty()
                         ? csv_writer("seq,time,kind,event_id,donation_id,donor,project,rule,fund,amount,limited_by,disposition",
                                      &file_)
                         : csv_writer::continuing(std::move(written_), &file_);
    ledger_rows rows(rules_);
    bool completed = false;
    for (;;) {
      batch full;
      {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return !queued_.empty() || closing_; });
        if (abandoned_ || queued_.empty()) {
          completed = !abandoned_;
          break;
        }
        full = std::move(queued_.front());
        queued_.pop_front();
      }
      changed_.notify_all();
      for (const ledger_line& line : full.lines) {
        csv.row([&](std::string& text) { rows.append(text, line); });
      }
      std::lock_guard lock(mutex_);
      spare_.push_back(std::move(full));
    }
    if (completed) csv.flush();
  } catch (...) {
    std::lock_guard lock(mutex_);
    error_ = std::current_exception();
  }
  changed_.notify_all();
}

}  // namespace matchfund::detail
