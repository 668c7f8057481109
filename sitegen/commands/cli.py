"""The command line: build, check, serve and new.

Each subcommand parses its options and calls one function. This is the one place that
prints editors' errors (compiler style, all of them, then a count) and turns them into
exit code 1; argparse gives 2 for a misused command line. Any other exception is a bug
in sitegen and keeps its traceback.

A build or check whose inputs are all as the last one's prints what that one printed
(reuse/whole_build.py): so that it takes a fraction of a second, this module imports the
pipeline, the checks and the network code only inside the commands that run them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import errno
import os
import socket
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import BuildFailed, SiteError
from ..messages import LANGUAGES, N_, _, current_language, language_from_locale, ngettext, number, use_language
from ..publishing.output import manifest_digest, output_lock_held, output_untouched, sync_site
from ..reading.project import Project
from ..reuse.cache import output_manifest_file
from ..reuse.whole_build import RecordedRun, WholeRun
from .link_report import FORMATS as LINK_FORMATS
from .new_article import write_new_article
from .report_formats import FORMATS, format_problems

if TYPE_CHECKING:
    from ..options import BuildResult

DEFAULT_CONTENT = "content"
DEFAULT_OUTPUT = "_site"


def print_errors(errors: list[SiteError], root: Path) -> None:
    """Print every error compiler style to stderr, then how many there were."""
    for error in errors:
        print(error.format(root), file=sys.stderr)
    print(ngettext("{count} error; nothing was written.", "{count} errors; nothing was written.", len(errors)),
          file=sys.stderr)


class TerminalProgress:
    """Show 'pages: 412/1000, 3.1 s' on one terminal line, then social cards and search shards the same way;
    silent in CI and in logs."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.shown = sys.stderr.isatty() and not os.environ.get("CI")
        self.last: dict[str, float] = {}  # what is counted -> when it was last shown

    def __call__(self, done: int, total: int, counted: str = "pages") -> None:
        now = time.perf_counter()
        if not self.shown or (now - self.last.get(counted, 0.0) < 0.1 and 0 < done < total):
            return
        self.last[counted] = now
        end = "\n" if done == total else ""
        # Search shards finish while pages are counted on the same line: clear it (ESC [K) before writing.
        shown = _("{counted}: {done}/{total}, {seconds} s", counted=_(counted), done=done, total=total,
                  seconds=number(now - self.started, "0.0"))
        print(f"\r\x1b[K{shown}", end=end, file=sys.stderr, flush=True)


# A build shows a screenful of warnings, then their count; `check` lists every one (issue 29).
WARNINGS_A_BUILD_SHOWS = 20


def warnings_text(warnings: list[SiteError], root: Path, limit: int | None = None) -> str:
    """Return what deserves attention but does not stop the build, such as a stale translation, a line each.

    With a `limit`, the first ones, then how many there are and where to see all.
    """
    lines = [warning.format(root) for warning in warnings[:limit]]
    if limit is not None and len(warnings) > limit:
        lines.append(ngettext("{total} warning; the first {shown} above; `python build.py check` lists all",
                              "{total} warnings; the first {shown} above; `python build.py check` lists all",
                              len(warnings), total=number(len(warnings)), shown=limit))
    return "".join(f"{line}\n" for line in lines)


def print_warnings(warnings: list[SiteError], root: Path, limit: int | None = None) -> None:
    """Print the warnings to stderr as one block (see `warnings_text`)."""
    sys.stderr.write(warnings_text(warnings, root, limit))


def command_build(args: argparse.Namespace) -> int:
    """Build the site into the output folder."""
    project = Project.from_content_dir(Path(args.content))
    started = time.perf_counter()
    output, manifest = Path(args.output), output_manifest_file(project.root)
    last_run = None if args.no_cache else WholeRun.of(project, "build", {
        "drafts": args.drafts, "base_url": args.base_url, "relative": args.relative, "pdf": not args.no_pdf,
        "output": str(output.resolve())}, current_language())
    recorded = last_run.recorded() if last_run else None
    if recorded and recorded.manifest == manifest_digest(manifest) and output_untouched(manifest, output):
        sys.stderr.write(recorded.stderr)  # nothing changed, and the output is as that build left it
        print_built(args.output, recorded.files, 0, started)
        return 0
    recorded_site = last_run.recorded_site(recorded) if recorded else None
    if recorded_site is not None:  # nothing changed, but the output is gone or touched (a deploy): write it from the store
        with output_lock_held(output), recorded_site.lent() as files:  # the store's own files, no copies (reuse/store.py)
            written = sync_site(output, files, manifest)
        last_run.record(replace(recorded, manifest=manifest_digest(manifest)))
        sys.stderr.write(recorded.stderr)
        print_written(output, written, args.verbose)
        print_built(args.output, recorded.files, len(written), started)
        return 0
    from ..options import BuildOptions
    from ..rendering.parallel import available_cores
    from ..runs import build_site

    options = BuildOptions(args.drafts, args.base_url, use_cache=not args.no_cache, jobs=available_cores(),
                           relative=args.relative, pdf="" if args.no_pdf else "make")
    result = build_site(project, output, options, TerminalProgress())
    shown = warnings_text(result.warnings, project.root, WARNINGS_A_BUILD_SHOWS)
    sys.stderr.write(shown)
    print_written(output, result.written, args.verbose)
    if last_run:
        last_run.record(RecordedRun("", shown, len(result.pages), manifest_digest(manifest), result.pages.digests()))
    print_built(args.output, len(result.pages), len(result.written), started)
    return 0


