"""The dev server: serve the last good site, rebuild on every saved change, reload.

Input: a project and an output folder. Watching is event based (watchfiles, inotify on
Linux) rather than livereload's 800 ms polling, so a saved edit reaches the browser in
the time a rebuild takes. Each rebuild goes through the same `SiteBuilder`, which
re-renders only pages whose inputs changed, and `update_site` rewrites only changed
files. A failed rebuild leaves the last good files in place; every HTML page served
then carries the error list, and fixing the file recovers by itself.

Nothing a rebuild raises may end the watcher (issue 20): an editor's save truncates the
file before writing it, so a rebuild can read it empty or find it gone, and a rebuild
that read a file mid-save is tried again a moment later.
"""

from __future__ import annotations

import hashlib
import html
import mimetypes
import sys
import threading
import time
import traceback
from dataclasses import replace
from pathlib import Path

from livereload import Server
from livereload.handlers import LiveReloadHandler
from livereload.watcher import Watcher
from tornado.ioloop import IOLoop

from ..errors import BuildFailed, SiteError
from ..messages import N_, _, current_language
from ..options import BuildOptions
from ..pipeline import SiteBuilder
from ..publishing.one_file import ONE_FILE
from ..publishing.output import output_lock_held, update_site, write_site
from ..publishing.pdf_file import PDF_FILE, make_pdf
from ..publishing.whole_briefing import PDF_OFFERED
from ..reading.project import Project
from ..reading.safe_read import is_unsettled
from ..rendering.parallel import FreshWorkers

# How long a save may take between truncating a file and writing it again; a rebuild that
# found a file empty, gone or changed under it waits this long and reads again.
SETTLE_SECONDS = 0.1

ERROR_PANEL = (
    '<div role="alert" style="position:fixed;inset:0 0 auto 0;z-index:99;margin:0;padding:1rem;'
    'background:#7a0000;color:#fff;font:14px/1.4 monospace;white-space:pre-wrap;max-height:60vh;overflow:auto">'
    '<strong lang="{language}">{headline}</strong>\n{errors}</div>'
)
PANEL_HEADLINE = N_("The last change did not build; this is the last good version.")


