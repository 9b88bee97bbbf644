"""The `eligibility` command: judge nominations in a JSON file against the rules of their decision date, no database."""

from __future__ import annotations

import json

import click

from tdkt.awards.rules import cases_json
from tdkt.cli import json_output

CONTEXT = {"help_option_names": ["-h", "--help"]}


class InputError(click.ClickException):
    """The cases file cannot be used at all: exit 2, message in Vietnamese."""

    exit_code = 2


def _load(path: str) -> list:
    """Return the list of cases in `path` ("-" = standard input); raise InputError saying what is wrong."""
    try:
        if path == "-":
            text = click.get_text_stream("stdin", encoding="utf-8").read()
        else:
            with open(path, encoding="utf-8-sig") as handle:
                text = handle.read()
    except FileNotFoundError:
        raise InputError(f"Không tìm thấy tệp “{path}”. Kiểm tra đường dẫn.") from None
    except IsADirectoryError:
        raise InputError(f"“{path}” là thư mục, không phải tệp JSON.") from None
    except UnicodeDecodeError:
        raise InputError(f"Tệp “{path}” không phải văn bản UTF-8. Lưu lại tệp dưới dạng UTF-8.") from None
    except OSError as error:
        raise InputError(f"Không đọc được tệp “{path}”: {error.strerror or error}.") from None
    try:
        data = json.loads(text.lstrip("\ufeff"))
    except json.JSONDecodeError as error:
        raise InputError(f"Tệp “{path}” không phải JSON hợp lệ (dòng {error.lineno}, cột {error.colno}: "
                         f"{error.msg}).") from None
    if not isinstance(data, list):
        raise InputError(f"Tệp “{path}” phải chứa một danh sách JSON [...] các hồ sơ.")
    return data


@click.command("eligibility", context_settings=CONTEXT)
@click.argument("cases_file", metavar="CASES.json")
def eligibility(cases_file: str) -> None:
    """Xét điều kiện khen thưởng cho các hồ sơ trong tệp JSON CASES.json (dùng "-" để đọc từ đầu vào chuẩn).

    Áp dụng Luật Thi đua, khen thưởng 2022 cùng Nghị định 98/2023/NĐ-CP (quyết định đến 30/06/2025) hoặc Nghị định
    152/2025/NĐ-CP (từ 01/07/2025) theo ngày quyết định của từng hồ sơ; không cần cơ sở dữ liệu. In ra danh sách JSON
    các kết quả: đủ điều kiện hay không, điều kiện chưa đạt và điều kiện còn chờ (kết quả bỏ phiếu), mỗi mục ghi căn
    cứ pháp lý và lý do.
    """
    cases = _load(cases_file)
    json_output.echo(cases_json.evaluate_all(cases))


def register(cli_group: click.Group) -> None:
    """Add the `eligibility` command to the CLI group."""
    cli_group.add_command(eligibility)
