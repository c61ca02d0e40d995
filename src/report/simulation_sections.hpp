// The parts of the simulation report's page that have a file of their own (the sweep), and what
// they share with the rest of the page.
#ifndef MATCHFUND_SRC_REPORT_SIMULATION_SECTIONS_HPP
#define MATCHFUND_SRC_REPORT_SIMULATION_SECTIONS_HPP

#include <cstdint>
#include <vector>

#include "matchfund/money.hpp"
#include "report/html_page.hpp"
#include "report/money_display.hpp"
#include "report/simulation_inputs.hpp"

namespace matchfund::reporting {

struct simulation_context {
  const simulation_outputs& outputs;
  money_display display;
  std::int64_t from_ms = 0;  // the charts' time range: the campaign, or longer if the curves are
  std::int64_t to_ms = 0;
};

// The median of amounts by nearest rank: the ceil(n/2)-th smallest (the lower middle one of an
// even count), so it is one of the amounts; zero for none.
money median_amount(std::vector<money> amounts);

// How the page writes the value of sweep point `point`: an amount when the swept key is one
// ("3,000万"), else as simulation.json gives it ("0.5").
std::string sweep_value_label(const simulation_context& context, std::size_t point);

// "Sweep": chance of running out, median exhaustion time and median left per fund, by point.
void add_sweep_section(html_page& page, const simulation_context& context);

}  // namespace matchfund::reporting

#endif
