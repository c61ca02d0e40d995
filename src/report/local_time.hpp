// Times as a report shows them: the campaign's local time, without the offset on every line
// (the page says it once).
#ifndef MATCHFUND_SRC_REPORT_LOCAL_TIME_HPP
#define MATCHFUND_SRC_REPORT_LOCAL_TIME_HPP

#include <string>

#include "matchfund/timestamp.hpp"
#include "matchfund/utc_offset.hpp"

namespace matchfund::reporting {

// "2018-09-07 10:00:30"
std::string format_local_time(timestamp t, utc_offset offset);
// "2018-09-07 10:00"
std::string format_local_minute(timestamp t, utc_offset offset);
// "09-07 10:00"
std::string format_local_day_minute(timestamp t, utc_offset offset);
// "UTC+08:00"
std::string format_offset_name(utc_offset offset);

}  // namespace matchfund::reporting

#endif