class DevSite:
    """The dev server's state: the builder, the last good pages and the current errors."""

    def __init__(self, project: Project, output: Path, options: BuildOptions):
        self.project = project
        self.output = output
        # The search index takes about a second to build; the preview's search page
        # falls back to listing every article instead (see templates/search.html). The mirror's
        # zip would be made again on every save: the preview has none (its page links to it all the same).
        # The whole briefing in one file would be made again on every save (a PDF takes seconds): the preview makes
        # it only when it is asked for (`whole_briefing_file`), and its pages' footers give no sizes. It shows no
        # warnings (`check` lists them), so gathers none about citations.
        self.builder = SiteBuilder(project, replace(options, search_index=False, mirror_zip=False, one_file=False,
                                                    pdf=PDF_OFFERED if options.pdf else "", sourcing_warnings=False))
        self.pdfs = PdfPreview()
        self.pages: dict[str, bytes] = {}
        self.errors: str | None = None
        self.lock = threading.Lock()
        # Files saved since the last good rebuild: a failed one must not make later rebuilds
        # reuse what was read of them before. None: read everything again.
        self._unbuilt: set[Path] | None = set()
        self._start_over = False  # after an unexpected exception, rebuild with a new builder

    def first_build(self) -> None:
        """Build everything once and write it fresh."""
        try:
            with self.lock:
                try:
                    result = self._build_settled(None)
                except BuildFailed as failure:
                    self._fail(failure)
                    return
                write_site(self.output, result.pages)
                self.pages = result.pages
                self.errors = None
                self.builder.save_cache()
        finally:
            # Later rebuilds run beside the server's threads, where forking workers is unsafe;
            # an edit re-renders a page or two, which one process does fastest anyway.
            self.builder.options = replace(self.builder.options, jobs=1)

    def rebuild(self, changed: set[Path] | None = None) -> list[str]:
        """Rebuild after the given files changed; return the output paths that changed.

        Never raises: an editor's mistake, or a bug, becomes the error panel on every page.
        """
        started = time.perf_counter()
        with self.lock:
            changed = None if changed is None or self._unbuilt is None else changed | self._unbuilt
            try:
                if self._start_over:
                    self.builder = SiteBuilder(self.project, self.builder.options)
                    self._start_over = False
                result = self._build_settled(changed)
                if not self.output.is_dir():
                    write_site(self.output, result.pages)
                    written = list(result.pages)
                else:
                    written = update_site(self.output, result.pages, self.pages)
            except BuildFailed as failure:
                self._unbuilt = None if changed is None else changed
                self._fail(failure)
                return ["(errors)"]
            except Exception:  # noqa: BLE001
                # A bug, or a file pulled from under us (another build cleaning the cache): the
                # house rule is to let it raise, but in this thread that would end the watcher
                # and leave the preview stale with no sign in the browser (issue 20). Show the
                # full traceback instead, in the terminal and in the page; the next save starts
                # over with a new builder, since the old one's memory may be what failed.
                self._start_over = True
                self._report(_("sitegen stopped with an unexpected error (a bug, or a file another program removed):")
                             + "\n" + traceback.format_exc())
                return ["(errors)"]
            self._unbuilt = set()
            recovered = self.errors is not None
            self.pages, self.errors = result.pages, None
        elapsed = (time.perf_counter() - started) * 1000
        print(_("rebuilt in {milliseconds} ms: {rendered} rendered, {changed} changed",
                milliseconds=f"{elapsed:.0f}", rendered=len(result.rendered), changed=len(written)), file=sys.stderr)
        return written + (["(recovered)"] if recovered else [])

    def _build_settled(self, changed: set[Path] | None):
        """Build; when that read a file in the middle of its save, wait for the save and build once more."""
        try:
            return self._build(changed)
        except BuildFailed as failure:
            if not all(is_unsettled(error) for error in failure.errors):
                raise
            # The watcher may not have reported the file yet: read it again in any case.
            named = {(self.project.root / error.path).resolve() for error in failure.errors}
        time.sleep(SETTLE_SECONDS)
        return self._build(None if changed is None else changed | named)

    def _build(self, changed: set[Path] | None):
        try:
            return self.builder.build(changed)
        except SiteError as error:
            # A file's body is read again while pages render (content.read_body); one saved
            # meanwhile raises alone rather than among the collected errors.
            raise BuildFailed([error]) from None

    def _fail(self, failure: BuildFailed) -> None:
        self._report("\n".join(error.format(self.project.root) for error in failure.errors))

    def _report(self, text: str) -> None:
        print(text, file=sys.stderr)
        self.errors = text

    def respond(self, environ, start_response):
        """A WSGI app serving the output folder, with the error panel while broken."""
        path = environ.get("PATH_INFO", "/")
        if path.endswith(("/" + ONE_FILE, "/" + PDF_FILE)):
            made = self.whole_briefing_file(path.lstrip("/"))
            if made is not None:
                start_response(made[0], [("Content-Type", made[1]), ("Cache-Control", "no-store")])
                return [made[2]]
        target = (self.output / path.lstrip("/")).resolve()
        if target.is_dir():
            target = target / "index.html"
        inside = target.is_relative_to(self.output.resolve())
        status = "200 OK"
        if not inside or not target.is_file():
            status, target = "404 Not Found", self.output / "404.html"
        body = target.read_bytes() if target.is_file() else _("Not found").encode()
        content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        errors = self.errors
        if errors and content_type == "text/html":
            panel = ERROR_PANEL.format(language=current_language(), headline=html.escape(_(PANEL_HEADLINE)),
                                       errors=html.escape(errors)).encode()
            body = body.replace(b"<body>", b"<body>" + panel, 1) if b"<body>" in body else panel + body
        if content_type.startswith("text/"):
            content_type += "; charset=utf-8"
        start_response(status, [("Content-Type", content_type), ("Cache-Control", "no-store")])
        return [body]


    def whole_briefing_file(self, path: str) -> tuple[str, str, bytes] | None:
        """Return (status, type, body) for an edition's one-file HTML, made now from the last build's pages, or
        for its PDF: the PDF, or a page that waits for it while it is made.

        None when there is no such edition (the request is then served as any other).
        """
        name = path.rpartition("/")[2]
        with self.lock:  # not while a rebuild changes what the file is made of
            one_file = self.builder.memory.whole_briefing.one_file_now(path.removesuffix(name))
        if one_file is None:
            return None
        if name == ONE_FILE:
            return "200 OK", "text/html; charset=utf-8", one_file
        if not self.builder.options.pdf:
            return None
        pdf = self.pdfs.get(path, one_file, self.builder.memory.whole_briefing.pdf_for)
        if isinstance(pdf, bytes):
            return "200 OK", "application/pdf", pdf
        message = pdf or _("The PDF of the whole briefing is being made from the current text; it takes up to a "
                           "minute, and this page shows it once it is ready.")
        refresh = "" if pdf else '<meta http-equiv="refresh" content="2">'  # asks again until the PDF is ready
        page = PDF_WAIT_PAGE.format(language=current_language(), refresh=refresh, message=html.escape(message))
        return ("500 Internal Server Error" if pdf else "202 Accepted"), "text/html; charset=utf-8", page.encode()


