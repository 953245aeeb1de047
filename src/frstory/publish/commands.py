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
            "Execute the story notebooks (re-using frozen copies whose notebook, data, frstory "
            "source and environment are unchanged) and write an offline static site. The previous "
            "site is replaced only when every notebook succeeded."
        ),
    )
    build.add_argument("notebooks", nargs="*", metavar="NOTEBOOK",
                       help="build only these .ipynb files (default: every *.ipynb in --notebooks)")
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
    build.set_defaults(func=_build)

    new = sub.add_parser(
        "new",
        help="scaffold a story notebook (NN-SLUG.ipynb + jupytext .py pair)",
        description="Create notebooks/NN-SLUG.ipynb and its jupytext pair; never overwrites a file.",
    )
    new.add_argument("slug", metavar="SLUG", help="lower-case words joined by hyphens, e.g. amazon-moratorium")
    new.add_argument("--notebooks", dest="notebooks_dir", type=Path, default=None, metavar="DIR",
                     help="folder of story notebooks (default: <repo>/notebooks)")
    new.add_argument("--title", default=None, help="story title (default: from the slug)")
    new.add_argument("--byline", default="", help="author(s)")
    new.set_defaults(func=_new)


def _build(args: argparse.Namespace) -> int:
    from frstory.errors import BuildError
    from frstory.publish.site import build

    if args.jobs is not None and args.jobs < 1:
        raise BuildError(f"--jobs {args.jobs} must be at least 1")
    build(args.notebooks_dir, args.out, notebooks=args.notebooks or None, jobs=args.jobs, force=args.force,
          cell_timeout=args.timeout, cache_dir=args.cache_dir)
    return 0


def _new(args: argparse.Namespace) -> int:
    from frstory.publish.scaffold import new_story

    notebook, pair = new_story(args.slug, args.notebooks_dir, title=args.title, byline=args.byline)
    print(f"created {notebook}\ncreated {pair}\nbuild it with: frstory build", file=sys.stdout)
    return 0
