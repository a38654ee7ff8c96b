"""Read the returned forms back, check them, and tally the reasons (``vanban collect``).

Returned forms live in ``output/<data>/nhan-ve/`` (any sub-folders, any file
names: a form is known by the hidden form code, or else by its row keys). Each
is checked against the register that ``forms`` left in ``luu-tai-so/``. A unit
(managing office, unit name) is

- **đã nhận** when a file of its own came back that differs from the one sent;
- **chưa nộp** otherwise (no file, or only the blank form that was sent);
- **có lỗi** when received with at least one error: a person missing, a row added,
  copied from another unit's form or repeated, a key edited, no reason or an
  unknown one, «Khác» without the reason written, no fix, no date or an
  impossible one (31/6), a date before the data date, a required column gone;
- **đầy đủ, hợp lệ** when received without any error: each of its people is there
  once with a valid reason, a fix and a valid date. A date after the deadline or
  already past is a warning: reported, and the row still counts.

Rows without errors are tallied by unit, level and reason, also in units that
have errors elsewhere. Nothing personal (name, ID, birth date) leaves this module.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..common.errors import FormsProblem, MissingInput
from ..common.files import sha256, write_atomic
from ..common.vnformat import short_date
from ..inputs.headers import fold
from ..inputs.reading import SPREADSHEET_SUFFIXES
from .making import fill_date
from .register import (
    FORMS_FOLDER,
    KEPT_FOLDER,
    REGISTER,
    RETURNED_FOLDER,
    Person,
    Round,
    changed_forms,
    read_round,
)
from .report_xlsx import report_workbook
from .returned import ReturnedForm, read_returned
from .sheet import KEY_COLUMN, OTHER, REASONS, covers_several

REPORT_NAME = "tong-hop-bao-cao"
READABLE = (*SPREADSHEET_SUFFIXES, ".docx")
ERROR, WARNING = "Lỗi", "Cảnh báo"


@dataclass(frozen=True)
class FormProblem:
    """One problem in a returned form, located the way the unit's clerk sees it."""

    office: str
    unit: str
    file: str
    row: int | None
    column: str | None  # «header» (cột G)
    message: str
    level: str = ERROR
    row_word: str = "dòng"

    def where(self) -> str:
        parts = [self.file]
        if self.row is not None:
            parts.append(f"{self.row_word} {self.row}")
        if self.column:
            parts.append(f"cột {self.column}")
        return ", ".join(parts)

    def __str__(self) -> str:
        prefix = "" if self.level == ERROR else f"{self.level}: "
        return f"{self.unit} ({self.office}): {self.where()}: {prefix}{self.message}"


@dataclass
class UnitStatus:
    office: str
    unit: str
    code: str
    people: int  # on the sent form
    files: list[str] = field(default_factory=list)  # returned files read for this unit
    blank: list[str] = field(default_factory=list)  # sent forms put back unfilled
    problems: list[FormProblem] = field(default_factory=list)

    @property
    def received(self) -> bool:
        return bool(self.files)

    @property
    def has_errors(self) -> bool:
        return any(p.level == ERROR for p in self.problems)

    @property
    def complete(self) -> bool:
        return self.received and not self.has_errors

    @property
    def status(self) -> str:
        if not self.received:
            return "chưa nộp"
        return "có lỗi" if self.has_errors else "đầy đủ, hợp lệ"


