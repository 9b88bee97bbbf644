"""TĐKT Dashboard: the domain (models, database, import, rules, statistics, reports) without any UI."""

import os
import time

# The app's day is Vietnam's (UTC+7, no daylight saving since 1975), wherever the machine's clock is set: a deadline,
# "today" on a page and the audit log's default period all turn at midnight in Lạng Sơn. Set for the whole process on
# the first import of tdkt, so date.today() agrees with the dates shown from stored UTC instants (text.VIETNAM); a
# POSIX rule, so no time-zone database is needed.
os.environ["TZ"] = "ICT-7"
time.tzset()