PDF_WAIT_PAGE = ('<!doctype html><html lang="{language}"><meta charset="utf-8">'
                 '<meta name="viewport" content="width=device-width, initial-scale=1">'
                 '{refresh}<title>PDF</title><p style="font:16px/1.5 system-ui;max-width:36rem;margin:2rem auto;'
                 'white-space:pre-wrap">{message}</p>')


class PdfPreview:
    """The dev server's PDF of each edition: made when it is asked for, in a worker process, never on a save.

    A request while it is being made gets a page that asks again every two seconds; a
    request after the text changed starts a new one. A PDF the last `build` made from the
    same text (in .cache/) is served at once.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._made: dict[str, tuple[str, bytes | str]] = {}  # PDF path -> (digest of its HTML, the PDF or an error)
        self._making: dict[str, str] = {}  # PDF path -> digest of the HTML being made into it

    def get(self, path: str, one_file: bytes, made_before) -> bytes | str | None:
        """Return the PDF of this one-file HTML, the error that stopped it, or None while it is being made."""
        key = hashlib.sha256(one_file).hexdigest()
        with self._lock:
            made = self._made.get(path)
            if made is not None and made[0] == key:
                return made[1]
            found = made_before(one_file)
            if found is not None:
                self._made[path] = (key, found)
                return found
            if self._making.get(path) != key:
                self._making[path] = key
                threading.Thread(target=self._make, args=(path, key, one_file.decode("utf-8")), daemon=True).start()
        return None

    def _make(self, path: str, key: str, one_file: str) -> None:
        workers = FreshWorkers(1)
        workers.give(make_pdf, None, [one_file])
        try:
            made: bytes | str = workers.results()[0]
        except Exception:  # noqa: BLE001 - in this thread it would vanish: shown in the page instead
            made = traceback.format_exc()
            print(made, file=sys.stderr)
        with self._lock:
            if self._making.get(path) == key:
                del self._making[path]
            self._made[path] = (key, made)


class EventWatcher(Watcher):
    """A livereload watcher driven by filesystem events instead of polling."""

    def __init__(self, dev_site: DevSite, folders: list[Path]):
        super().__init__()
        self.dev_site = dev_site
        self.watched = folders
        self.folders = [f for f in folders if f.is_dir()]
        self.loop: IOLoop | None = None
        self._ready = threading.Event()

    def watch_in_background(self) -> None:
        """Start watching, and return once the watcher is ready, before the server answers."""
        threading.Thread(target=self._watch, daemon=True).start()
        self._ready.wait(timeout=5)

    def start(self, callback) -> bool:
        """Remember livereload's loop; return True so livereload starts no polling loop."""
        self.loop = IOLoop.current()
        return True

    def _watch(self) -> None:
        from watchfiles import watch

        while True:
            try:
                self.folders = [f for f in self.watched if f.is_dir()]
                changes = watch(*self.folders, debounce=20, step=10, yield_on_timeout=True, rust_timeout=50)
                for saved in changes:
                    self._ready.set()
                    if not saved:
                        continue
                    if self.dev_site.rebuild({Path(path).resolve() for _change, path in saved}) and self.loop is not None:
                        self.loop.add_callback(LiveReloadHandler.reload_waiters, "*")
            except Exception:  # noqa: BLE001
                # watchfiles gives up when a watched folder is removed or renamed; a watcher
                # that ends leaves the preview stale (issue 20). Say so, and watch again.
                traceback.print_exc()
                time.sleep(1)
                self.dev_site.rebuild(None)


def serve_site(project: Project, output: Path, host: str, port: int, options: BuildOptions) -> int:
    """Build, then serve until interrupted; return the exit code.

    The server holds the output folder's lock as long as it runs: a build into the same
    folder meanwhile would replace the preview's pages (its drafts) behind its back, so
    that build stops and names the server instead (issue 20).
    """
    with output_lock_held(output):
        dev_site = DevSite(project, output.resolve(), options)
        dev_site.first_build()
        watcher = EventWatcher(dev_site, [project.content, project.templates, project.static])
        watcher.watch_in_background()
        server = Server(app=dev_site.respond, watcher=watcher)
        for folder in watcher.folders:
            server.watch(str(folder))
        print(_("Serving on {url} (Ctrl+C to stop)", url=f"http://{host}:{port}/"), file=sys.stderr)
        server.serve(host=host, port=port, debug=False, restart_delay=0)
    return 0
