"""Probes of a flow's audited states: errors tied to their fields, errors announced, entered values kept after a
failed submission (WCAG 3.3.1, 3.3.3, 4.1.3), and an open dialog's focus (moved in, kept inside, returned)."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from audit.model.vocab import Outcome
from audit.web.builtins import PageFacts, ProbeResult, say
from audit.web.login import Filled

# What the page shows right after the step, read before anything else moves the focus: the fields, the error texts
# (elements the page marks as errors, or error wording in red or in a live region, or a text an invalid field
# points at), how each is tied to a field, the live regions, where the focus is, an open dialog, and the state of
# the fields the flow filled. Markup in evidence never carries a value attribute (it may hold what was typed).
_SNAPSHOT = """([selectors, words, marks]) => {
  const wordy = words.map(w => new RegExp(w, 'i'));
  const marked = new RegExp(marks, 'i');
  const shown = e => { if (!e || !e.isConnected || !e.getClientRects().length) return false;
    const s = getComputedStyle(e); return s.visibility !== 'hidden' && s.display !== 'none'; };
  const text = e => (e.innerText || e.textContent || '').replace(/\\s+/g, ' ').trim();
  const bare = e => { const c = e.cloneNode(false); c.removeAttribute('value'); return c.outerHTML.slice(0, 300); };
  const markup = e => { const c = e.cloneNode(true);
    c.querySelectorAll('[value]').forEach(n => n.removeAttribute('value')); c.removeAttribute('value');
    return c.outerHTML.slice(0, 300); };
  const sel = e => e.id ? '#' + CSS.escape(e.id) : e.getAttribute('name')
    ? e.tagName.toLowerCase() + '[name="' + e.getAttribute('name').replace(/"/g, '') + '"]' : e.tagName.toLowerCase();
  const FIELDS = 'input:not([type=hidden]):not([type=submit]):not([type=button]):not([type=image]):not([type=reset]),'
    + ' select, textarea';
  const fields = Array.from(document.querySelectorAll(FIELDS)).filter(shown);
  const refs = f => ['aria-describedby', 'aria-errormessage'].flatMap(a => (f.getAttribute(a) || '').split(/\\s+/))
    .filter(Boolean).map(id => document.getElementById(id)).filter(e => e && shown(e) && text(e));
  const invalid = fields.filter(f => f.getAttribute('aria-invalid') === 'true');
  const LIVE = '[role=alert], [role=status], [aria-live]:not([aria-live=off]), output';
  const red = e => { const m = /rgba?\\((\\d+), (\\d+), (\\d+)/.exec(getComputedStyle(e).color);
    return !!m && +m[1] > 150 && +m[2] < 110 && +m[3] < 110; };
  const referenced = new Set(invalid.flatMap(refs));
  const found = [];
  for (const e of document.body ? document.body.querySelectorAll('*') : []) {
    if (['SCRIPT', 'STYLE', 'NOSCRIPT', 'OPTION', 'TITLE'].includes(e.tagName) || e.matches(FIELDS)) continue;
    const t = text(e);
    if (!t || t.length > 200 || !shown(e) || e.querySelector(FIELDS)) continue;
    const cls = (typeof e.className === 'string' ? e.className : '') + ' ' + e.id;
    const worded = wordy.some(w => w.test(t));
    if (referenced.has(e) || marked.test(cls) && !e.matches('form, fieldset') || worded && (red(e) || e.closest(LIVE)))
      found.push(e);
  }
  const errors = found.filter(e => !found.some(o => o !== e && e.contains(o)));
  const fieldOf = a => { const id = (a.getAttribute('href') || '').slice(1);
    const target = id && document.getElementById(decodeURIComponent(id)); return target && target.matches(FIELDS); };
  // an error summary: a box (no field inside) of links to the fields in error; its texts are not the fields' own
  const inSummary = e => { for (let n = e, up = 0; n && n !== document.body && up < 5; n = n.parentElement, up++) {
      if (n.matches('form') || n.querySelector(FIELDS)) return false;
      if (n.matches('a[href^="#"]') && fieldOf(n) || Array.from(n.querySelectorAll('a[href^="#"]')).some(fieldOf))
        return true; }
    return false; };
  const tiedTo = e => fields.find(f => f.getAttribute('aria-invalid') === 'true'
      && refs(f).some(r => r === e || r.contains(e) || e.contains(r)))
    || fields.find(f => Array.from(f.labels || []).some(l => l.contains(e)));
  const items = errors.map(e => { const f = tiedTo(e);
    return {selector: sel(e), html: markup(e), text: text(e).slice(0, 120), summary: inSummary(e),
      field: f ? sel(f) : null,
      by: f ? (f.getAttribute('aria-invalid') === 'true' && refs(f).some(r => r === e || r.contains(e) || e.contains(r))
        ? 'aria' : 'label') : null}; });
  const loose = invalid.filter(f => !refs(f).length && !Array.from(f.labels || []).some(l => errors.some(e => l.contains(e))))
    .map(f => ({selector: sel(f), html: bare(f)}));
  const lives = Array.from(document.querySelectorAll(LIVE)).filter(shown);
  const announcedBy = lives.find(l => errors.some(e => l.contains(e) || e.contains(l)) ||
    errors.some(e => text(l).includes(text(e).slice(0, 40))));
  const active = document.activeElement;
  const focusOn = active && active !== document.body && active !== document.documentElement ? active : null;
  const focusedError = focusOn && (invalid.includes(focusOn) || errors.some(e => focusOn.contains(e) || e.contains(focusOn))
    || fields.includes(focusOn) && errors.some(e => tiedTo(e) === focusOn));
  const DIALOG = 'dialog[open], [role=dialog], [role=alertdialog], [aria-modal=true]';
  const dialog = Array.from(document.querySelectorAll(DIALOG)).find(shown) || null;
  window.__a11yAuditDialog = dialog;
  const filled = selectors.map(s => { let e = null; try { e = document.querySelector(s); } catch (x) { /* bad */ }
    if (!e) return {selector: s, present: false};
    const option = e.tagName === 'SELECT' && e.selectedIndex >= 0 ? e.options[e.selectedIndex] : null;
    return {selector: s, present: true, type: (e.getAttribute('type') || e.tagName).toLowerCase(), value: e.value,
      checked: !!e.checked, label: option ? option.label : null, html: bare(e)}; });
  return {errors: items, loose, fields: fields.length,
    live: announcedBy ? {selector: sel(announcedBy), html: markup(announcedBy)} : null,
    focus: focusOn ? {selector: sel(focusOn), html: bare(focusOn), error: !!focusedError,
      in_dialog: !!(dialog && dialog.contains(focusOn))} : null,
    dialog: dialog ? {selector: sel(dialog), html: bare(dialog)} : null, filled};
}"""


@dataclass
class StateFacts(PageFacts):
    """A flow state's facts: the snapshot read right after its step, what the flow filled, alert() texts seen."""

    flow: str = ""
    state: str = ""
    filled: Filled = field(default_factory=Filled)
    snapshot: Mapping[str, Any] = field(default_factory=dict, repr=False)  # holds field values: memory only
    alerts: int = 0


async def take_snapshot(tab: Any, options: Mapping[str, Any], filled: Filled) -> dict:
    """The state as the step left it (before axe or a probe moves the focus)."""
    words = list(options.get("error_words", []))
    marks = options.get("error_marks", "(^|[\\s_-])(error|err|invalid|wrong)([\\s_-]|$)")
    return await tab.evaluate(_SNAPSHOT, [list(filled.values), words, marks])


def _shows_errors(facts: StateFacts) -> bool:
    return bool(facts.snapshot.get("errors") or facts.snapshot.get("loose") or facts.alerts)


def _evidence(item: Mapping[str, Any], url: str, key: str, **values: Any) -> dict:
    return {"selector": item.get("selector"), "html": item.get("html", ""), "url": url, "message": say(key, **values)}


async def error_association(tab: Any, options: Mapping[str, Any], facts: StateFacts) -> ProbeResult:
    """Each error shown is tied to its field: aria-invalid plus aria-describedby/aria-errormessage pointing at the
    visible text, or the text inside the field's label (WCAG 3.3.1, 3.3.3; failure F81-like: red text only)."""
    if not _shows_errors(facts):
        return ProbeResult(Outcome.NA, note=say("web.probe.errors.none"))
    snap = facts.snapshot
    own = [e for e in snap.get("errors", []) if not e["summary"]]
    evidence = [_evidence(e, facts.url, "web.probe.errors.untied", text=e["text"]) for e in own if not e["field"]]
    evidence += [_evidence(f, facts.url, "web.probe.errors.invalid-unexplained") for f in snap.get("loose", [])]
    if not own and not snap.get("loose"):  # only a summary or an alert(): no field is marked as the one in error
        key = (
            "web.probe.errors.alert-only"
            if facts.alerts and not snap.get("errors")
            else "web.probe.errors.summary-only"
        )
        evidence.append({"url": facts.url, "message": say(key)})
    passed = sum(1 for e in own if e["field"])
    failed = len(evidence)
    measured = f"{passed}/{passed + failed}"
    if failed:
        return ProbeResult(Outcome.FAIL, passed, failed, tuple(evidence[:10]), measured=measured)
    shown = [_evidence(e, facts.url, f"web.probe.errors.tied-{e['by']}", field=e["field"]) for e in own][:5]
    return ProbeResult(Outcome.PASS, passed, 0, tuple(shown), measured=measured)


async def error_announced(tab: Any, options: Mapping[str, Any], facts: StateFacts) -> ProbeResult:
    """The error is announced: a live region holds its text, or the focus went to an error summary or the first
    invalid field (WCAG 4.1.3); focus left on the submit button with a silent message fails."""
    if not _shows_errors(facts):
        return ProbeResult(Outcome.NA, note=say("web.probe.errors.none"))
    snap = facts.snapshot
    focus = snap.get("focus")
    if snap.get("live"):
        return ProbeResult(
            Outcome.PASS, 1, 0, (_evidence(snap["live"], facts.url, "web.probe.announce.live"),), measured="live region"
        )
    if focus and focus.get("error"):
        return ProbeResult(
            Outcome.PASS, 1, 0, (_evidence(focus, facts.url, "web.probe.announce.focus"),), measured="focus"
        )
    if facts.alerts and not snap.get("errors"):
        return ProbeResult(Outcome.PASS, 1, 0, ({"url": facts.url, "message": say("web.probe.announce.alert")},))
    where = focus["selector"] if focus else "body"
    evidence = _evidence(focus or {}, facts.url, "web.probe.announce.silent", focus=where)
    return ProbeResult(Outcome.FAIL, 0, 1, (evidence,), measured=f"focus: {where}", required="live region / focus")


def _kept(item: Mapping[str, Any], action: str, value: str) -> bool:
    if action == "check":
        return bool(item["checked"])
    if action == "select":
        return value in (item["value"], item["label"])
    return item["value"] == value


async def values_kept(tab: Any, options: Mapping[str, Any], facts: StateFacts) -> ProbeResult:
    """After a failed submission the fields the flow filled still hold what was entered (WCAG 3.3.1 / 3.3.3
    advice; a form cleared on error makes people type everything again). Compared in memory; no value is kept."""
    if not _shows_errors(facts):
        return ProbeResult(Outcome.NA, note=say("web.probe.errors.none"))
    skipped = set(options.get("skip_types", ["password"]))
    passed, evidence = 0, []
    for item in facts.snapshot.get("filled", []):
        if not item["present"] or item["type"] in skipped:
            continue  # not on this page, or a password (cleared on purpose by many sites)
        action, value = facts.filled.values[item["selector"]]
        if not value and action != "check":
            continue  # nothing was entered there: nothing to keep
        if _kept(item, action, value):
            passed += 1
        else:
            evidence.append(_evidence(item, facts.url, "web.probe.kept.lost"))
    if passed + len(evidence) == 0:
        return ProbeResult(Outcome.NA, note=say("web.probe.kept.none"))
    measured = f"{passed}/{passed + len(evidence)} kept"
    outcome = Outcome.FAIL if evidence else Outcome.PASS
    return ProbeResult(outcome, passed, len(evidence), tuple(evidence[:10]), measured=measured)


_FOCUS_DIALOG = """() => { const d = window.__a11yAuditDialog; if (!d || !d.isConnected) return 0;
  const all = Array.from(d.querySelectorAll('a[href], button, input, select, textarea, [tabindex]'))
    .filter(e => !e.disabled && e.tabIndex >= 0 && e.getClientRects().length);
  if (all.length) all[0].focus(); return all.length; }"""
_WHERE = """(opener) => { const d = window.__a11yAuditDialog; const a = document.activeElement;
  const s = d && d.isConnected ? getComputedStyle(d) : null;
  const open = !!(d && d.isConnected && d.getClientRects().length && s.visibility !== 'hidden' && s.display !== 'none'
    && !(d.tagName === 'DIALOG' && !d.open));
  const none = !a || a === document.body || a === document.documentElement;
  let back = false; try { back = !none && !!opener && !!a.closest(opener); } catch (x) { back = false; }
  return {open, inside: !!(d && !none && d.contains(a)), back,
    focus: none ? 'body' : (a.id ? '#' + a.id : a.tagName.toLowerCase()), html: none ? '' : a.cloneNode(false).outerHTML.slice(0, 200)}; }"""
_CLOSE = """(names) => { const d = window.__a11yAuditDialog; if (!d) return false;
  const re = new RegExp(names, 'i');
  const b = Array.from(d.querySelectorAll('button, [role=button], a, input[type=button]')).find(e =>
    re.test([e.textContent, e.getAttribute('aria-label'), e.getAttribute('title'), e.value].filter(Boolean).join(' ')));
  if (!b) return false; b.click(); return true; }"""


async def dialog_focus(tab: Any, options: Mapping[str, Any], facts: StateFacts) -> ProbeResult:
    """An open dialog: the focus moved into it, Tab and Shift+Tab keep it inside, Escape (or its close button)
    closes it, and the focus returns to what opened it. Runs last: it closes the dialog."""
    dialog = facts.snapshot.get("dialog")
    if not dialog:
        return ProbeResult(Outcome.NA, note=say("web.probe.dialog.none"))
    seconds, pause = float(options.get("timeout_s", 5)), float(options.get("settle_s", 0.3))
    failures = []
    focus = facts.snapshot.get("focus")
    if not (focus and focus.get("in_dialog")):
        failures.append(say("web.probe.dialog.not-moved", focus=focus["selector"] if focus else "body"))
    stops = await tab.evaluate(_FOCUS_DIALOG)
    escaped = None
    for key in ("Tab", "Shift+Tab"):
        for press in range(1, min(int(stops), int(options.get("max_presses", 20))) + 2):
            await tab.press(None, key, seconds)
            where = await tab.evaluate(_WHERE, None)
            if not where["inside"]:
                escaped = escaped or say("web.probe.dialog.escaped", pressed=key, presses=press, focus=where["focus"])
                break
    if stops == 0:
        failures.append(say("web.probe.dialog.no-stops"))
    elif escaped:
        failures.append(escaped)
    await tab.press(None, "Escape", seconds)
    await asyncio.sleep(pause)
    where = await tab.evaluate(_WHERE, facts.filled.opener)
    closed_by = "Escape"
    if where["open"] and await tab.evaluate(_CLOSE, options.get("close_names", "关闭|close|取消|cancel|×|✕")):
        await asyncio.sleep(pause)
        where, closed_by = await tab.evaluate(_WHERE, facts.filled.opener), "button"
    if where["open"]:
        failures.append(say("web.probe.dialog.not-closed"))
    elif not where["back"]:
        failures.append(say("web.probe.dialog.not-returned", focus=where["focus"], opener=facts.filled.opener or "?"))
    evidence = tuple(
        {"selector": dialog["selector"], "html": dialog["html"], "url": facts.url, "message": m} for m in failures
    )
    measured = {"closed_by": None if where["open"] else closed_by, "focus_after": where["focus"]}
    if failures:
        return ProbeResult(Outcome.FAIL, 4 - len(failures), len(failures), evidence, measured=measured)
    message = say("web.probe.dialog.ok", closed_by=closed_by)
    ok = ({"selector": dialog["selector"], "html": dialog["html"], "url": facts.url, "message": message},)
    return ProbeResult(Outcome.PASS, 4, 0, ok, measured=measured)


# Probes of a flow's audited states only (never run on a crawled page: they give no finding there).
STATE_PROBES = {
    "error-association": error_association,
    "error-announced": error_announced,
    "values-kept": values_kept,
    "dialog-focus": dialog_focus,
}
LATE_STATE_PROBES = frozenset({"dialog-focus"})
