"""The link-rot watch: is every source's address still where the registry says? (issue 31)

Input: the registry (content/sources.yaml), validated. Output: one `LinkCheck` per
address (`url:` and `archive_url:`), in the registry's order: ok, moved (a warning with
the new address), could not verify (a notice) or dead (an error with the hint to add an
`archive_url:`) — or None when the machine is offline. It never changes a file.

How it asks: four sites at a time, one request at a time per site with a pause between
two (`wait`), HEAD first and GET when HEAD is answered with an error (some servers answer
HEAD wrongly), redirects followed by hand so that each hop is seen, a timeout, and one
retry after a pause when the connection failed or the server erred. It connects directly,
ignoring proxy settings: a name that does not resolve is what tells a dead domain.

What counts as dead is only what says the page or the domain is gone: HTTP 404 or 410,
or a name that does not exist. A site refusing robots (401, 403, 429), a paywall, a
login or consent page, a timeout, a refused connection and a server error even after
the retry (5xx: often a robot filter, or a bad hour) are "could not verify": an editor
opens the address in a browser. A dead `url:` whose `archive_url:` answers is a warning:
readers still have the copy.
"""

from __future__ import annotations

import datetime as dt
import errno
import http.client
import socket
import ssl
import string
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from http.cookiejar import CookieJar
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

from ..checking.sources import validate_registry
from ..checking.validate import validate_config
from ..errors import BuildFailed, SiteError
from ..messages import N_, _
from ..reading.content import load_content
from ..reading.project import Project
from ..reading.yaml_lines import LineDict, LineList

JOBS = 4  # sites asked at the same time
RESOLVERS = 16  # names looked up at the same time, to tell whether we are offline
MAX_REDIRECTS = 10
REDIRECT_CODES = (301, 302, 303, 307, 308)
DEAD_CODES = (404, 410)
# Words in the address a redirect ends at that say the page is behind a login, a paywall or a consent form.
GATE_WORDS = ("login", "signin", "sign-in", "subscribe", "subscription", "paywall", "consent", "captcha", "challenge")
# getaddrinfo's answers that mean "no such name" rather than "the resolver failed this time".
NO_SUCH_NAME = {socket.EAI_NONAME, getattr(socket, "EAI_NODATA", socket.EAI_NONAME)}

STATUSES = ("ok", "moved", "unverified", "dead")
STATUS_WORDS = {"ok": N_("ok"), "moved": N_("moved"), "unverified": N_("could not verify"), "dead": N_("dead")}
DEAD_HINT = N_("find an archived copy (web.archive.org, archive.today) and add its address to this source as "
               "'archive_url:', or replace the source; EDITING.md says how")
MOVED_HINT = N_("open the new address; if it is the same page, write it as 'url:' and set 'accessed:' to today")
UNVERIFIED_HINT = N_("open the address in a browser: if the page is there, there is nothing to change")


@dataclass(frozen=True)
class LinkTarget:
    """One address of one source: its `url:` or its `archive_url:`, at its line in the registry."""

    source: str
    field: str  # "url" or "archive_url"
    url: str
    path: str
    line: int


@dataclass(frozen=True)
class Answer:
    """What the server said last, after following redirects."""

    code: int
    final_url: str
    gave_up: bool = False  # too many redirects, or one to an address that is not a web page


@dataclass(frozen=True)
class Failure:
    """Why no HTTP answer came: 'dns', 'no-such-name', 'timeout', 'refused', 'tls' or 'connection'."""

    kind: str
    text: str


@dataclass(frozen=True)
class LinkCheck:
    """How one address fared: its status, the address it ended at, and what to say about it."""

    target: LinkTarget
    status: str  # one of STATUSES
    severity: str | None  # "error", "warning", "notice", or None when all is well
    detail: str
    code: int | None = None
    final_url: str | None = None
    hint: str | None = None

    @property
    def message(self) -> str:
        """Return 'dead: cityam-2022-04-21: HTTP 404 at https://...'."""
        source = self.target.source if self.target.field == "url" else f"{self.target.source} ({self.target.field})"
        return _("{status}: {source}: {detail}", status=_(STATUS_WORDS[self.status]), source=source, detail=self.detail)