@dataclass
class Collected:
    """What came back, unit by unit, and the tally of the valid rows."""

    notice: str  # the notice the forms answer, as cited in the reports
    deadline: date
    units: list[UnitStatus] = field(default_factory=list)
    strays: list[FormProblem] = field(default_factory=list)  # files of no known unit
    tally: Counter = field(default_factory=Counter)  # (office, unit, level, reason) → people
    outputs: list[Path] = field(default_factory=list)

    @property
    def sent(self) -> int:
        return len(self.units)

    @property
    def received(self) -> int:
        return sum(u.received for u in self.units)

    @property
    def missing(self) -> int:
        return sum(not u.received for u in self.units)

    @property
    def with_errors(self) -> int:
        return sum(u.received and u.has_errors for u in self.units)

    @property
    def complete(self) -> int:
        return sum(u.complete for u in self.units)

    @property
    def problems(self) -> list[FormProblem]:
        return [p for u in self.units for p in u.problems] + self.strays

    @property
    def forms(self) -> int:
        """The number of units whose form came back (= ``received``)."""
        return self.received

    @property
    def missing_forms(self) -> list[tuple[str, str]]:
        """(office, unit) of every unit that has not sent its form back."""
        return [(u.office, u.unit) for u in self.units if not u.received]

    @property
    def issues(self) -> list[FormProblem]:
        """Every problem: errors and warnings, units first, then files of no known unit."""
        return self.problems

    def by_reason_and_level(self) -> Counter:
        """(reason, level) → people, over every valid row."""
        counts: Counter = Counter()
        for (_, _, level, reason), people in self.tally.items():
            counts[(reason, level)] += people
        return counts


def find_round(folder: Path, returned: Path | None = None) -> tuple[Round, Path]:
    """The register and the folder of returned forms (``returned``, or the one at ``folder``)."""
    for root, default in ((folder, folder / RETURNED_FOLDER), (folder.parent, folder)):
        found = read_round(root)
        if found is None:
            continue
        returned = returned or default
        if returned.resolve() in ((root / FORMS_FOLDER).resolve(), (root / KEPT_FOLDER).resolve()):
            raise FormsProblem(
                path=folder,
                detail=f"đây là thư mục {returned.name}/ (mẫu gửi đi hoặc danh sách lưu tại Sở), "
                "không phải thư mục mẫu đơn vị gửi lại.",
                fix=f"đặt các mẫu đã điền vào {root / RETURNED_FOLDER} rồi chạy "
                f"«vanban collect {root}».",
            )
        return found, returned
    if (folder / REGISTER).is_file():
        raise FormsProblem(
            path=folder,
            detail="mẫu này do phiên bản vanban cũ làm (danh sách nằm trong thư mục gửi đi).",
            fix="chạy lại «vanban forms» với thư mục số liệu, gửi mẫu mới cho các đơn vị.",
        )
    raise MissingInput(
        path=folder / KEPT_FOLDER / REGISTER,
        what="danh sách mẫu báo cáo đã gửi",
        fix="chỉ tới thư mục kết quả của «vanban forms» (output/<thư mục số liệu>).",
    )


def collect(
    folder: Path,
    deadline: date,
    today: date | None = None,
    *,
    data_date: date | None = None,
    notice: str = "",
    returned: Path | None = None,
) -> Collected:
    """Check every returned form and tally what is right (dates before ``data_date`` are errors)."""
    register, returned = find_round(folder, returned)
    result = Collected(notice, deadline)
    statuses = {f.code: UnitStatus(f.office, f.unit, f.code, f.people) for f in register.sent}
    result.units = sorted(statuses.values(), key=lambda u: (u.office, u.unit))
    check = _Checker(result, register, deadline, data_date, today or date.today())
    for path in _returned_files(returned):
        _returned(path, path.relative_to(returned).as_posix(), register, statuses, check)
    known = {(form.file, form.sha256) for form in register.sent}
    for name in changed_forms(register.root / FORMS_FOLDER, known):
        message = (f"tệp trong thư mục gửi đi {FORMS_FOLDER}/ khác mẫu đã gửi (mẫu đã điền đặt "
                   f"nhầm chỗ?): chưa được đọc; chuyển sang {returned}.")  # fmt: skip
        result.strays.append(FormProblem("?", "?", f"{FORMS_FOLDER}/{name}", None, None, message))
    return result