def print_written(output: Path, written: list[str], verbose: bool) -> None:
    """Name each file written, when asked to (-v)."""
    if verbose:
        for path in written:
            print(_("wrote {path}", path=output / path), file=sys.stderr)


def print_built(output: str, files: int, written: int, started: float) -> None:
    """Print the closing line of a build: how many files, where, how long, how many unchanged."""
    # Always a closing line, in CI and Netlify's log too: a build that printed nothing looked unfinished (issue 21).
    elapsed = time.perf_counter() - started
    print(ngettext("built {count} file into {output} in {seconds} s ({unchanged} unchanged, not rewritten)",
                   "built {count} files into {output} in {seconds} s ({unchanged} unchanged, not rewritten)",
                   files, output=output, seconds=number(elapsed, "0.00"), unchanged=files - written),
          file=sys.stderr)


def command_check(args: argparse.Namespace) -> int:
    """Validate everything a build would, writing no site (only .cache/): with drafts, then without."""
    project = Project.from_content_dir(Path(args.content))
    last_run = None if args.no_cache else WholeRun.of(project, "check", {"format": args.format}, current_language())
    recorded = last_run.recorded() if last_run else None
    if recorded:  # nothing changed since the last check: its findings stand
        sys.stderr.write(recorded.stderr)
        sys.stdout.write(recorded.stdout)
        print_checked(args, recorded.files)
        return 0
    from ..options import BuildOptions
    from ..rendering.parallel import available_cores
    from ..runs import check_site

    # The pages offer the PDF as a build's do, so that `check` and `build` share their cached pages.
    options = BuildOptions(include_drafts=True, use_cache=not args.no_cache, jobs=available_cores(), pdf="offer")
    shown = []

    def show_warnings(result: BuildResult) -> None:  # before the published site is checked, when there are drafts
        if args.format == "text" and result.warnings:
            shown.append(warnings_text(result.warnings, project.root) + ngettext(
                "{count} warning; no errors, the site builds.", "{count} warnings; no errors, the site builds.",
                len(result.warnings)) + "\n")
            sys.stderr.write(shown[-1])

    # A link to a draft works with drafts but is a dead link in the published build: check_site checks both.
    result = check_site(project, options, TerminalProgress(), show_warnings)
    problems = format_problems(args.format, [], result.warnings) if args.format != "text" else ""
    sys.stdout.write(problems)
    if last_run:
        last_run.record(RecordedRun(problems, "".join(shown), len(result.pages)))
    print_checked(args, len(result.pages))
    return 0


def print_checked(args: argparse.Namespace, pages: int) -> None:
    """Say, when asked to (-v), that the check found no errors."""
    if args.format == "text" and args.verbose:
        print(ngettext("checked {count} page: no errors", "checked {count} pages: no errors", pages), file=sys.stderr)


def command_serve(args: argparse.Namespace) -> int:
    """Build, serve with live reload, and rebuild on every change."""
    from .serve import serve_site  # livereload and tornado are only needed here

    project = Project.from_content_dir(Path(args.content))
    check_port_free(args.host, args.port)
    # The PDF takes seconds to make: the dev server makes it when it is asked for (commands/serve.py).
    from ..options import BuildOptions
    from ..rendering.parallel import available_cores

    options = BuildOptions(include_drafts=True, use_cache=True, jobs=available_cores(), pdf="offer")
    return serve_site(project, Path(args.output), args.host, args.port, options)


