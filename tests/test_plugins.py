"""Plugins: the example exporter (tests/data/plugins/opis_example_exporter) installed with pip as a
package of its own, found through its ``opis`` entry point, and offered by the CLI, the REST API
and ``opis.Archive.export``; and how the plugin manager orders what hooks return."""

from __future__ import annotations

import base64
import hashlib
import importlib
import subprocess
import sys
import tomllib
import warnings
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from opis import Archive
from opis.export import ExportError, names
from opis.plugins import by_name, get_plugin_manager, ordered, reset_plugin_manager

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

PLUGIN_SRC = Path(__file__).parent / "data" / "plugins" / "opis_example_exporter"
CORPUS = Path(__file__).resolve().parent.parent / "examples" / "corpus"
FORMAT = "plaintext-card"


def build_wheel(project: Path, out: Path) -> Path:
    """A pure-Python wheel of ``project`` from its pyproject.toml (name, version, entry points,
    packages), built here because the venv need not have a build backend (setuptools 65 cannot
    build wheels without the ``wheel`` package; Python 3.12 venvs have no setuptools) and the
    tests run offline."""
    meta = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    proj = meta["project"]
    dist = proj["name"].replace("-", "_")
    info = f"{dist}-{proj['version']}.dist-info"
    files: dict[str, bytes] = {}
    for package in meta["tool"]["setuptools"]["packages"]:
        for path in sorted((project / package).rglob("*.py")):
            files[path.relative_to(project).as_posix()] = path.read_bytes()
    files[f"{info}/METADATA"] = (f"Metadata-Version: 2.1\nName: {proj['name']}\nVersion: {proj['version']}\n"
                                 f"Summary: {proj['description']}\n").encode()
    files[f"{info}/WHEEL"] = b"Wheel-Version: 1.0\nGenerator: opis-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    entry_points = "".join(
        f"[{group}]\n" + "".join(f"{k} = {v}\n" for k, v in eps.items())
        for group, eps in proj["entry-points"].items())
    files[f"{info}/entry_points.txt"] = entry_points.encode()
    record = [f"{name},sha256={base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b'=').decode()},{len(data)}"
              for name, data in files.items()]
    files[f"{info}/RECORD"] = ("\n".join([*record, f"{info}/RECORD,,"]) + "\n").encode()
    wheel = out / f"{dist}-{proj['version']}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return wheel


@pytest.fixture(scope="module")
def plugin_target(tmp_path_factory) -> Path:
    """The example plugin installed by pip into a folder of its own (not yet on sys.path)."""
    build = tmp_path_factory.mktemp("wheel")
    target = tmp_path_factory.mktemp("site")
    wheel = build_wheel(PLUGIN_SRC, build)
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
                    "--target", str(target), str(wheel)], check=True)
    assert (target / "opis_example_exporter" / "__init__.py").exists()
    return target


@pytest.fixture()
def plugin(plugin_target):
    """The installed plugin on sys.path and the plugin manager rebuilt to find it; undone after."""
    sys.path.insert(0, str(plugin_target))
    importlib.invalidate_caches()
    reset_plugin_manager()
    try:
        yield importlib.import_module("opis_example_exporter")
    finally:
        sys.path.remove(str(plugin_target))
        sys.modules.pop("opis_example_exporter", None)
        importlib.invalidate_caches()
        reset_plugin_manager()


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    """One sample record ingested."""
    path = tmp_path_factory.mktemp("plugins") / "opis.db"
    sample = sorted(CORPUS.glob("*.txt"))[0]
    with Archive(path) as arch:
        [res] = list(arch.ingest([sample]))
        assert res.status == "added", res.to_dict()
    return path


def _doc_id(db: Path) -> str:
    with Archive(db) as arch:
        return next(arch.documents()).id


