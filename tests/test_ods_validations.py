"""The drop-down lists of an .ods list (content validations "cell-content-is-in-list" of a range) tell, as an
.xlsx's do, which of the file's lists a column reads its codes from."""

import io
import zipfile
from dataclasses import replace

from sqlmodel import Session

from tdkt.core.config import Settings
from tdkt.importing.data_validations import Validation, read_validations
from tdkt.importing.nomination_lists import pipeline
from tests.conftest import SECRET
from tests.workbook_builders import ODS_NS

SETTINGS = replace(Settings(), secret_key=SECRET)


def _cell(value, *, validation: str | None = None, repeat: int = 1) -> str:
    attrs = f' table:content-validation-name="{validation}"' if validation else ""
    attrs += f' table:number-columns-repeated="{repeat}"' if repeat > 1 else ""
    if value is None:
        return f"<table:table-cell{attrs}/>"
    if isinstance(value, int):
        return f'<table:table-cell office:value-type="float" office:value="{value}"{attrs}><text:p>{value}</text:p>' \
               "</table:table-cell>"
    return f'<table:table-cell office:value-type="string"{attrs}><text:p>{value}</text:p></table:table-cell>'


def _row(cells: list[str], repeat: int = 1) -> str:
    rep = f' table:number-rows-repeated="{repeat}"' if repeat > 1 else ""
    return f"<table:table-row{rep}>{''.join(cells)}</table:table-row>"


def _ods(validations: str, tables: str, names: str = "") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("META-INF/manifest.xml", '<?xml version="1.0"?><manifest:manifest xmlns:manifest="urn:oasis:'
                   'names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="content.xml" '
                   'manifest:media-type="text/xml"/></manifest:manifest>')
        z.writestr("content.xml", f'<?xml version="1.0"?><office:document-content {ODS_NS} office:version="1.2">'
                   f"<office:body><office:spreadsheet><table:content-validations>{validations}"
                   f"</table:content-validations>{tables}{names}</office:spreadsheet></office:body>"
                   "</office:document-content>")
    return out.getvalue()


def _validation(name: str, target: str, base: str = "$DS.$F$2") -> str:
    return (f'<table:content-validation table:name="{name}" table:condition="of:cell-content-is-in-list({target})" '
            f'table:allow-empty-cell="true" table:display-list="unsorted" table:base-cell-address="{base}">'
            '<table:error-message table:display="true" table:message-type="stop"/></table:content-validation>')


# Two lists with the same codes 1-3 on one sheet whose headers say nothing: only the drop-downs of the list's
# columns tell that F holds object categories and G awards (as tests/test_code_lists.py's .xlsx).
PEOPLE = [["Lê Thị Hoa", "Nữ", 1988, "Văn phòng Sở", 3, 2], ["Hoàng Văn Nam", "Nam", 1975, "Thanh tra Sở", 2, 1]]
LISTS = [[1, "Lãnh đạo cấp vụ, sở, ngành và tương đương", None, 1, "Chiến sĩ thi đua cơ sở"],
         [2, "Các cấp lãnh đạo từ phó phòng trở lên", None, 2, "Lao động tiên tiến"],
         [3, "Người trực tiếp công tác, lao động, học tập, chiến đấu và phục vụ chiến đấu", None, 3,
          "Giấy khen của Giám đốc Sở"]]


