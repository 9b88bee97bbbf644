"""Rule findings gathered by award and reasons: many rows that fail the same way read as one entry with their rows
(the upload page), a few stay one line each, and the toggle shows every row again."""

from __future__ import annotations

import pandas as pd
import pytest

from tdkt.awards.finding_groups import group_findings, listing
from tdkt.core.db import make_engine
from tests.test_pages_import import file_on_page, list_of


@pytest.fixture
def app_engine(app_env):
    engine = make_engine(app_env["url"])
    yield engine
    engine.dispose()


def test_findings_with_the_same_award_and_reasons_are_one_group_largest_first():
    frame = pd.DataFrame({"row": [3, 4, 5, 6], "name": ["An", "Bình", "Chi", "Dũng"],
                          "award": ["Lao động tiên tiến", "Chiến sĩ thi đua cơ sở", "Lao động tiên tiến",
                                    "Lao động tiên tiến"],
                          "reasons": ["Chưa xếp loại", "Không đủ", "Chưa xếp loại", "Khác"]})
    groups = group_findings(frame)
    assert [(g.award, g.reasons, g.names, g.rows) for g in groups] == [
        ("Lao động tiên tiến", "Chưa xếp loại", ["An", "Chi"], [3, 5]),
        ("Chiến sĩ thi đua cơ sở", "Không đủ", ["Bình"], [4]),
        ("Lao động tiên tiến", "Khác", ["Dũng"], [6])]
    assert listing(list(range(1, 12)), noun="dòng") == "1, 2, 3, 4, 5, 6, 7, 8 và 3 dòng khác"


def test_the_upload_page_gathers_many_alike_findings_and_shows_each_on_request(app_env, app_engine):
    rows = [[i, f"Nguyễn Văn Người{i:02d}", "Nam", 1980, "Chuyên viên", "Văn phòng Sở", "Lao động tiên tiến"]
            for i in range(1, 13)]
    data = list_of("DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG NĂM 2024", rows)
    at = file_on_page(app_engine, app_env["users"]["van_phong"], data)
    assert not at.exception
    lines = [m.value for m in at.markdown]
    grouped = [x for x in lines if x.startswith("**Lao động tiên tiến** — 12 đề nghị · dòng ")]
    assert len(grouped) == 1 and grouped[0].endswith(" và 4 dòng khác"), lines
    assert any(c.value.startswith("Nguyễn Văn Người01, Nguyễn Văn Người02") for c in at.caption)
    assert not [x for x in lines if x.startswith("Dòng ")]
    at.toggle(key="findings_ds_2024_each").set_value(True).run()
    assert not at.exception
    assert len([m.value for m in at.markdown if m.value.startswith("Dòng ")]) == 12