def check_port_free(host: str, port: int) -> None:
    """Raise a one-line error, before any building, when another program already listens on the port."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server binds: a closed port's TIME_WAIT is fine
        try:
            probe.bind((host, port))
        except OSError as error:
            free = "make serve PORT=8001" if port == 8000 else f"make serve PORT={port + 1}"
            # The system's words are English whatever the language; the common case has ours.
            reason = _("the port is in use") if error.errno == errno.EADDRINUSE else error.strerror or error
            raise SiteError(f"{host}:{port}", None, _("cannot serve here: {reason}", reason=reason),
                            _("another program (another make serve?) uses port {port}: stop it, or run `{command}`",
                              port=port, command=free)) from None


def command_new(args: argparse.Namespace) -> int:
    """Create a draft article with valid front matter (or a translation of one) and print its path."""
    project = Project.from_content_dir(Path(args.content))
    if args.translate:
        from .translation_status import start_translation

        print(start_translation(project, args.title, args.language).as_posix())
        return 0
    print(write_new_article(project, Path(args.content), args.title).as_posix())
    return 0


def command_translations(args: argparse.Namespace) -> int:
    """Print, per edition, what is missing or older than its original."""
    from .translation_status import translation_report

    for line in translation_report(Project.from_content_dir(Path(args.content))):
        print(line)
    return 0


def command_check_links(args: argparse.Namespace) -> int:
    """Check every source's address over the network, changing nothing; exit 1 only when one is dead."""
    from .link_report import format_report
    from .link_watch import check_links, load_link_targets, user_agent

    targets, site_url = load_link_targets(Project.from_content_dir(Path(args.content)))
    checks = check_links(targets, args.timeout, args.wait, user_agent(site_url))
    print(format_report(args.format, checks, dt.date.today()), end="")
    return 1 if checks and any(check.severity == "error" for check in checks) else 0


def seconds(value: str) -> float:
    """Accept a number of seconds, 0 or more, or make argparse report it as misused."""
    try:
        number_of_seconds = float(value)
    except ValueError:
        number_of_seconds = -1.0
    if not 0 <= number_of_seconds < float("inf"):
        raise argparse.ArgumentTypeError(_("'{value}' is not a number of seconds, such as 15 or 0.5", value=value))
    return number_of_seconds


def base_url(value: str) -> str:
    """Accept a base URL for --base-url, or make argparse report it as misused."""
    from ..checking.validate import is_base_url

    if not is_base_url(value):
        raise argparse.ArgumentTypeError(
            _("'{value}' is not a full URL or a path from the root; write e.g. https://example.org/briefing/ or /briefing/",
              value=value))
    return value


def create_parser() -> argparse.ArgumentParser:
    """Return the argument parser with every subcommand."""
    parser = argparse.ArgumentParser(prog="build.py", description=_("Build the Binance-in-Russia briefing site."))
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, function, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.set_defaults(function=function)
        sub.add_argument("--lang", choices=LANGUAGES,
                         help=_("language of the messages: en or ru (default: from LANG or LC_MESSAGES)"))
        return sub

    build = add("build", command_build, _("Build the whole site into the output folder."))
    build.add_argument("--content", default=DEFAULT_CONTENT, help=_("content folder (default: content)"))
    build.add_argument("--output", default=DEFAULT_OUTPUT, help=_("output folder (default: _site)"))
    build.add_argument("--drafts", action="store_true", help=_("include articles marked draft: true"))
    build.add_argument("--base-url", type=base_url, help=_("the URL the site is served from, e.g. https://example.org/briefing/"))
    build.add_argument("--no-cache", action="store_true", help=_("ignore .cache/ and render everything again"))
    build.add_argument("--no-pdf", action="store_true",
                       help=_("make no PDF of the whole briefing (it takes seconds per edition); pages then offer none"))
    build.add_argument("--relative", action="store_true",
                       help=_("write the mirrorable copy: every link relative, so it works from any folder, any host "
                              "path and file://; no search index, feeds or sitemap"))
    build.add_argument("-v", "--verbose", action="store_true", help=_("list each file written"))

    check = add("check", command_check, _("Check content, data, charts and links as a build does; write no site (only .cache/)."))
    check.add_argument("--content", default=DEFAULT_CONTENT, help=_("content folder (default: content)"))
    check.add_argument("-v", "--verbose", action="store_true", help=_("say so when everything is fine"))
    check.add_argument("--no-cache", action="store_true", help=_("ignore .cache/ and render everything again"))
    check.add_argument("--format", choices=FORMATS, default="text",
                       help=_("text (default, for people), github (annotations on a pull request) or json (for other tools)"))

    serve = add("serve", command_serve, _("Build, serve with live reload, rebuild on every change."))
    serve.add_argument("--content", default=DEFAULT_CONTENT, help=_("content folder (default: content)"))
    serve.add_argument("--output", default=DEFAULT_OUTPUT, help=_("output folder (default: _site)"))
    serve.add_argument("--host", default="127.0.0.1", help=_("address to listen on (default: 127.0.0.1)"))
    serve.add_argument("--port", type=int, default=8000, help=_("port to listen on (default: 8000)"))

    new = add("new", command_new, _("Create a draft article and print its path."))
    new.add_argument("title", help=_("the article's title, in quotes (with --translate: the slug of the article to translate)"))
    new.add_argument("--translate", action="store_true",
                     help=_("start the translation of an existing article: its front matter and text, every passage marked"))
    new.add_argument("--language", default="ru", help=_("the translation's language (default: ru)"))
    new.add_argument("--content", default=DEFAULT_CONTENT, help=_("content folder (default: content)"))

    translations = add("translations", command_translations,
                       _("List, per edition, the articles, data files and interface text not yet translated or out of date."))
    translations.add_argument("--content", default=DEFAULT_CONTENT, help=_("content folder (default: content)"))

    links = add("check-links", command_check_links,
                _("Check over the network that every source's address still answers; change nothing."))
    links.add_argument("--content", default=DEFAULT_CONTENT, help=_("content folder (default: content)"))
    links.add_argument("--format", choices=LINK_FORMATS, default="text",
                       help=_("text (default, for people), github (annotations), json (for other tools) "
                              "or markdown (a summary for a GitHub run's page)"))
    links.add_argument("--timeout", type=seconds, default=15.0, help=_("seconds to wait for a server's answer (default: 15)"))
    links.add_argument("--wait", type=seconds, default=1.0,
                       help=_("seconds between two requests to the same site, and before the one retry (default: 1)"))
    return parser