def test_without_the_plugin_its_format_is_refused_everywhere(db):
    from opis.cli import build_cli
    from opis.web.app import create_app

    assert FORMAT not in names()
    doc_id = _doc_id(db)
    with Archive(db) as arch, pytest.raises(ExportError, match="unknown export format"):
        arch.export(doc_id, FORMAT)
    r = CliRunner().invoke(build_cli(), ["export", doc_id, "--format", FORMAT, "--db", str(db)])
    assert r.exit_code == 2 and FORMAT in r.output
    with TestClient(create_app(str(db))) as client:
        assert client.get(f"/api/documents/{doc_id}/export", params={"format": FORMAT}).status_code == 422


def test_the_plugin_is_loaded_from_its_entry_point(plugin):
    pm = get_plugin_manager()
    assert pm.get_plugin("example") is plugin
    assert names()[-1] == FORMAT  # after the built-ins, which keep their order
    assert names()[:-1] == ("chicago", "bibtex", "ris", "csl-json", "tei", "json", "geojson", "csv")


def test_archive_exports_the_plugin_format(plugin, db):
    doc_id = _doc_id(db)
    with Archive(db) as arch:
        card = arch.export(doc_id, FORMAT)
        doc = arch.get(doc_id)
    assert card == plugin.render(doc)
    assert f"opis id: {doc_id}" in card and card.startswith("+---")


def test_cli_offers_and_writes_the_plugin_format(plugin, db):
    from opis.cli import build_cli

    cli = build_cli()
    doc_id = _doc_id(db)
    help_text = CliRunner().invoke(cli, ["export", "--help"]).output
    assert FORMAT in help_text
    r = CliRunner().invoke(cli, ["export", doc_id, "--format", FORMAT, "--db", str(db)])
    assert r.exit_code == 0, r.output
    with Archive(db) as arch:
        assert r.output == plugin.render(arch.get(doc_id))


def test_api_offers_and_serves_the_plugin_format(plugin, db):
    from opis.web.app import create_app

    doc_id = _doc_id(db)
    with TestClient(create_app(str(db))) as client:
        spec = client.get("/openapi.json").json()
        [param] = [p for p in spec["paths"]["/api/documents/{doc_id}/export"]["get"]["parameters"]
                   if p["name"] == "format"]
        assert FORMAT in param["schema"]["enum"]
        r = client.get(f"/api/documents/{doc_id}/export", params={"format": FORMAT, "download": 1})
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/plain")
        assert r.headers["content-disposition"] == f'attachment; filename="{doc_id}.card.txt"'
        with Archive(db) as arch:
            assert r.text == plugin.render(arch.get(doc_id))
        page = client.get(f"/documents/{doc_id}").text  # the Cite panel shows it too
        assert "Catalogue card" in page


class _Named:
    def __init__(self, name: str, tag: str):
        self.name, self.tag = name, tag


def test_named_items_keep_the_builtins_first_and_the_later_plugin_wins():
    builtin = [_Named("a", "builtin"), _Named("b", "builtin")]
    later = [_Named("b", "plugin"), _Named("c", "plugin")]
    merged = by_name([later, builtin])  # pluggy calls the later-registered plugin first
    assert list(merged) == ["a", "b", "c"]
    assert merged["b"].tag == "plugin"
    assert [i.name for i in ordered([later, builtin])] == ["b", "c", "a", "b"]


def test_a_registered_record_family_is_tried_before_the_builtins():
    from opis.hookspecs import hookimpl
    from opis.readers.layouts.record import RecordFamily, families, read_page

    seen: list[str] = []

    class Spy:
        @hookimpl
        def register_record_families(self):
            return [RecordFamily("spy", lambda text: seen.append(text))]

    builtins = [f.name for f in families()]
    assert builtins == ["digital_archive", "frus", "catalogue", "cable", "noted", "headed"]
    pm = get_plugin_manager()
    spy = Spy()
    pm.register(spy, name="spy")
    try:
        assert [f.name for f in families()] == ["spy", *builtins]
        read_page("Some page")
        assert seen == ["Some page"]
    finally:
        pm.unregister(spy)
