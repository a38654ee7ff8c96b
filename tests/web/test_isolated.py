"""An upload's check runs in a child: too much memory, too much time or a crash is a refusal
with a Vietnamese message, and the server process lives on."""

from __future__ import annotations

import time

import pytest

from generator.common.errors import InvalidData, Problem, TemplateProblem, UploadRefused
from generator.web import isolated


def _hog() -> bytes:
    return b"x" * (4 * 1024**3)


def _sleeper() -> None:
    time.sleep(30)


def _crash() -> None:
    raise KeyError("boom")


def _invalid() -> None:
    raise InvalidData([Problem("don-vi.csv", "ô sai.", "sửa ô.", row=3, column="Cấp học")])


def _template() -> None:
    from pathlib import Path

    raise TemplateProblem(template=Path("mau-thong-bao.docx"), detail="hỏng.", fix="sửa mẫu.")


def test_a_check_that_needs_too_much_memory_is_refused():
    with pytest.raises(UploadRefused, match="hết bộ nhớ"):
        isolated.run("to.xlsx", _hog, memory=1024**3)


def test_a_check_that_never_ends_is_stopped():
    start = time.monotonic()
    with pytest.raises(UploadRefused, match="quá 1 giây"):
        isolated.run("cham.csv", _sleeper, seconds=1)
    assert time.monotonic() - start < 10


def test_a_crash_is_a_refusal_and_library_errors_keep_their_message():
    with pytest.raises(UploadRefused, match="không đọc được tệp này"):
        isolated.run("la.csv", _crash)
    with pytest.raises(InvalidData) as invalid:
        isolated.run("don-vi.csv", _invalid)
    assert invalid.value.problems[0].column == "Cấp học"
    with pytest.raises(isolated.Relayed) as relayed:
        isolated.run("mau-thong-bao.docx", _template)
    assert str(relayed.value).startswith("Mẫu văn bản mau-thong-bao.docx: hỏng.")
    assert relayed.value.exit_code == 3 and relayed.value.about == "mau-thong-bao.docx"
    assert isolated.run("x", sum, [1, 2]) == 3