def unsafe_output(output: Path, project: Project) -> str | None:
    """Say why writing the site to output would delete the project's own files, if it would."""
    output = output.resolve()
    for name, folder in (("project", project.root), ("content", project.content),
                         ("templates", project.templates), ("static", project.static)):
        if output == folder or output in folder.parents:
            return _("--output '{output}' is or contains the {name} folder '{folder}'; a build replaces the output "
                     "folder as a whole, so give the site a folder of its own, e.g. --output {default}",
                     output=output, name=name, folder=folder, default=DEFAULT_OUTPUT)
    return None


# argparse's own words ("usage:", "error:", "invalid choice") come from the standard library's
# gettext calls, which look in no catalogue of ours: listed here for it, and handed our lookup.
ARGPARSE_MESSAGES = (
    N_("usage: "), N_("options"), N_("positional arguments"), N_("show this help message and exit"),
    N_("%(prog)s: error: %(message)s\n"), N_("the following arguments are required: %s"),
    N_("argument %(argument_name)s: %(message)s"), N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("unrecognized arguments: %s"), N_("expected one argument"), N_("invalid %(type)s value: %(value)r"),
)


def chosen_language(argv: list[str] | None) -> str:
    """Return the language of the messages: --lang, else the locale's.

    Read before the parser is made, so that its help and its errors speak that language too.
    """
    language = argparse.ArgumentParser(add_help=False)
    language.add_argument("--lang", nargs="?")  # a wrong or missing value is the full parser's to report
    chosen, _unparsed = language.parse_known_args(sys.argv[1:] if argv is None else argv)
    return chosen.lang if chosen.lang in LANGUAGES else language_from_locale(os.environ)


def main(argv: list[str] | None = None) -> int:
    """Run one command; return the exit code (0 ok, 1 site errors, 2 usage)."""
    use_language(chosen_language(argv))
    argparse._ = _  # looks a message up without formatting it: argparse fills in its %(fields)s
    parser = create_parser()
    args = parser.parse_args(argv)
    if hasattr(args, "output"):
        # The output folder is replaced as a whole: '--output .' would delete the project.
        problem = unsafe_output(Path(args.output), Project.from_content_dir(Path(args.content)))
        if problem:
            parser.error(problem)
    try:
        return args.function(args)
    except (BuildFailed, SiteError) as failure:
        # A lone SiteError: a file saved again while the build read it (content.read_body).
        errors = failure.errors if isinstance(failure, BuildFailed) else [failure]
        # Warnings found before the errors stopped the build: an editor fixing the errors wants them too.
        warnings = failure.warnings if isinstance(failure, BuildFailed) else []
        format_name = getattr(args, "format", "text")
        if format_name != "text":
            print(format_problems(format_name, errors, warnings), end="")
            return 1
        root = Project.from_content_dir(Path(getattr(args, "content", DEFAULT_CONTENT))).root
        print_warnings(warnings, root, None if args.function is command_check else WARNINGS_A_BUILD_SHOWS)
        print_errors(errors, root)
        return 1
