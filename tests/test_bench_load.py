"""bench/load.py runs end to end, as a smoke test: the app as ./scripts/run starts it, 2 websocket sessions opening
it and visiting one page each, and one chromium context signing in and clicking one page (Tài khoản của tôi, the
lightest); no timing asserted."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import ROOT

KINDS = ["Mở ứng dụng (websocket)", "Chuyển trang (websocket)", "Đăng nhập (trình duyệt)", "Trang (trình duyệt)"]


def test_the_load_bench_drives_sessions_and_a_browser_and_reports_without_errors(sqlite_template):
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "load.py"), "--demo", str(sqlite_template), "--sessions", "2",
         "--pages", "1", "--browsers", "1", "--think", "0", "--ramp", "0", "--no-warm-up", "--timeout", "60",
         "--only", "Tài khoản của tôi",
         "--json"], cwd=ROOT, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stdout + done.stderr
    result = json.loads(done.stdout)
    assert result["first_errors"] == [] and result["all"]["errors"] == 0
    assert [result["kinds"][kind]["runs"] for kind in KINDS] == [2, 2, 1, 1]
    assert result["all"]["runs"] == 5 and 0 < result["all"]["median"] <= result["all"]["p95"]
    assert list(result["pages_by_median"]) == ["Tài khoản của tôi"]
    assert result["server_peak_mib"] > 0
