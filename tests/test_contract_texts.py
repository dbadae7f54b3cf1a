"""A mistake in the contract, a bloc file or a scoring table is told in Vietnamese: our own
checks' texts, and pydantic's, which are English, said again by error type."""

import re
import shutil
from pathlib import Path

import pytest

from ipstat.base.resources import data_dir
from ipstat.contract.checked import ContractError
from ipstat.contract.model import Contract, load_contract
from ipstat.contract.problems import problem_text
from ipstat.contract.scoring_table import load_scoring
from tests.test_error_texts import assert_vietnamese

SHIPPED = data_dir("schemas")
# pydantic's own words, beyond those of tests/test_i18n.py and tests/test_error_texts.py.
PYDANTIC = re.compile(
    r"\b(Input|should|Field|Extra|permitted|valid|Value error|must|given|needs|appears|twice|"
    r"not a|is not|unknown|number|integer|string|dictionary|tuple|instance|greater)\b",
    re.IGNORECASE,
)

# The whole entry of a rule in rules.toml: its table's line and every key under it.
UNREADABLE_FILE = re.search(
    r"\[rules\.unreadable-file\]\n(?:[a-z]+ = .*\n)+",
    (SHIPPED / "rules.toml").read_text(encoding="utf-8"),
)
assert UNREADABLE_FILE is not None