def load_link_targets(project: Project) -> tuple[list[LinkTarget], str]:
    """Return every address in the registry, each at its line, and the site's base URL.

    Raise BuildFailed when the registry (or site.yaml, which names the languages) has errors.
    """
    raw = load_content(project)
    errors: list[SiteError] = []
    config = validate_config(raw.config, errors)
    languages = (config.language, *(edition.language for edition in raw.translations))
    registry = validate_registry(raw.sources, languages, dt.date.today(), errors, raw.sources_unreadable)
    errors += [error for error in raw.errors if error.path == registry.path]
    if errors:
        raise BuildFailed(errors)
    lines: dict[tuple[str, str], int] = {}
    if raw.sources is not None and isinstance(raw.sources.value, LineList):
        for item in raw.sources.value:
            if isinstance(item, LineDict):
                lines.update({(str(item.get("id")), key): item.key_lines[key] for key in ("url", "archive_url") if key in item})
    targets = []
    for entry in registry:
        for field, url in (("url", entry.url), ("archive_url", entry.archive_url)):
            if url:
                targets.append(LinkTarget(entry.id, field, url, registry.path, lines.get((entry.id, field), entry.line)))
    return targets, config.base_url


def check_links(targets: list[LinkTarget], timeout: float, wait: float, user_agent: str,
                jobs: int = JOBS) -> list[LinkCheck] | None:
    """Check every address, a site at a time per worker; return the checks in the targets' order, or None when offline."""
    by_host: dict[str, list[LinkTarget]] = {}
    for target in targets:
        by_host.setdefault(host_key(target.url), []).append(target)
    # Offline, every lookup fails, some only after the resolver's timeout: all at once, that is one wait, not twenty.
    with ThreadPoolExecutor(max_workers=RESOLVERS, thread_name_prefix="check-links-dns") as pool:
        if targets and not any(pool.map(resolves, [group[0].url for group in by_host.values()])):
            return None
    ask = Asker(timeout, wait, user_agent)
    with ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="check-links") as pool:
        checked = [check for group in pool.map(lambda group: [*ask.each(group)], by_host.values()) for check in group]
    by_target = {check.target: check for check in checked}
    return settle_archived([by_target[target] for target in targets])


def host_key(url: str) -> str:
    """Return the site an address belongs to, for politeness: its host and port."""
    return urlsplit(url).netloc.rpartition("@")[2].lower()


