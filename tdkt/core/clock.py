"""The process's day is Vietnam's, wherever the machine's clock is set (imported for its effect by config, models and
text).

A deadline, "today" on a page and the audit log's default period all turn at midnight in Lạng Sơn (UTC+7, no daylight
saving since 1975), so date.today() agrees with the dates shown from stored UTC instants (text.VIETNAM) and with
registrations' and submissions' vietnam_today(). The zone database's name when the machine has it (a browser
started from this process reads TZ too, and Chromium's date inputs break on a POSIX rule), else the POSIX rule, which
needs none.
"""

import os
import time
from pathlib import Path

ZONE = "Asia/Ho_Chi_Minh" if Path("/usr/share/zoneinfo/Asia/Ho_Chi_Minh").is_file() else "ICT-7"

if os.environ.get("TZ") != ZONE:
    os.environ["TZ"] = ZONE
    time.tzset()