# (file, old text, new text, what the message says); an empty old text replaces the file.
SCHEMAS = [
    ("form.toml", "max_entries = 2000\n", "", "form.limits.max_entries: thiếu, bắt buộc phải có"),
    (
        "form.toml",
        'unit = "người"',
        'unit = "người"\ncolour = "red"',
        "colour: khóa này không có trong quy ước",
    ),
    ("form.toml", "max_rows = 5000", "max_rows = 50.5", "phải là số nguyên (đang ghi 50.5)"),
    (
        "form.toml",
        "max_columns = 200",
        'max_columns = "hai trăm"',
        "form.limits.max_columns: phải là số nguyên (đang ghi “hai trăm”)",
    ),
    ("form.toml", "max_seconds = 5", 'max_seconds = "năm"', "phải là một số (đang ghi “năm”)"),
    ("form.toml", "max_value = 1_000", 'max_value = "nhiều"#', "form.max_value: phải là một số"),
    ("form.toml", "max_value = 1_000", "max_value = [1]#", "phải là một số (đang ghi một danh"),
    ("form.toml", "max_value = 1_000", "max_value = nan#", "phải là một số hữu hạn (đang ghi nan)"),
    ("form.toml", 'title = "Biểu', "title = 5#", "form.title: phải là chữ"),
    ("form.toml", "required = true", 'required = "có"', "phải là true hoặc false (đang ghi “có”)"),
    (
        "form.toml",
        'kind = "money"',
        'kind = "cash"',
        "phải là một trong: “count”, “money”, “area” (đang ghi “cash”)",
    ),
    ("form.toml", "member_prefixes = [", 'member_prefixes = "tỉnh"#', "phải là một danh sách"),
    (
        "form.toml",
        'sum = ["fdi_new_projects", "ddi_new_projects"]',
        'sum = ["fdi_new_projects"]\nnumerator = "a"\ndenominator = "b"',
        "hãy ghi hoặc `sum`, hoặc cả `numerator` và `denominator`",
    ),
    (
        "form.toml",
        'sum = ["fdi_new_projects", "ddi_new_projects"]',
        'sum = ["fdi_new_projects", "ddi_new_projectz"]',
        "Chỉ tiêu tính “new_projects_total”: không có chỉ tiêu “ddi_new_projectz”",
    ),
    ("form.toml", "max_cells = 200_000", "max_cells = 0", "limits.max_cells (0) phải là số dương"),
    (
        "form.toml",
        "max_part_bytes = 20_000_000",
        "max_part_bytes = 90_000_000",
        "limits.max_part_bytes (90000000) lớn hơn limits.max_total_bytes (60000000)",
    ),
    ("form.toml", 'section = "D"', 'section = "E"', "không có mục “E”"),
    (
        "form.toml",
        'value = "Giá trị"',
        'gia_tri = "Giá trị"',
        "Trang “Thông tin” cần có cột `code` và cột `value`",
    ),
    (
        "form.toml",
        'code = "workers"',
        'code = "revenue_usd"',
        "Mã chỉ tiêu “revenue_usd” xuất hiện hai lần",
    ),
    (
        "rules.toml",
        'expect = "fdi_active_projects >= fdi_new_projects"',
        'expect = "fdi_active_projects =< fdi_new_projects"',
        "“fdi_active_projects =< fdi_new_projects” không phải là một phép so sánh",
    ),
    (
        "rules.toml",
        'expect = "fdi_active_projects >= fdi_new_projects"',
        'expect = "fdi_active_projects >= 1x"',
        "“1x” không phải là mã chỉ tiêu hay con số",
    ),
    (
        "rules.toml",
        "[rules.unreadable-file]",
        "[rules.unreadable_file]",
        "Mã quy tắc “unreadable_file”",
    ),
    (
        "rules.toml",
        UNREADABLE_FILE[0],
        "",
        "Quy tắc chưa được mô tả trong rules.toml: unreadable-file",
    ),
    (
        "rules.toml",
        'rule = "active-below-new"',
        'rule = "active-below-nw"',
        "Phép kiểm tra dùng quy tắc không có: “active-below-nw”",
    ),
    (
        "rules.toml",
        'severity = "warning"',
        'severity = "notice"',
        "phải là một trong: “error”, “warning”, “note” (đang ghi “notice”)",
    ),
    (
        "units.toml",
        'unit = "triệu USD"',
        'unit = "trieu dola"',
        "Chỉ tiêu “fdi_new_capital”: đơn vị “triệu USD” không có trong units.toml",
    ),
    (
        "rules.toml",
        'expect = "fdi_active_projects >= fdi_new_projects"',
        'expect = "fdi_actve_projects >= fdi_new_projects"',
        "Phép kiểm tra “active-below-new”: không có chỉ tiêu “fdi_actve_projects”",
    ),
    (
        "comparison.toml",
        '"fdi_new_projects",',
        '"fdi_new_projectz",',
        "comparison.toml: không có chỉ tiêu “fdi_new_projectz”",
    ),
    ("comparison.toml", 'jump_factor = "5"', 'jump_factor = "1"', "jump_factor (1) phải lớn hơn 1"),
]
BLOCS = [
    (
        'leader = "Hà Nam"',
        'leader = "Lào Cai"',
        "Năm 2017: “Lào Cai” không phải là thành viên của Khối",
    ),
    (
        'code = "KTĐ"',
        'code = "KTĐ"\nlead = "Hà Nam"',
        'mục `lead = "Hà Nam"` đã được thay bằng các dòng [[terms]]',
    ),
    ('deputy = "Hưng Yên"', 'deputy = "Hà Nam"', "Khối trưởng và Khối phó là cùng một thành viên"),
    ("year = 2017", "year = 2016", "Năm của Khối trưởng “2016” xuất hiện hai lần"),
    ('deadline = "01-20"', 'deadline = "13-40"', "Hạn nộp “13-40” không phải là một ngày có thật"),
    (
        'deadline = "01-20"',
        'deadline = "20/01"',
        "Hạn nộp “20/01” không đúng dạng tháng-ngày MM-DD",
    ),
    (
        'code = "KTĐ"',
        'code = "KTĐ"\npredecessors = { "Hà Tây" = "Lào Cai" }',
        "Đơn vị cũ “Hà Tây” được gộp vào “Lào Cai”, nhưng “Lào Cai” không phải là thành viên",
    ),
    ('code = "KTĐ"', 'code = "KTĐ"\npredecessors = ["Hà Tây"]', "phải là một bảng"),
    ('slug = "ninh-binh"', 'slug = "vinh-phuc"', "Tên viết tắt (slug) “vinh-phuc” xuất hiện hai"),
    ('name = "Ninh Bình"', 'name = "Vĩnh Phúc"', "Thành viên “Vĩnh Phúc” xuất hiện hai lần"),
    ("last_year = 2024", 'last_year = "hai"', "bloc.last_year: phải là số nguyên (đang ghi “hai”)"),
    ("region = ", "region = { a = 1 }#", "bloc.region: phải là chữ, đặt trong dấu ngoặc kép"),
    (
        "",
        'id = "x"\nname = "Khối"\nmembers = ["Hà Nam"]\n',
        "bloc.members.0: phải là một bảng (các dòng khóa = giá trị) (đang ghi “Hà Nam”)",
    ),
]
TABLES = [
    ('code = "I.2"', 'code = "I.1"', "Tiêu chí “I.1” xuất hiện hai lần"),
    ('code = "II"\nlabel', 'code = "I"\nlabel', "Nhóm “I” xuất hiện hai lần"),
    ('name = "Bằng khen"', 'name = "Cờ thi đua"', "Danh hiệu “Cờ thi đua” xuất hiện hai lần"),
    ('group = "II"', 'group = "IV"', "không có nhóm “IV”"),
    ('indicator = "export_usd"', 'indicator = "export_usd_x"', "không có chỉ tiêu “export_usd_x”"),
    ('indicator = "export_usd"', "", "Tiêu chí “I.4”: phương pháp “growth” cần có `indicator`"),
    (
        'method = "manual"',
        'method = "manual"\nindicator = "workers"',
        "phương pháp “manual” không dùng `indicator`",
    ),
    ("max = 15", "max = 0", "Tiêu chí “I.1”: `max` phải lớn hơn 0"),
    ("target = 10", "", "`target` chỉ dùng và phải có cho phương pháp “growth”"),
    ("target = 10", "target = -100", "`target` phải lớn hơn -100"),
    ("bonus_max = 2", "", "hãy ghi đủ cả bonus_step, bonus_points, bonus_max"),
    ("bonus_step = 10", "bonus_step = 0", "`bonus_step` phải lớn hơn 0"),
    ("bonus_points = 0.5", "bonus_points = -1", "`bonus_points` không được âm"),
    ("max_count = 2", "max_count = 0", "Danh hiệu “Cờ thi đua”: `max_count` phải từ 1 trở lên"),
    ("places = 2", "places = 7", "`places` (7) phải từ 0 đến 6"),
    (
        'method = "self"',
        'method = "selfie"',
        "phải là một trong: “plan”, “growth”, “self”, “manual” (đang ghi “selfie”)",
    ),
    ("", 'name = "x"\nplaces = 2\ngroup = []\ncriterion = []\n', "Biểu chưa có tiêu chí nào"),
]


