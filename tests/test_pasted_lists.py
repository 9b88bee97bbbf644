"""Lists pasted one after another into one sheet: each list's title block, signature block and repeated header are
skipped, and the rows of every list are read."""

from tdkt.importing.nomination_lists.parse import parse_sheet
from tdkt.importing.sheet_data import RawSheet

HEADER = ["STT", "Họ và tên", "Năm sinh", "Giới tính", "Chức vụ, đơn vị công tác", "Danh hiệu đề nghị"]
TITLE_BLOCK = [["SỞ CÔNG THƯƠNG LẠNG SƠN", None, None, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
               ["VĂN PHÒNG SỞ", None, None, "Độc lập - Tự do - Hạnh phúc"],
               ["DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG NĂM 2024"],
               ["(Kèm theo Tờ trình số 12/TTr-VP ngày 05/12/2024)"]]
FIRST = [HEADER, ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)"],
         ["I", "CÁ NHÂN"],
         [1, "Nguyễn Thị Minh", 1987, "Nữ", "Chuyên viên, Văn phòng Sở", "LĐTT"],
         [2, "Trần Văn Bình", 1979, "Nam", "Trưởng phòng, Thanh tra Sở", "LĐTT"],
         [None, "(Danh sách có 02 cá nhân)"]]
SIGNATURE = [[None, None, None, None, "Lạng Sơn, ngày 05 tháng 12 năm 2024"],
             [None, "NGƯỜI LẬP BIỂU", None, None, "CHÁNH VĂN PHÒNG"],
             [None, "Lê Văn Tâm", None, None, "Hoàng Thị Hạnh"], []]
SECOND = [["STT", "Họ và tên", "Năm sinh", "Giới tính", "Chức vụ, đơn vị\ncông tác", "Danh hiệu\nđề nghị"],
          ["I", "TẬP THỂ"],
          [1, "Phòng Quản lý Thương mại", None, None, None, "TTLĐTT"],
          ["II", "CÁ NHÂN"],
          [1, "Lương Văn Hải", 1990, "Nam", "Chuyên viên, Phòng Quản lý Thương mại", "CSTĐCS"]]


def read(rows):
    result = parse_sheet(RawSheet("DS", rows), file="ds.xlsx")
    return [(r.row, r.target, r.name, r.award) for r in result.rows], [(i.row, i.code) for i in result.issues]


def test_two_lists_pasted_with_their_title_and_signature_blocks_are_both_read():
    rows, issues = read(TITLE_BLOCK + FIRST + SIGNATURE + TITLE_BLOCK + SECOND + SIGNATURE)
    assert rows == [(8, "ca_nhan", "Nguyễn Thị Minh", "LĐTT"), (9, "ca_nhan", "Trần Văn Bình", "LĐTT"),
                    (21, "tap_the", "Phòng Quản lý Thương mại", "TTLĐTT"),
                    (23, "ca_nhan", "Lương Văn Hải", "CSTĐCS")]
    assert issues == []


def test_a_list_pasted_right_below_without_a_signature_block_is_read_under_its_header():
    rows, issues = read(TITLE_BLOCK + FIRST + TITLE_BLOCK + SECOND)
    assert [r[2] for r in rows] == ["Nguyễn Thị Minh", "Trần Văn Bình", "Phòng Quản lý Thương mại", "Lương Văn Hải"]
    assert [r[1] for r in rows] == ["ca_nhan", "ca_nhan", "tap_the", "ca_nhan"]
    assert issues == []


def test_a_list_pasted_without_its_header_is_read_on_after_the_title_block():
    rows, issues = read(TITLE_BLOCK + FIRST + TITLE_BLOCK + SECOND[1:])
    assert rows[2:] == [(16, "tap_the", "Phòng Quản lý Thương mại", "TTLĐTT"),
                        (18, "ca_nhan", "Lương Văn Hải", "CSTĐCS")]
    assert issues == []


def test_rows_after_the_last_signature_block_are_not_read():
    rows, _ = read(TITLE_BLOCK + FIRST + SIGNATURE + [[1, "Ghi chú: danh sách xếp theo thứ tự ABC", None, None,
                                                        None, "x"]])
    assert [r[2] for r in rows] == ["Nguyễn Thị Minh", "Trần Văn Bình"]