def _returned(
    path: Path, name: str, register: Round, statuses: dict[str, UnitStatus], check: _Checker
) -> None:
    """Read one returned file and check it as its unit's form (or say why not)."""
    strays = check.result.strays
    if path.suffix.lower() not in READABLE:
        message = "dạng tệp này không đọc được: mở bằng Excel hoặc Word, lưu thành .xlsx/.docx."
        strays.append(FormProblem("?", "?", name, None, None, message))
        return
    digest = sha256(path)
    blank = next((f.code for f in register.sent if f.sha256 == digest), None)
    if blank is not None:
        statuses[blank].blank.append(name)
        return
    form = read_returned(path, name)
    code = _owner(form, statuses, check.people)
    if code is None:
        strays.append(_stray(form))
        return
    status = statuses[code]
    if not form.unreadable and not any(v.get(c) for _, v in form.rows for c in _INPUTS):
        status.blank.append(name)  # saved again, but nothing filled in: not returned
        return
    status.files.append(name)
    if len(status.files) > 1:
        status.problems.append(_twice(status, form))
    else:
        check.form(status, form)


def _returned_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    hidden = ("~$", ".")  # Office lock files, hidden files
    return sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith(hidden))


def _owner(form: ReturnedForm, units: dict, people: dict[str, Person]) -> str | None:
    """The form code: the hidden one, else the unit most of its row keys belong to, else the
    unit its title line names."""
    if form.code in units:
        return form.code
    owners = Counter(
        people[values[KEY_COLUMN]].code
        for _, values in form.rows
        if values.get(KEY_COLUMN) in people
    )
    if owners:
        return owners.most_common(1)[0][0]
    named = [code for code, status in units.items() if (status.office, status.unit) == form.named]
    return named[0] if named else None


def _stray(form: ReturnedForm) -> FormProblem:
    message = form.unreadable or "không nhận ra mẫu này của đơn vị nào (mã mẫu và mã dòng ẩn "
    if not form.unreadable:
        message += "không khớp mẫu đã gửi)."
    return FormProblem("?", "?", form.file, None, None, message)


def _twice(status: UnitStatus, form: ReturnedForm) -> FormProblem:
    return FormProblem(
        status.office,
        status.unit,
        form.file,
        None,
        None,
        f"đơn vị đã có tệp {status.files[0]}; tệp này không được đọc. Chỉ giữ một tệp "
        "cho mỗi đơn vị.",
    )