def resolves(url: str) -> bool:
    """Say whether the address's host name resolves (an IP address always does)."""
    try:
        socket.getaddrinfo(urlsplit(url).hostname, None, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        return False
    return True


class NoRedirects(urllib.request.HTTPRedirectHandler):
    """Hand every redirect back as an answer: `Asker.follow` follows them, keeping HEAD a HEAD."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        """Return no new request: the redirect comes back as an HTTPError with its Location."""
        return None


class Asker:
    """Ask the servers, politely: one request at a time per site, a pause between two, one retry."""

    def __init__(self, timeout: float, wait: float, user_agent: str):
        self.timeout, self.wait, self.user_agent = timeout, wait, user_agent

    def each(self, group: list[LinkTarget]):
        """Yield the check of each address of one site, pausing between two."""
        for number, target in enumerate(group):
            if number:
                time.sleep(self.wait)
            yield self.check(target)

    def check(self, target: LinkTarget) -> LinkCheck:
        """Check one address, once more after a pause if the connection failed or the server erred."""
        outcome = self.attempt(target.url)
        failed = outcome.kind != "no-such-name" if isinstance(outcome, Failure) else outcome.code >= 500
        if failed:
            time.sleep(self.wait)
            outcome = self.attempt(target.url)
        return classify(target, outcome, self.timeout)

    def attempt(self, url: str) -> Answer | Failure:
        """Ask with HEAD, then with GET if HEAD was answered with an error other than 'slow down'."""
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), NoRedirects(),
                                             urllib.request.HTTPCookieProcessor(CookieJar()))
        try:
            answer = self.follow(opener, url, "HEAD")
            if answer.code >= 400 and answer.code != 429:
                answer = self.follow(opener, url, "GET")
        except (OSError, http.client.HTTPException, UnicodeError) as error:  # URLError and timeouts are OSErrors
            return describe_failure(error)
        return answer

    def follow(self, opener: urllib.request.OpenerDirector, url: str, method: str) -> Answer:
        """Ask for the address and follow its redirects, up to MAX_REDIRECTS."""
        current = url
        for _hop in range(MAX_REDIRECTS + 1):
            code, location = self.ask(opener, current, method)
            if code not in REDIRECT_CODES or not location:
                return Answer(code, current)
            # http.client reads headers as Latin-1: escaped back into the bytes the server sent, as urllib does.
            current = urljoin(current, quote(location, safe=string.punctuation, encoding="iso-8859-1"))
            if urlsplit(current).scheme not in ("http", "https"):
                return Answer(code, current, gave_up=True)
        return Answer(code, current, gave_up=True)

    def ask(self, opener: urllib.request.OpenerDirector, url: str, method: str) -> tuple[int, str | None]:
        """Send one request; return the status and the Location header. The body is never read."""
        # Only http(s) addresses get here: the registry's WEB_URL and `follow` refuse any other scheme (S310).
        request = urllib.request.Request(request_address(url), method=method, headers={  # noqa: S310
            "User-Agent": self.user_agent,
            "Accept": "text/html,application/xhtml+xml,application/pdf;q=0.9,*/*;q=0.8",
            "Accept-Language": "en,ru;q=0.8",
        })
        try:
            with opener.open(request, timeout=self.timeout) as response:
                return response.status, response.headers.get("Location")
        except urllib.error.HTTPError as error:
            with error:
                return error.code, error.headers.get("Location")


def request_address(url: str) -> str:
    """Return the address as a request can carry it: a host in IDNA (пример.рф), the rest %-escaped as UTF-8."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if not netloc.isascii():  # UnicodeError for a name IDNA refuses: the check says the connection failed
        netloc = parts.hostname.encode("idna").decode("ascii") + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc, path=quote(parts.path, safe=string.punctuation),
                                     query=quote(parts.query, safe=string.punctuation), fragment=""))


def describe_failure(error: BaseException) -> Failure:
    """Sort a failed connection: no such name, a resolver failure, a timeout, refused, TLS, or other."""
    reason = error.reason if isinstance(error, urllib.error.URLError) and isinstance(error.reason, BaseException) else error
    if isinstance(reason, socket.gaierror):
        return Failure("no-such-name" if reason.errno in NO_SUCH_NAME else "dns", str(reason.strerror or reason))
    if isinstance(reason, TimeoutError):
        return Failure("timeout", str(reason))
    if isinstance(reason, ConnectionRefusedError):
        return Failure("refused", str(reason.strerror or reason))
    if isinstance(reason, ssl.SSLError):
        return Failure("tls", str(getattr(reason, "verify_message", None) or reason.reason or reason))
    if isinstance(reason, OSError) and reason.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH):
        return Failure("unreachable", str(reason.strerror or reason))
    return Failure("connection", str(reason) or type(reason).__name__)


