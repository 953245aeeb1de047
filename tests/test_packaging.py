"""The two install routes (pip via pyproject.toml, conda via environment.yml) stay in agreement.

No conda solver is reachable here, so this parses both files and compares their dependencies.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
# conda-forge names that differ from PyPI names
CONDA_TO_PYPI = {"python-kaleido": "kaleido"}
CONDA_SPEC = re.compile(r"^(?P<name>[A-Za-z0-9_.\-]+)\s*(?P<spec>[<>=!~].*)?$")


def _pyproject():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def _environment_specs() -> dict[str, SpecifierSet]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert set(env) >= {"name", "channels", "dependencies"}, "environment.yml lacks a top-level key"
    specs: dict[str, SpecifierSet] = {}
    for dep in env["dependencies"]:
        entries = dep["pip"] if isinstance(dep, dict) else [dep]
        for entry in entries:
            if entry.startswith("-"):
                continue  # pip options such as "-e ."
            match = CONDA_SPEC.match(entry.replace(" ", ""))
            assert match, f"environment.yml: cannot parse dependency {entry!r}"
            name = canonicalize_name(CONDA_TO_PYPI.get(match["name"], match["name"]))
            specs[name] = SpecifierSet(match["spec"] or "")
    return specs


def _pyproject_requirements() -> list[Requirement]:
    project = _pyproject()["project"]
    reqs = [Requirement(r) for r in project["dependencies"]]
    for extra in project.get("optional-dependencies", {}).values():
        reqs.extend(Requirement(r) for r in extra)
    return reqs


def test_every_pyproject_dependency_is_in_environment_yml_with_the_same_pin():
    env = _environment_specs()
    problems = []
    for req in _pyproject_requirements():
        name = canonicalize_name(req.name)
        if name not in env:
            problems.append(f"pyproject requires {req} but environment.yml lacks {req.name}")
        elif env[name] != req.specifier:
            problems.append(f"{req.name}: pyproject pins {req.specifier or 'nothing'}, environment.yml {env[name] or 'nothing'}")
    assert not problems, "\n".join(problems)


def test_environment_yml_has_nothing_pyproject_does_not_declare():
    declared = {canonicalize_name(r.name) for r in _pyproject_requirements()} | {"python", "pip"}
    extra = sorted(set(_environment_specs()) - declared)
    assert not extra, f"environment.yml lists packages pyproject.toml does not: {extra}"


def test_python_pin_matches_requires_python():
    requires = _pyproject()["project"]["requires-python"]
    assert _environment_specs()["python"] == SpecifierSet(requires)


def test_jupyter_metapackage_is_not_a_runtime_dependency():
    # It makes `import nbformat` ~10x slower (env-probe §1); authors get JupyterLab from an extra.
    runtime = {canonicalize_name(Requirement(r).name) for r in _pyproject()["project"]["dependencies"]}
    assert not runtime & {"jupyter", "jupyterlab", "notebook"}


def test_readme_test_command_is_what_ci_runs():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    command = re.search(r"^(python -m pytest.*?)\s+#\s*run the tests", readme, re.M)
    assert command, "README.md must give the test command on its first screen"
    assert command.group(1).strip() in ci, "CI must run the README's test command"


def test_the_wheel_carries_the_toolkit_and_no_story_data():
    # The timeline and claims are this repository's story, found beside its frstory.toml; a
    # newsroom installing the toolkit gets none of them inside the package.
    wheel = _pyproject()["tool"]["hatch"]["build"]["targets"]["wheel"]
    assert wheel["packages"] == ["src/frstory"]
    assert not wheel.get("force-include")
    assert not list((ROOT / "src" / "frstory").rglob("*.csv"))


def test_no_source_or_template_file_is_ignored_by_git():
    # A too-broad .gitignore pattern (e.g. `site/`) once hid src/frstory/publish/templates/site/,
    # so a clean clone had no page templates. Checked where the files exist: a developer's tree.
    import shutil
    import subprocess

    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    files = [p for p in (ROOT / "src").rglob("*") if p.is_file() and "__pycache__" not in p.parts
             and not any(part.endswith(".egg-info") for part in p.parts)]
    ignored = subprocess.run(["git", "check-ignore", "--no-index", *map(str, files)], cwd=ROOT,
                             capture_output=True, text=True).stdout.split()
    assert not ignored, f".gitignore hides package files: {ignored}"