def _validated_ods(category_list: str = "[$DM.$A$2:.$A$4]", award_list: str = "[$DM.$D$2:.$D$4]",
                   names: str = "") -> bytes:
    head = ["STT", "Họ và tên", "Giới tính", "Năm sinh", "Đơn vị", "Mã phân loại", "Mã danh hiệu"]
    rows = [_row([_cell(v) for v in head])]
    for n, (name, gender, year, unit, category, award) in enumerate(PEOPLE, 1):
        rows.append(_row([_cell(n), _cell(name), _cell(gender), _cell(year), _cell(unit),
                          _cell(category, validation="val1"), _cell(award, validation="val2"),
                          _cell(None, repeat=1017)]))
    # Empty rows further down keep the drop-downs, as LibreOffice writes them: repeated cells and rows.
    rows.append(_row([_cell(None, repeat=5), _cell(None, validation="val1"), _cell(None, validation="val2"),
                      _cell(None, repeat=1017)], repeat=97))
    data = f'<table:table table:name="DS"><table:table-column table:number-columns-repeated="1024"/>{"".join(rows)}' \
           "</table:table>"
    lists = [_row([_cell(v) for v in ["Mã", "Tên", None, "Mã", "Tên"]])]
    lists += [_row([_cell(v) for v in row]) for row in LISTS]
    code_sheet = f'<table:table table:name="DM">{"".join(lists)}</table:table>'
    return _ods(_validation("val1", category_list) + _validation("val2", award_list), data + code_sheet, names)


def _check(engine, data: bytes):
    with Session(engine) as session:
        return pipeline.check(session, data, file_name="danh-sach.ods", settings=SETTINGS, year=2024)


def test_an_ods_drop_down_tells_which_list_a_column_reads_its_codes_from(engine):
    report = _check(engine, _validated_ods())
    assert [(r.name, r.award, r.category) for r in report.records] == [
        ("Lê Thị Hoa", "Lao động tiên tiến",
         "Người trực tiếp công tác, lao động, học tập, chiến đấu và phục vụ chiến đấu"),
        ("Hoàng Văn Nam", "Chiến sĩ thi đua cơ sở", "Các cấp lãnh đạo từ phó phòng trở lên")]
    assert report.errors == []


def test_ods_validations_are_read_with_their_columns_and_the_range_they_pick_from():
    assert read_validations(_validated_ods(), file="x.ods", sheets={"DS"}) == {"DS": [
        Validation(((5, 5),), "DM", 0, 0, 1, 3), Validation(((6, 6),), "DM", 3, 3, 1, 3)]}
    # A named range (written after the tables), a quoted sheet name and a range without a sheet (the base cell's).
    named = ('<table:named-expressions><table:named-range table:name="DanhHieu" table:base-cell-address="$DM.$A$1" '
             'table:cell-range-address="$DM.$D$2:.$D$4"/></table:named-expressions>')
    found = read_validations(_validated_ods("[$'DM'.$A$2:$'DM'.$A$4]", "DanhHieu", named), file="x.ods",
                             sheets={"DS", "DM"})
    assert found == {"DS": [Validation(((5, 5),), "DM", 0, 0, 1, 3), Validation(((6, 6),), "DM", 3, 3, 1, 3)]}
    same_sheet = _ods(_validation("v", "[.$B$2:.$B$9]", base="'Danh sách'.C2"),
                      '<table:table table:name="Danh sách">'
                      + _row([_cell("a", repeat=2), _cell(None, validation="v", repeat=3), _cell("b", validation="v")])
                      + "</table:table>")
    assert read_validations(same_sheet, file="x.ods", sheets={"Danh sách"}) == {
        "Danh sách": [Validation(((2, 5),), "Danh sách", 1, 1, 1, 8)]}


def test_an_ods_whose_lists_are_not_ranges_or_whose_content_has_a_doctype_gives_none():
    typed = _ods('<table:content-validation table:name="v" table:condition="of:cell-content-is-in-list(&quot;A&quot;;'
                 '&quot;B&quot;)"/>',
                 '<table:table table:name="DS">' + _row([_cell(1, validation="v")]) + "</table:table>")
    assert read_validations(typed, file="x.ods", sheets={"DS"}) == {}
    with zipfile.ZipFile(io.BytesIO(_validated_ods())) as z:
        content = z.read("content.xml").replace(b'<?xml version="1.0"?>', b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY '
                                                b'a "aaaaaaaa">]>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", content)
    assert read_validations(out.getvalue(), file="x.ods", sheets={"DS"}) == {}
