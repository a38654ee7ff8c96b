"""Templates cannot run away: bounded work, time and size; the same messages for every template."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner

from generator.cli.main import cli
from generator.common.errors import TemplateProblem
from generator.documents import sandbox
from generator.documents.fastdocx import CompiledTemplate
from generator.documents.render import make_environment, rendering
from generator.inputs.synth import write_synthetic

from .conftest import ROOT, SHIPPED

NOTICE = ROOT / "templates" / "thong-bao" / "mau-thong-bao.docx"
FORM = ROOT / "templates" / "mau-bao-cao.docx"


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def _with_tag(source: Path, target: Path, tag: str) -> Path:
    """A copy of ``source`` with one more paragraph, holding ``tag``, at the top."""
    document = docx.Document(str(source))
    document.paragraphs[0].insert_paragraph_before(tag)
    document.save(str(target))
    return target


def _render(source: str, context: dict | None = None) -> str:
    with rendering(Path("mau.docx"), context):
        return make_environment().from_string(source).render(context or {})


@pytest.mark.parametrize(
    ("tag", "message"),
    [
        ("{% for i in range(10**9) %}x{% endfor %}", "range() trong mẫu cho quá 100.000 số"),
        ("{{ 7 ** (10**9) }}", "mẫu tính luỹ thừa quá lớn"),
        ("{{ 'x' * 10**9 }}", "mẫu tạo chuỗi hay danh sách dài hơn"),
        ("{{ [0] * 10**9 }}", "mẫu tạo chuỗi hay danh sách dài hơn"),
        ("{{ 'x'|center(10**9) }}", "mẫu tạo chuỗi hay danh sách dài hơn"),
        ("{{ 'x'.ljust(10**9) }}", "mẫu tạo chuỗi hay danh sách dài hơn"),
        ("{{ '%0999999999d' % 1 }}", "mẫu tạo chuỗi hay danh sách dài hơn"),
        ("{{ '{:>999999999}'.format(1) }}", "mẫu tạo chuỗi hay danh sách dài hơn"),
        ("{{ 'ab'|replace('', 'x' * 1000000) }}", "mẫu tạo chuỗi hay danh sách dài hơn"),
        ("{{ range(100000)|join('x' * 100) }}", "mẫu tạo chuỗi hay danh sách dài hơn"),
        (
            "{% set n = namespace(s='x') %}{% for i in range(64) %}"
            "{% set n.s = n.s ~ n.s %}{% endfor %}",
            "mẫu tạo chuỗi hay danh sách dài hơn",
        ),
        (
            "{% macro f() %}{{ f() }}{{ f() }}{% endmacro %}{{ f() }}",
            "mẫu gọi lồng nhau hoặc tạo dữ liệu quá nhiều",
        ),
        ("{{ 1 / 0 }}", "mẫu tính hoặc gọi sai (ZeroDivisionError"),
        ("{{ 'a' + 1 }}", "mẫu tính hoặc gọi sai (TypeError"),
        ("{{ ''.__class__.__mro__ }}", "mẫu làm việc bị cấm"),
        ("{{ lipsum(10**6) }}", "mẫu dùng biến không có"),
    ],
)
def test_a_template_asking_too_much_is_refused_quickly(tag, message):
    started = time.monotonic()
    with pytest.raises(TemplateProblem) as refused:
        _render(tag)
    assert message in str(refused.value)
    assert refused.value.exit_code == 3
    assert time.monotonic() - started < 10


def test_loops_inside_loops_count_every_iteration(monkeypatch):
    monkeypatch.setattr(sandbox, "MAX_STEPS", 200_000)
    nested = "{% for i in range(99999) %}{% for j in range(99999) %}x{% endfor %}{% endfor %}"
    with pytest.raises(TemplateProblem, match="mẫu lặp hoặc tính quá 200.000 bước"):
        _render(nested)


def test_the_output_of_a_render_is_bounded(monkeypatch):
    monkeypatch.setattr(sandbox, "MAX_OUTPUT", 50_000)
    many = "{% for i in range(99999) %}{{ 'xy' * 500 }}{% endfor %}"
    with pytest.raises(TemplateProblem, match="mẫu tạo ra văn bản dài hơn 50.000 ký tự"):
        _render(many)


def test_a_render_past_its_time_is_stopped(monkeypatch):
    monkeypatch.setattr(sandbox, "RENDER_SECONDS", 0.5)
    slow = "{% for i in range(99999) %}{% for j in range(40) %}{{ i }}{% endfor %}{% endfor %}"
    started = time.monotonic()
    with pytest.raises(TemplateProblem, match="điền mẫu quá 0 giây"):
        _render(slow)
    assert time.monotonic() - started < 5


def test_ordinary_templates_still_render():
    source = (
        "{% for r in rows %}{{ loop.index }}/{{ loop.length }}:{{ r.n|so }}"
        "{% if loop.last %}.{% endif %} {% endfor %}{{ 'a' ~ 'b' }} {{ 2 ** 10 }} "
        "{{ 'ab' * 2 }} {{ [1, 2]|join(', ') }} {{ '%02d' % 5 }} {{ '{:>3}'.format(7) }}"
    )
    rows = [{"n": 121149}, {"n": 5}]
    assert _render(source, {"rows": rows}) == "1/2:121.149 2/2:5. ab 1024 abab 1, 2 05   7"


def test_a_notice_template_with_a_missing_variable_names_it_like_check_template(
    data_copy, tmp_path
):
    _with_tag(NOTICE, data_copy / "mau-thong-bao.docx", "Hạn: {{ so_lieu.han_nop_moi }}")
    built = run("build", str(data_copy), "-o", str(tmp_path / "out"))
    assert built.exit_code == 3
    assert "mẫu dùng biến mà dữ liệu không có: so_lieu.han_nop_moi, ở «Hạn:" in built.stderr
    checked = run("check-template", str(data_copy / "mau-thong-bao.docx"), "--data", str(data_copy))
    assert "so_lieu.han_nop_moi, ở «Hạn:" in checked.stdout
    assert not (tmp_path / "out" / data_copy.name).exists() or not any(
        (tmp_path / "out" / data_copy.name).glob("v*")
    )


def test_a_notice_template_looping_without_end_is_exit_3(data_copy, tmp_path, monkeypatch):
    monkeypatch.setattr(sandbox, "MAX_STEPS", 300_000)
    loops = "{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}"
    _with_tag(NOTICE, data_copy / "mau-thong-bao.docx", loops)
    built = run("build", str(data_copy), "-o", str(tmp_path / "out"))
    assert built.exit_code == 3
    assert "mẫu lặp hoặc tính quá 300.000 bước, vượt giới hạn của mẫu" in built.stderr


@pytest.fixture(scope="module")
def persons(tmp_path_factory):
    folder = tmp_path_factory.mktemp("limits") / "ca-nhan"
    write_synthetic(folder, SHIPPED, scale=0.002, seed=3, fmt="csv")
    return folder


@pytest.mark.parametrize(
    ("tag", "message"),
    [
        ("{{ don_vi_khong_co }}", "mẫu dùng biến mà dữ liệu không có: don_vi_khong_co, ở «"),
        ("{{ ''.__class__.__mro__[1].__subclasses__() }}", "mẫu làm việc bị cấm"),
        ("{{ 7 ** (10**9) }}", "mẫu tính luỹ thừa quá lớn, vượt giới hạn của mẫu"),
        ("{% for x in %}", "'end of statement block') gần: «{% for x in %}»."),
    ],
)
def test_the_form_template_gets_the_notice_s_sandbox_and_messages(persons, tmp_path, tag, message):
    data = tmp_path / "du-lieu"
    shutil.copytree(persons, data)
    _with_tag(FORM, data / "mau-bao-cao.docx", tag)
    made = run("forms", str(data), "--docx", "-o", str(tmp_path / "out"))
    assert made.exit_code == 3, made.stderr
    assert message in made.stderr and "Traceback" not in made.stderr
    assert "mau-bao-cao.docx" in made.stderr


def test_a_compiled_template_with_a_missing_variable_is_a_template_problem(tmp_path):
    template = _with_tag(FORM, tmp_path / "mau.docx", "{{ khong_co.ten }}")
    with pytest.raises(TemplateProblem, match="khong_co.ten, ở «"):
        CompiledTemplate(template).render({})


def test_the_readme_states_every_template_limit_as_the_sandbox_applies_it():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### Giới hạn của mẫu") : readme.index("### Biến trong mẫu")]

    def written(number: int) -> str:
        return f"{number:,}".replace(",", ".")

    for limit in (sandbox.MAX_RANGE, sandbox.MAX_STEPS, sandbox.MAX_TEXT, sandbox.MAX_BUILT,
                  sandbox.MAX_POWER_BITS, sandbox.MAX_OUTPUT):  # fmt: skip
        assert f"tối đa {written(limit)} " in section, limit
    assert f"| {sandbox.RENDER_SECONDS:.0f} giây |" in section