class _Checker:
    """Checks one form's rows; adds problems to the unit and valid rows to the tally."""

    def __init__(
        self,
        result: Collected,
        register: Round,
        deadline: date,
        data_date: date | None,
        today: date,
    ) -> None:
        self.result, self.units = result, register.units()
        self.people = {person.key: person for person in register.people}
        self.deadline, self.data_date, self.today = deadline, data_date, today
        self.expected: dict[str, list[Person]] = {}
        for person in register.people:
            self.expected.setdefault(person.code, []).append(person)

    def form(self, status: UnitStatus, form: ReturnedForm) -> None:
        def problem(row, column, message, level=ERROR):
            label = form.labels.get(column, column) if column else None
            status.problems.append(
                FormProblem(
                    status.office,
                    status.unit,
                    form.file,
                    row,
                    label,
                    message,
                    level,
                    form.row_word,
                )  # fmt: skip
            )

        if form.unreadable:
            problem(None, None, form.unreadable)
            return
        several = covers_several(status.unit)
        for column in form.missing(several):
            problem(None, None, f"không thấy cột «{_LABELS[column]}»: đừng xoá hay đổi tên cột.")
        if form.missing(several):
            return
        seen: dict[str, int] = {}
        unknown: list[tuple[int, dict[str, str]]] = []
        for number, values in form.rows:
            if values.get(KEY_COLUMN, "") in self.people:
                self._row(status, values, number, seen, several, problem)
            else:
                unknown.append((number, values))
        missing = {p.number: p for p in self.expected.get(status.code, []) if p.key not in seen}
        for number, values in unknown:
            person = missing.pop(_number(values.get("stt", "")), None)
            if person is not None:
                problem(number, KEY_COLUMN, f"mã dòng ẩn của người STT {person.number} bị sửa "
                        "hoặc xoá: chép lại dòng từ mẫu gốc rồi điền lại.")  # fmt: skip
            else:
                problem(number, KEY_COLUMN, "dòng không có trong mẫu đã gửi (dòng thêm vào, "
                        "hoặc mã dòng ẩn bị sửa): xoá dòng này.")  # fmt: skip
        for person in missing.values():
            row = form.first_row + person.number - 1
            problem(None, None, f"thiếu người STT {person.number} của mẫu đã gửi "
                    f"({form.row_word} {row} của mẫu gốc): dòng bị xoá.")  # fmt: skip

    def _row(self, status, values, number, seen, several, problem) -> None:
        key = values[KEY_COLUMN]
        person = self.people[key]
        if person.code != status.code:
            office, unit = self.units.get(person.code, ("?", "?"))
            problem(number, KEY_COLUMN, f"người này thuộc mẫu của {unit} ({office}), bị chép "
                    "sang: xoá dòng này.")  # fmt: skip
            return
        if key in seen:
            problem(number, KEY_COLUMN, f"dòng lặp lại người ở dòng {seen[key]} (STT "
                    f"{person.number}): xoá dòng lặp, không tính hai lần.")  # fmt: skip
            return
        seen[key] = number
        errors = self._values(values, number, several, problem)
        if not errors:
            reason = _REASONS[fold(values["ly_do"])]
            self.result.tally[(status.office, status.unit, person.level, reason)] += 1

    def _values(self, values: dict[str, str], number: int, several: bool, problem) -> int:
        errors = 0

        def error(column: str, message: str) -> None:
            nonlocal errors
            errors += 1
            problem(number, column, message)

        reason = values["ly_do"].strip()
        if not reason:
            error("ly_do", "chưa chọn lý do chưa đồng bộ.")
        elif fold(reason) not in _REASONS:
            error("ly_do", f"lý do «{reason}» không có trong danh sách; chọn trong danh sách.")
        elif _REASONS[fold(reason)] == OTHER and not values["ly_do_khac"].strip():
            error("ly_do_khac", "đã chọn «Khác» nhưng chưa ghi rõ lý do.")
        if not values["bien_phap"].strip():
            error("bien_phap", "chưa ghi biện pháp khắc phục.")
        if several and not values.get("truong", "").strip():
            error("truong", "chưa ghi trường của người này.")
        typed = values["ngay"].strip()
        when = fill_date(typed)
        if when is None:
            shown = f"«{typed}» không phải một ngày có thật" if typed else "chưa ghi"
            error("ngay", f"ngày dự kiến hoàn thành {shown} (ghi dạng ngày/tháng/năm).")
        elif self.data_date and when < self.data_date:
            error("ngay", f"ngày dự kiến {short_date(when)} trước ngày số liệu "
                  f"{short_date(self.data_date)}.")  # fmt: skip
        else:
            self._date_warnings(when, number, problem)
        return errors

    def _date_warnings(self, when: date, number: int, problem) -> None:
        if when > self.deadline:
            problem(number, "ngay", f"ngày dự kiến {short_date(when)} sau hạn báo cáo "
                    f"{short_date(self.deadline)}.", WARNING)  # fmt: skip
        elif when < self.today:
            problem(number, "ngay", f"ngày dự kiến {short_date(when)} đã qua.", WARNING)


def _number(text: str) -> int | None:
    try:
        return int(float(text))
    except ValueError:
        return None


_INPUTS = ("ly_do", "ly_do_khac", "bien_phap", "ngay", "truong")
_REASONS = {fold(reason): reason for reason in REASONS}  # «sai ngày sinh» is «Sai ngày sinh»
_LABELS = {
    "ly_do": "Lý do chưa đồng bộ",
    "ly_do_khac": "Ghi rõ lý do khác",
    "bien_phap": "Biện pháp khắc phục",
    "ngay": "Ngày dự kiến hoàn thành",
    KEY_COLUMN: "Mã dòng",
    "truong": "Trường",
}


def write_reports(result: Collected, root: Path, report_docx: bytes) -> list[Path]:
    """Write the .xlsx and .docx in the round's folder, atomically."""
    base = root / REPORT_NAME
    outputs = [base.with_suffix(".xlsx"), base.with_suffix(".docx")]
    write_atomic(outputs[0], report_workbook(result))
    write_atomic(outputs[1], report_docx)
    return outputs
