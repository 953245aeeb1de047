"""``frstory build`` and ``frstory new`` sub-commands."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    """Add the publishing commands to the top-level parser."""
    build = sub.add_parser(
        "build",
        help="execute the story notebooks and build the static site",
        description=(
            "Execute the story notebooks (re-using frozen copies whose notebook, parameters, data, "
            "frstory source and environment are unchanged) and write an offline static site. The "
            "previous site is replaced atomically, and only when every notebook succeeded (unless "
            "--keep-going). Naming NOTEBOOKs rebuilds their pages and keeps the rest of the site."
        ),
    )
    build.add_argument("notebooks", nargs="*", metavar="NOTEBOOK",
                       help="rebuild only these .ipynb files' pages, keeping the other pages "
                            "(default: every *.ipynb in --notebooks)")
    build.add_argument("-p", "--parameter", dest="parameters", nargs=2, action="append", default=[],
                       metavar=("NAME", "VALUE"),
                       help="build NOTEBOOK with this parameter (repeatable; VALUE read as a YAML scalar, "
                            "as papermill's -p does) as a page of its own")
    build.add_argument("--params", dest="params_file", type=Path, default=None, metavar="FILE.yml",
                       help="parameters from a YAML file of 'name: value' lines (-p values win)")
    build.add_argument("--slug", default=None, metavar="SLUG",
                       help="page name for a parameterised NOTEBOOK (default: its stem plus the values)")
    build.add_argument("--drop-page", dest="drop_pages", action="append", default=[], metavar="SLUG",
                       help="remove the parameterised page SLUG (SLUG.html) from the site; every full build "
                            "publishes the earlier parameterised pages again otherwise (repeatable)")
    build.add_argument("--keep-going", action="store_true",
                       help="publish the notebooks that succeeded even if some fail (failed pages keep "
                            "their last good version); the exit status still reports the failure")
    build.add_argument("--strict", action="store_true",
                       help="exit with status 1 when the build warned about anything (an inline value "
                            "without a prose helper, a chart without a source, a placeholder...); the site "
                            "is still written so the pages can be looked at, but a CI job stops before it "
                            "deploys them")
    build.add_argument("--no-wait", dest="wait", action="store_false",
                       help="stop at once if another build is writing the same site (default: wait)")
    build.add_argument("--notebooks", dest="notebooks_dir", type=Path, default=None, metavar="DIR",
                       help="folder of story notebooks (default: <repo>/notebooks)")
    build.add_argument("--out", type=Path, default=None, metavar="DIR",
                       help="site folder (default: 'site' next to the notebooks folder)")
    build.add_argument("--jobs", "-j", type=int, default=None, metavar="N",
                       help="notebooks executed in parallel (default: number of CPUs)")
    build.add_argument("--force", action="store_true", help="execute every notebook, ignoring the freeze cache")
    build.add_argument("--timeout", type=float, default=600, metavar="SECONDS",
                       help="seconds one cell may run (default: 600)")
    build.add_argument("--cache-dir", type=Path, default=None, metavar="DIR",
                       help="freeze cache folder (default: <repo>/.frstory-cache)")
    build.add_argument("--scheduler", default=None, metavar="ADDRESS",
                       help="execute the notebooks on this Dask distributed scheduler (e.g. tcp://host:8786); "
                            "pages are rendered here. Needs pip install 'frstory[dask]'")
    build.add_argument("--base-url", default=None, metavar="URL",
                       help="the address the site is published at, e.g. https://example.org/stories/: "
                            "canonical links, social cards, absolute feed links and a sitemap "
                            "(default: base_url in frstory.toml; without one no sitemap is written)")
    build.set_defaults(func=_build)

    new = sub.add_parser(
        "new",
        help="scaffold a story notebook (NN-SLUG.ipynb + jupytext .py pair)",
        description=("Create notebooks/NN-SLUG.ipynb and its jupytext pair, and a commented frstory.toml in the "
                     "project folder (the notebooks folder's parent) when it has none; never overwrites a file. "
                     "The story reads the project's data/events.csv and prices."),
    )
    new.add_argument("slug", metavar="SLUG", help="lower-case words joined by hyphens, e.g. city-budget-vote")
    new.add_argument("--notebooks", dest="notebooks_dir", type=Path, default=None, metavar="DIR",
                     help="folder of story notebooks (default: <repo>/notebooks)")
    new.add_argument("--title", default=None, help="story title (default: from the slug)")
    new.add_argument("--byline", default="", help="author(s)")
    new.add_argument("--synthetic", action="store_true",
                     help="scaffold an example on made-up data (published as 'Synthetic example data') "
                          "instead of a real story")
    new.set_defaults(func=_new)


def _build(args: argparse.Namespace) -> int:
    from frstory.errors import BuildError
    from frstory.publish.site import build

    from frstory.publish.params import parse_value, read_params_file

    if args.jobs is not None and args.jobs < 1:
        raise BuildError(f"--jobs {args.jobs} must be at least 1")
    parameters = read_params_file(args.params_file) if args.params_file is not None else {}
    for name, value in args.parameters:
        if not name.isidentifier():
            raise BuildError(f"-p {name} {value}: {name!r} is not a parameter name (letters, digits, underscores)")
        parameters[name] = parse_value(value)
    report = build(args.notebooks_dir, args.out, notebooks=args.notebooks or None, jobs=args.jobs,
                   force=args.force, cell_timeout=args.timeout, cache_dir=args.cache_dir,
                   parameters=parameters or None, slug=args.slug, keep_going=args.keep_going, wait=args.wait,
                   scheduler=args.scheduler, base_url=args.base_url, drop_pages=args.drop_pages or None)
    warned = sum(len(story.warnings) for story in report.stories)
    if args.strict and warned:
        print(f"frstory: error: --strict: the build warned {warned} time{'s' if warned != 1 else ''} (listed "
              "above); fix them before publishing", file=sys.stderr)
        return 1
    return 0


def _new(args: argparse.Namespace) -> int:
    import shlex

    from frstory.publish.scaffold import ensure_project_file, new_story
    from frstory.publish.site import default_notebooks_dir

    notebook, pair = new_story(args.slug, args.notebooks_dir, title=args.title, byline=args.byline,
                               synthetic=args.synthetic)
    folder = args.notebooks_dir if args.notebooks_dir is not None else default_notebooks_dir()
    created = [notebook, pair, ensure_project_file(folder.resolve().parent)]
    # The build command is repeated with the folder as the user gave it, so it can be pasted.
    again = f" --notebooks {shlex.quote(str(args.notebooks_dir))}" if args.notebooks_dir is not None else ""
    print("".join(f"created {path}\n" for path in created if path is not None)
          + f"build it with: frstory build{again}", file=sys.stdout)
    return 0