def classify(target: LinkTarget, outcome: Answer | Failure, timeout: float) -> LinkCheck:
    """Return the check of an address from what its server said, or why it said nothing."""
    host = urlsplit(target.url).hostname or target.url
    if isinstance(outcome, Failure):
        return classify_failure(target, outcome, host, timeout)
    code, final = outcome.code, outcome.final_url
    if outcome.gave_up:
        return LinkCheck(target, "unverified", "notice", _("the redirects never arrive at a page (the last led to {url})", url=final),
                         code, final, _(UNVERIFIED_HINT))
    if code in DEAD_CODES:
        return LinkCheck(target, "dead", "error", _("HTTP {code} at {url}", code=code, url=final), code, final, _(DEAD_HINT))
    if code >= 400:
        return LinkCheck(target, "unverified", "notice", _(refusal(code), code=code, url=final), code, final, _(UNVERIFIED_HINT))
    if code >= 300:
        return LinkCheck(target, "unverified", "notice", _("HTTP {code} at {url}: an answer that is not a page", code=code, url=final),
                         code, final, _(UNVERIFIED_HINT))
    if same_address(final, target.url):
        return LinkCheck(target, "ok", None, _("HTTP {code}, {url}", code=code, url=final), code, final)
    if any(word in f"{urlsplit(final).hostname}{urlsplit(final).path}".lower() for word in GATE_WORDS):
        return LinkCheck(target, "unverified", "notice",
                         _("it sends readers to a login, subscription or consent page: {url}", url=final), code, final,
                         _(UNVERIFIED_HINT))
    if urlsplit(final).path in ("", "/") and urlsplit(target.url).path not in ("", "/"):
        return LinkCheck(target, "moved", "warning",
                         _("{url} now leads to the site's front page, {final}: the page may be gone", url=target.url, final=final),
                         code, final, _(DEAD_HINT))
    return LinkCheck(target, "moved", "warning", _("{url} now leads to {final}", url=target.url, final=final), code, final,
                     _(MOVED_HINT))


def refusal(code: int) -> str:
    """Return the message for an HTTP error that does not prove the page gone."""
    if code in (401, 403):
        return N_("HTTP {code} at {url}: the site refuses automated requests")
    if code == 402:
        return N_("HTTP {code} at {url}: behind a paywall")
    if code == 429:
        return N_("HTTP {code} at {url}: the site asks us to slow down")
    if code >= 500:
        return N_("HTTP {code} at {url}, twice: the server failed")
    return N_("HTTP {code} at {url}")


def classify_failure(target: LinkTarget, failure: Failure, host: str, timeout: float) -> LinkCheck:
    """Return the check of an address whose server gave no HTTP answer."""
    if failure.kind == "no-such-name":
        return LinkCheck(target, "dead", "error", _("the name {host} does not exist", host=host), hint=_(DEAD_HINT))
    detail = {
        "dns": lambda: _("the name {host} could not be looked up, twice: {error}", host=host, error=failure.text),
        "timeout": lambda: _("no answer within {seconds} s, twice", seconds=f"{timeout:g}"),
        "refused": lambda: _("{host} refused the connection, twice", host=host),
        "tls": lambda: _("the secure connection to {host} failed: {error}", host=host, error=failure.text),
        "unreachable": lambda: _("the network cannot reach {host}: {error}", host=host, error=failure.text),
        "connection": lambda: _("the connection to {host} failed, twice: {error}", host=host, error=failure.text),
    }[failure.kind]()
    return LinkCheck(target, "unverified", "notice", detail, hint=_(UNVERIFIED_HINT))


def same_address(final: str, original: str) -> bool:
    """Say whether two addresses are the same page: the fragment never reaches the server."""
    def bare(url: str) -> str:
        return urlunsplit(urlsplit(url)._replace(fragment=""))

    return bare(final) == bare(original)


def settle_archived(checks: list[LinkCheck]) -> list[LinkCheck]:
    """Make a dead `url:` a warning when the same source's `archive_url:` answered: readers still have the copy."""
    answering = {check.target.source: check.target.url for check in checks
                 if check.target.field == "archive_url" and check.status in ("ok", "moved")}
    return [replace(check, severity="warning",
                    hint=_("readers still have the archived copy, {url}; replace 'url:' when you find where the page went",
                           url=answering[check.target.source]))
            if check.status == "dead" and check.target.field == "url" and check.target.source in answering else check
            for check in checks]


def user_agent(base_url: str) -> str:
    """Return the User-Agent: who asks and why, with the site's address when it has a full one."""
    about = f"+{base_url}" if base_url.startswith(("http://", "https://")) else "checks that a briefing's sources are online"
    return f"Mozilla/5.0 (compatible; sitegen-check-links/1.0; {about})"