def edit(path: Path, old: str, new: str) -> None:
    if not old:
        path.write_text(new, encoding="utf-8")
        return
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def said(caught: pytest.ExceptionInfo[ContractError], path: Path, fragment: str) -> None:
    """The message says `fragment`; apart from the file's name, the places (TOML keys) and the
    file's own words in quotes, no English."""
    message = str(caught.value)
    assert fragment in message, message
    problems = message.replace(str(path), "").split(" không hợp lệ: ", 1)[1]
    for problem in problems.split("; "):
        prose = re.sub(r"^[\w.\-]+: ", "", problem)
        prose = re.sub(r"“[^”]*”|`[^`]*`", "", prose)
        assert_vietnamese(prose)
        assert not PYDANTIC.findall(prose), problem


@pytest.mark.parametrize(("file", "old", "new", "fragment"), SCHEMAS)
def test_a_broken_schemas_folder_is_said_in_vietnamese(
    tmp_path: Path, file: str, old: str, new: str, fragment: str
) -> None:
    schemas = tmp_path / "schemas"
    shutil.copytree(SHIPPED, schemas)
    edit(schemas / file, old, new)
    with pytest.raises(ContractError) as caught:
        load_contract(schemas)
    said(caught, schemas, fragment)


@pytest.mark.parametrize(("old", "new", "fragment"), BLOCS)
def test_a_broken_bloc_file_is_said_in_vietnamese(
    tmp_path: Path, old: str, new: str, fragment: str
) -> None:
    bloc = tmp_path / "khoi.toml"
    shutil.copy(SHIPPED / "blocs" / "dbsh-2016.toml", bloc)
    edit(bloc, old, new)
    with pytest.raises(ContractError) as caught:
        load_contract(bloc=bloc)
    said(caught, SHIPPED, fragment)


@pytest.mark.parametrize(("old", "new", "fragment"), TABLES)
def test_a_broken_scoring_table_is_said_in_vietnamese(
    tmp_path: Path, contract: Contract, old: str, new: str, fragment: str
) -> None:
    table = tmp_path / "bieu.toml"
    shutil.copy(SHIPPED / "scoring" / "dbsh.toml", table)
    edit(table, old, new)
    with pytest.raises(ContractError) as caught:
        load_scoring(contract, table)
    said(caught, table, fragment)


@pytest.mark.parametrize(
    ("error", "text"),
    [
        ({"type": "greater_than", "ctx": {"gt": 0}, "input": -1}, "phải lớn hơn 0 (đang ghi -1)"),
        (
            {"type": "too_short", "ctx": {"min_length": 1}, "input": []},
            "phải có ít nhất 1 phần tử (đang ghi một danh sách)",
        ),
        ({"type": "literal_error", "ctx": {"expected": "1 or 2"}}, "phải là một trong: “1”, “2”"),
        ({"type": "date_parsing", "input": "x"}, "phải là một ngày (đang ghi “x”)"),
        (
            {"type": "some_new_type", "msg": "Something new", "input": object()},
            "giá trị không dùng được",
        ),
    ],
)
def test_other_pydantic_errors_are_vietnamese_too(error: dict[str, object], text: str) -> None:
    """Types no shipped field can produce today (bounds, a new pydantic's types) still read
    in Vietnamese, never pydantic's English `msg`."""
    assert problem_text(error) == text
