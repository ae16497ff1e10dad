/* time.c: clock_gettime through clock_gettime64 (4403, 64-bit seconds, what glibc uses),
 * time(), and UTC calendar conversion (no time zones). */
#include <time.h>
#include <stdint.h>
#include "internal.h"

int clock_gettime(clockid_t clk, struct timespec *ts)
{
  struct { int64_t sec; int64_t nsec; } t64;
  long r = __sys_clock_gettime64(clk, &t64);

  if (r < 0)
    return __sysret(r);
  ts->tv_sec = (time_t)t64.sec;
  ts->tv_nsec = (long)t64.nsec;
  return 0;
}

time_t time(time_t *t)
{
  struct timespec ts = { 0, 0 };

  clock_gettime(CLOCK_REALTIME, &ts);
  if (t)
    *t = ts.tv_sec;
  return ts.tv_sec;
}

/* Days since 1970-01-01 to a civil date (the proleptic Gregorian calendar). */
struct tm *gmtime_r(const time_t *t, struct tm *tm)
{
  long secs = *t, days = secs / 86400, rem = secs % 86400;
  long era, doe, yoe, doy, mp, y;

  if (rem < 0) {
    rem += 86400;
    days--;
  }
  tm->tm_hour = rem / 3600;
  tm->tm_min = rem / 60 % 60;
  tm->tm_sec = rem % 60;
  tm->tm_wday = (int)((days % 7 + 11) % 7);     /* 1970-01-01 was a Thursday */
  days += 719468;
  era = (days >= 0 ? days : days - 146096) / 146097;
  doe = days - era * 146097;
  yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = yoe + era * 400;
  doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  mp = (5 * doy + 2) / 153;
  tm->tm_mday = (int)(doy - (153 * mp + 2) / 5 + 1);
  tm->tm_mon = (int)(mp < 10 ? mp + 2 : mp - 10);
  tm->tm_year = (int)(y + (tm->tm_mon < 2) - 1900);
  tm->tm_yday = 0;
  tm->tm_isdst = 0;
  return tm;
}

struct tm *gmtime(const time_t *t)
{
  static struct tm tm;

  return gmtime_r(t, &tm);
}
