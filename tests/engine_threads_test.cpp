// The thread contract of engine.hpp, run: engines on separate threads sharing one rule set, and
// the host pattern it documents (one engine thread fed by a queue, request threads waiting for
// their answers). Both are compared with a run on one thread, decision by decision.
#include <catch2/catch.hpp>

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "matchfund/engine.hpp"
#include "matchfund/load_rules.hpp"

#ifndef MATCHFUND_SOURCE_DIR
#define MATCHFUND_SOURCE_DIR "."
#endif

using namespace matchfund;

namespace {

// SPEC §10's campaign: one fund of 100.00 in two tranches, 1:1, at most 30.00 a donor a day.
// A few hundred donations compete for its last money and for the caps.
rule_set worked_example() { return load_rules(std::string(MATCHFUND_SOURCE_DIR) + "/rules/spec-worked-example.yaml"); }

// The first tranche's release, 2021-09-07T10:00:00+08:00.
constexpr timestamp first_release = timestamp::from_epoch_ms(1630980000000);

// Donation `n` of a stream: seven donors in turn, three projects, 1.00 to 13.00.
event donation(const rule_set& rules, const std::string& id, std::uint32_t n, timestamp time) {
  static const char* const projects[] = {"p1", "p2", "p3"};
  event e;
  e.kind = event_kind::donation;
  e.id = id;
  e.donor = "donor-" + std::to_string(n % 7);
  e.project = rules.find_project(projects[n % 3]);
  e.amount = money::from_minor(100 + 100 * static_cast<std::int64_t>(n % 13));
  e.time = time;
  return e;
}

// What a host keeps of a result (the result itself views the engine's buffer).
struct decision {
  std::optional<bad_event_reason> rejected;
  std::vector<std::pair<outcome, money>> rules;  // outcome and amount paid, rule by rule
  friend bool operator==(const decision&, const decision&) = default;
};

decision kept(const engine::event_result& result) {
  decision d{result.rejected, {}};
  for (const rule_evaluation& evaluation : result.evaluations) d.rules.emplace_back(evaluation.code, evaluation.paid);
  return d;
}

std::vector<decision> on_one_thread(const rule_set& rules, const std::vector<event>& events, fund_totals& fund) {
  engine e(rules);
  std::vector<decision> decisions;
  for (const event& ev : events) decisions.push_back(kept(e.process(ev)));
  fund = e.fund(fund_index{0});
  return decisions;
}

// The pattern engine.hpp describes: request threads put donations on a queue and wait; one
// thread owns the engine, takes them in turn, stamps each with its time of arrival (here 200 s
// after the one before: the engine refuses an event earlier than the last) and answers with a
// copy of the decision.
class engine_thread {
 public:
  explicit engine_thread(const rule_set& rules) : engine_(rules), worker_([this] { serve(); }) {}
  engine_thread(const engine_thread&) = delete;
  engine_thread& operator=(const engine_thread&) = delete;
  ~engine_thread() { stop(); }

  std::future<decision> submit(event e) {
    std::promise<decision> answer;
    std::future<decision> future = answer.get_future();
    {
      const std::lock_guard lock(mutex_);
      queue_.emplace_back(std::move(e), std::move(answer));
    }
    wake_.notify_one();
    return future;
  }

  // Answers what is queued, then ends the engine thread. The events as the engine saw them.
  std::vector<event> stop() {
    {
      const std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_one();
    if (worker_.joinable()) worker_.join();
    return processed_;
  }

  fund_totals fund() const { return engine_.fund(fund_index{0}); }  // after stop()

 private:
  void serve() {
    std::unique_lock lock(mutex_);
    for (;;) {
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;
      auto [e, answer] = std::move(queue_.front());
      queue_.pop_front();
      lock.unlock();
      e.time = first_release + std::chrono::seconds(200 * static_cast<std::int64_t>(processed_.size()));
      answer.set_value(kept(engine_.process(e)));
      processed_.push_back(std::move(e));
      lock.lock();
    }
  }

  engine engine_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::pair<event, std::promise<decision>>> queue_;
  bool stopping_ = false;
  std::vector<event> processed_;  // the engine thread's alone until it is joined
  std::thread worker_;            // last: it starts once everything above exists
};

}  // namespace

TEST_CASE("engines on separate threads, sharing one rule set, decide as one thread does", "[engine][threads]") {
  const rule_set rules = worked_example();
  std::vector<event> events;
  for (std::uint32_t n = 0; n < 400; ++n) {
    events.push_back(donation(rules, "d" + std::to_string(n), n, first_release + std::chrono::seconds(300 * n)));
  }
  fund_totals serial_fund;
  const std::vector<decision> serial = on_one_thread(rules, events, serial_fund);

  std::vector<decision> first, second;
  fund_totals first_fund, second_fund;
  std::thread a([&] { first = on_one_thread(rules, events, first_fund); });
  std::thread b([&] { second = on_one_thread(rules, events, second_fund); });
  a.join();
  b.join();
  CHECK(serial.size() == 400);
  CHECK(first == serial);
  CHECK(second == serial);
  CHECK(first_fund.drawn == serial_fund.drawn);
  CHECK(second_fund.drawn == serial_fund.drawn);
  CHECK(serial_fund.drawn == money::from_minor(10000));  // both tranches drawn to the last cent
}

TEST_CASE("one engine thread fed by a queue answers request threads as a run of its order does",
          "[engine][threads]") {
  const rule_set rules = worked_example();
  constexpr std::uint32_t request_threads = 4, each = 150;
  engine_thread host(rules);
  std::vector<std::map<std::string, decision>> answers(request_threads);
  std::vector<std::thread> requests;
  for (std::uint32_t t = 0; t < request_threads; ++t) {
    requests.emplace_back([&, t] {
      for (std::uint32_t n = 0; n < each; ++n) {
        const std::string id = "t" + std::to_string(t) + "-" + std::to_string(n);
        answers[t][id] = host.submit(donation(rules, id, t * each + n, timestamp{})).get();
      }
    });
  }
  for (std::thread& request : requests) request.join();
  const std::vector<event> order = host.stop();

  // The same events in the order the engine thread took them, on one thread, from the start.
  fund_totals serial_fund;
  const std::vector<decision> serial = on_one_thread(rules, order, serial_fund);
  std::size_t compared = 0;
  money answered_paid;
  for (std::size_t k = 0; k < order.size(); ++k) {
    const std::string& id = order[k].id;
    const auto& asked = answers[std::stoul(id.substr(1, id.find('-') - 1))];
    REQUIRE(asked.count(id) == 1);
    CHECK(asked.at(id) == serial[k]);
    CHECK_FALSE(serial[k].rejected.has_value());
    for (const auto& rule : asked.at(id).rules) answered_paid += rule.second;
    ++compared;
  }
  CHECK(compared == request_threads * each);
  CHECK(answered_paid == serial_fund.drawn);  // what the requests were told is what was drawn
  CHECK(host.fund().drawn == serial_fund.drawn);
  CHECK(serial_fund.drawn == money::from_minor(10000));
}
