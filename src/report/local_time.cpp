#include "report/local_time.hpp"

namespace matchfund::reporting {

std::string format_local_time(timestamp t, utc_offset offset) {
  // format_rfc3339 gives "YYYY-MM-DDTHH:MM:SS.mmm+08:00": keep date and clock, space-separated.
  std::string text = format_rfc3339(t, offset).substr(0, 19);
  text[10] = ' ';
  return text;
}

std::string format_local_minute(timestamp t, utc_offset offset) { return format_local_time(t, offset).substr(0, 16); }

std::string format_local_day_minute(timestamp t, utc_offset offset) {
  return format_local_time(t, offset).substr(5, 11);
}

std::string format_offset_name(utc_offset offset) { return "UTC" + format_utc_offset(offset); }

}  // namespace matchfund::reporting
