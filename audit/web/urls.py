"""URL normalisation, site scope, page templates (for WCAG-EM sampling) and linked-document detection."""

from __future__ import annotations

import functools
import ipaddress
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from publicsuffixlist import PublicSuffixList

# Tracking parameters that make one page look like many (utm_* is matched by prefix).
TRACKING_PARAMS = frozenset(
    {
        "spm",
        "scm",
        "gclid",
        "fbclid",
        "msclkid",
        "yclid",
        "_hsenc",
        "_hsmi",
        "mc_cid",
        "mc_eid",
        "from",
        "share_token",
        "isappinstalled",
        "wfr",
        "_t",
        "timestamp",
    }
)
DOCUMENT_EXTENSIONS = frozenset(
    {
        "pdf",
        "doc",
        "docx",
        "xls",
        "xlsx",
        "ppt",
        "pptx",
        "wps",
        "et",
        "dps",
        "odt",
        "ods",
        "odp",
        "rtf",
        "txt",
        "csv",
        "zip",
        "rar",
        "7z",
        "gz",
        "tar",
        "ofd",
        "ceb",
        "caj",
        "xml",
        "json",
        "apk",
        "exe",
        "dmg",
        "jpg",
        "jpeg",
        "png",
        "gif",
        "bmp",
        "webp",
        "svg",
        "mp3",
        "mp4",
        "avi",
        "wmv",
        "flv",
        "mov",
        "swf",
    }
)
DEFAULT_PORTS = {"http": 80, "https": 443}
# A path segment that names one item of a kind: a number, a hash or UUID, a date, a short prefix with a number
# (t20240105_123, p2, art_1234_5678), or a word joined to a number (article-12, content_3).
_VARIABLE_SEGMENT = re.compile(
    r"^(\d+|[0-9a-f]{8,}|[0-9a-f-]{32,36}|.*\d{4,}.*|[a-z]{0,3}\d+[a-z_\d]*|[a-z]+(?:[-_]\d+)+)$", re.IGNORECASE
)


def normalise(url: str, base: str | None = None) -> str | None:
    """Canonical form of an http(s) URL: lower-case host, no default port, no fragment, no tracking
    parameters, sorted query, no trailing slash except the root. None for other schemes."""
    from urllib.parse import urljoin

    full = url.strip()
    if base and not full[:8].lower().startswith(("http://", "https://")):  # an absolute URL ignores its base
        full = urljoin(base, full)
    return _canonical(full)


@functools.lru_cache(maxsize=1 << 16)
def _canonical(full: str) -> str | None:
    """normalise() of an absolute URL, remembered: a portal's pages repeat the same header, menu and footer
    links, and a crawl (a re-audit above all, where pages are not loaded) normalises each of them on every page."""
    parts = urlsplit(full)
    if parts.scheme.lower() not in DEFAULT_PORTS or not parts.hostname:
        return None
    scheme = parts.scheme.lower()
    host = parts.hostname.lower()
    port = parts.port if parts.port and parts.port != DEFAULT_PORTS[scheme] else None
    netloc = f"{host}:{port}" if port else host
    path = re.sub(r"/{2,}", "/", parts.path or "/")
    if len(path) > 1 and path.endswith("/"):
        path = path.rstrip("/") or "/"
    query = urlencode(sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)))
    return urlunsplit((scheme, netloc, path, query, ""))


def _is_tracking(key: str) -> bool:
    key = key.lower()
    return key.startswith("utm_") or key in TRACKING_PARAMS


def origin(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "", "", ""))


@functools.cache
def _public_suffixes() -> PublicSuffixList:
    return PublicSuffixList()  # the list bundled with the package: no download at run time


def registrable_domain(host: str) -> str:
    """The host's registrable domain by the Public Suffix List ('www.hunan.gov.cn' -> 'hunan.gov.cn',
    'a.github.io' -> 'a.github.io'); an IP address, 'localhost' or a bare public suffix is its own site."""
    host = host.lower().rstrip(".")
    try:
        ipaddress.ip_address(host.strip("[]"))
        return host
    except ValueError:
        pass
    return _public_suffixes().privatesuffix(host) or host


def same_site(url: str, other: str) -> bool:
    """Both URLs on one registrable domain (the 'site' of the HTML standard, scheme aside)."""
    host, other_host = urlsplit(url).hostname or "", urlsplit(other).hostname or ""
    return bool(host and other_host) and registrable_domain(host) == registrable_domain(other_host)


def in_scope(url: str, start: str, scope: str = "host") -> bool:
    """'host': the start URL's origin only; 'domain': any subdomain of its registrable domain too."""
    if scope == "domain":
        return same_site(url, start)
    return origin(url) == origin(start)


def is_document(url: str) -> bool:
    """A link to a PDF, office file, archive or media file: listed, never crawled as a page."""
    last = urlsplit(url).path.rsplit("/", 1)[-1]
    return "." in last and last.rsplit(".", 1)[1].lower() in DOCUMENT_EXTENSIONS


def template_of(url: str) -> str:
    """The page's template as a path pattern: '/news/2024/t20240105_123.html?id=9' -> '/news/*/*.html?id=*'."""
    parts = urlsplit(url)
    segments = []
    for segment in parts.path.split("/"):
        stem, dot, ext = segment.rpartition(".") if "." in segment else (segment, "", "")
        if stem and _VARIABLE_SEGMENT.match(stem):
            segments.append("*" + dot + ext)
        else:
            segments.append(segment)
    pattern = "/".join(segments) or "/"
    keys = sorted({k for k, _ in parse_qsl(parts.query, keep_blank_values=True)})
    return pattern + ("?" + "&".join(f"{k}=*" for k in keys) if keys else "")
