"""Render the sample government portal (samples/portal) for one round and serve it on 127.0.0.1."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml
from jinja2 import Environment, FileSystemLoader, select_autoescape

from audit.demo.portal_app import MAX_BODY, ROUND_FILE, Hall, is_hall, reply, request
from audit.demo.serve import LoopbackServer, QuietHandler

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "portal"
ARTICLES = range(1, 7)
SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}">'
    '<rect width="{w}" height="{h}" fill="{fill}"/></svg>'
)
# The smallest well-formed PDF: the crawler must list it as a linked document, not audit it.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def portals(samples: Path = SAMPLES) -> list[dict[str, Any]]:
    return yaml.safe_load((samples / "sites.yaml").read_text(encoding="utf-8"))["portals"]


def render_portal(out: Path, site: dict[str, Any], fixed: Iterable[str], samples: Path = SAMPLES) -> Path:
    """Write every page of one portal, as it stands in a round, into `out`."""
    env = Environment(loader=FileSystemLoader(samples / "templates"), autoescape=select_autoescape(["j2"]))
    fixed = set(fixed)
    base = {"site": site, "fixed": fixed}
    pages = {
        "index.html": ("index.html.j2", {}),
        "news/index.html": ("news/index.html.j2", {}),
        "service/guide.html": ("service/guide.html.j2", {}),
        "about.html": ("about.html.j2", {}),
        "contact.html": ("contact.html.j2", {}),
        "elder/index.html": ("elder.html.j2", {}),
        **{
            f"news/2025/article-{n}.html": ("news/article.html.j2", {"n": n, "page_lang_missing": "lang" not in fixed})
            for n in ARTICLES
        },
    }
    for target, (template, extra) in pages.items():
        _write(out / target, env.get_template(template).render(**base, **extra))
    for name, (w, h, fill) in {
        "logo.svg": (40, 40, "#fdd835"),
        "banner.svg": (600, 160, "#ef9a9a"),
        "photo.svg": (320, 180, "#90a4ae"),
    }.items():
        _write(out / "static" / name, SVG.format(w=w, h=h, fill=fill))
    _write(out / "wza" / "aria.js", (samples / "static" / "wza" / "aria.js").read_text(encoding="utf-8"))
    (out / "files").mkdir(parents=True, exist_ok=True)
    (out / "files" / "2025-report.pdf").write_bytes(PDF)
    _write(out / "robots.txt", "User-agent: *\nDisallow: /service/submit\nSitemap: /sitemap.xml\n")
    _write(out / "sitemap.xml", _sitemap(pages))
    # The service hall renders its pages per request, as this round's portal (never served: a dot file).
    state = {"site": site, "fixed": sorted(fixed), "templates": str(samples / "templates")}
    _write(out / ROUND_FILE, json.dumps(state, ensure_ascii=False))
    return out


def _sitemap(pages: dict[str, Any]) -> str:
    # Relative locations are resolved by the server wrapper below, which knows its own port.
    urls = "".join(f"<url><loc>{{base}}{p.removesuffix('index.html')}</loc></url>" for p in pages)
    return f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


class _Handler(QuietHandler):
    """Static files, with the sitemap's and robots.txt's `{base}` filled with this server's origin, and the
    service hall's pages (/hall/...), rendered per request with the visitor's session."""

    def do_GET(self) -> None:
        if self._hall("GET"):
            return
        if self.path in ("/sitemap.xml", "/robots.txt"):
            host, port = self.server.server_address[:2]
            body = Path(self.directory, self.path.lstrip("/")).read_text(encoding="utf-8")
            body = body.replace("{base}", f"http://{host}:{port}/").replace(
                "Sitemap: /", f"Sitemap: http://{host}:{port}/"
            )
            data = body.encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/xml" if self.path.endswith("xml") else "text/plain")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return
        super().do_GET()

    def do_HEAD(self) -> None:
        if not self._hall("HEAD"):
            super().do_HEAD()

    def do_POST(self) -> None:
        if not self._hall("POST"):
            self.send_error(405)

    def send_head(self):
        if "/." in self.path.split("?")[0]:  # the round's state file and any other dot file
            self.send_error(404)
            return None
        return super().send_head()

    def _hall(self, method: str) -> bool:
        """Answer a request of the service hall; False when the path is not the hall's."""
        if not is_hall(self.path.split("?")[0]):
            return False
        length = (
            int(self.headers.get("Content-Length") or 0)
            if (self.headers.get("Content-Length") or "0").isdigit()
            else -1
        )
        if length > MAX_BODY or length < 0:
            self.send_error(413)
            return True
        body = self.rfile.read(length) if length > 0 else b""
        answer = reply(
            self.server.hall, Path(self.directory), request(method, self.path, self.headers.get("Cookie", ""), body)
        )
        data = answer.body.encode("utf-8")
        self.send_response(answer.status)
        for name, value in answer.headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if method != "HEAD":
            self.wfile.write(data)
        return True


def portal_server(root: Path) -> LoopbackServer:
    """One sample portal on 127.0.0.1 with a free port, its sitemap naming that origin, its hall's sessions kept
    for the server's life (both rounds of the demo)."""
    server = LoopbackServer(root, _Handler)
    server.httpd.hall = Hall()
    return server
