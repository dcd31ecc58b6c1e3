#!/usr/bin/env python3
"""Check the Ergolis demo data set: schema, counts, encodings, parseability.

Needs pypdf, python-docx and odfpy (pip install pypdf python-docx odfpy).
Usage: python3 demo/tools/validate.py     (exit code 1 on any failure)
"""
from __future__ import annotations

import csv
import email
import glob
import mailbox
import re
import sys
import tomllib
from collections import Counter
from email import policy
from pathlib import Path

DEMO = Path(__file__).resolve().parent.parent
sys.dont_write_bytecode = True
sys.path.insert(0, str(DEMO / "tools"))

FAILURES: list[str] = []


def check(cond: bool, msg: str) -> None:
    if not cond:
        FAILURES.append(msg)
        print("  FAIL:", msg)


def luhn_ok(d: str) -> bool:
    t = 0
    for i, ch in enumerate(reversed(d)):
        n = int(ch)
        if i % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        t += n
    return t % 10 == 0


# ---------------------------------------------------------------------------
def check_company() -> None:
    print("company.toml")
    c = tomllib.loads((DEMO / "company.toml").read_text(encoding="utf-8"))
    co = c["company"]
    for k in ("name", "legal_name", "siren", "city", "website", "timezone", "description_fr", "description_en"):
        check(bool(co.get(k)), f"company.{k} missing")
    check(re.fullmatch(r"\d{9}", co["siren"]) is not None and luhn_ok(co["siren"]), "SIREN not Luhn-valid")
    slugs = {g["slug"] for g in c["groups"]}
    for s in ("public", "personnel", "rh", "finance", "commercial", "it", "direction"):
        check(s in slugs, f"group {s} missing")
    roles = Counter(u["role"] for u in c["users"])
    for r in ("admin", "champion", "viewer"):
        check(roles[r] == 1, f"exactly one {r} expected, got {roles[r]}")
    check(roles["agent"] >= 1 and roles["member"] >= 1, "agent and member needed")
    extra = roles["agent"] + roles["member"] - 2
    check(3 <= extra <= 5, f"3-5 extra agents/members expected, got {extra}")
    for u in c["users"]:
        check(u["email"].endswith("@ergolis.fr"), f"user email {u['email']}")
        check(set(u["groups"]) <= slugs, f"unknown group for {u['email']}")
    for s in c["sources"]:
        check((DEMO / s["path"]).is_dir(), f"source path {s['path']} missing")
        check(set(s["groups"]) <= slugs, f"unknown group in source {s['path']}")
    print(f"  {len(c['groups'])} groups, {len(c['users'])} users {dict(roles)}, {len(c['sources'])} sources")


# ---------------------------------------------------------------------------
def extract_text(path: Path) -> str:
    ext = path.suffix.lower()
    if ext == ".pdf":
        from pypdf import PdfReader
        reader = PdfReader(str(path))
        check(bool(reader.metadata and reader.metadata.title), f"{path.name}: PDF title metadata")
        return "\n".join(p.extract_text() or "" for p in reader.pages)
    if ext == ".docx":
        import docx
        d = docx.Document(str(path))
        heads = [p for p in d.paragraphs if p.style.name.startswith("Heading")]
        check(len(heads) >= 3, f"{path.name}: DOCX needs real Heading styles")
        check(bool(d.core_properties.title and d.core_properties.author), f"{path.name}: DOCX metadata")
        cells = [c.text for t in d.tables for row in t.rows for c in row.cells]
        return "\n".join([p.text for p in d.paragraphs] + cells)
    if ext == ".odt":
        from odf import teletype, text as otext
        from odf.opendocument import load
        d = load(str(path))
        heads = d.getElementsByType(otext.H)
        check(len(heads) >= 3 and all(h.getAttribute("outlinelevel") for h in heads),
              f"{path.name}: ODT needs real headings")
        return teletype.extractText(d.text)
    raw = path.read_bytes()
    if ext == ".txt":
        if raw.startswith(b"\xff\xfe"):
            return raw[2:].decode("utf-16-le")
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            return raw.decode("cp1252")
    if ext == ".html":
        t = raw.decode("utf-8")
        t = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", t)
        return re.sub(r"<[^>]+>", " ", t)
    return raw.decode("utf-8")


def check_docs() -> None:
    print("docs/")
    files = sorted(p for p in (DEMO / "docs").rglob("*") if p.is_file())
    fmt = Counter(p.suffix.lower().lstrip(".") for p in files)
    print(f"  {len(files)} documents: {dict(sorted(fmt.items()))}")
    check(len(files) >= 45, "at least 45 documents")
    for ext, n in (("pdf", 6), ("docx", 6), ("odt", 4), ("html", 1), ("csv", 1), ("txt", 2), ("md", 10)):
        check(fmt[ext] >= n, f"at least {n} .{ext}")
    per_dir = Counter(p.parent.name for p in files)
    print(f"  per folder: {dict(sorted(per_dir.items()))}")
    words = {}
    for p in files:
        try:
            words[p] = len(extract_text(p).split())
        except Exception as e:  # noqa: BLE001
            check(False, f"{p.relative_to(DEMO)} unreadable: {e}")
    short = [f"{p.name}({n})" for p, n in words.items() if n < 250 and p.suffix != ".csv"]
    check(not short, f"documents too short: {short}")
    print(f"  words: min {min(words.values())}, median {sorted(words.values())[len(words) // 2]}, "
          f"total {sum(words.values())}")
    # encodings and HTML
    txt = [p for p in files if p.suffix == ".txt"]
    check(any(p.read_bytes().startswith(b"\xff\xfe") for p in txt), "one UTF-16 LE (BOM) .txt")
    cp1252 = []
    for p in txt:
        b = p.read_bytes()
        if b.startswith(b"\xff\xfe"):
            continue
        try:
            b.decode("utf-8")
        except UnicodeDecodeError:
            cp1252.append(p.name)
    check(bool(cp1252), "one Windows-1252 .txt with accents")
    html = [p.read_text(encoding="utf-8") for p in files if p.suffix == ".html"]
    check(any("<script" in h and "<style" in h for h in html), "one HTML with <script> and <style>")
    check(sum(1 for p in files if p.suffix in (".md",) and re.search(r"\b(the|and|you)\b", p.read_text())) >= 1
          or any("lang: en" in s.read_text() for s in (DEMO / "tools/sources").glob("*.md")), "English docs")
    with open(DEMO / "docs/public/catalogue-produits.csv", encoding="utf-8") as f:
        cat = list(csv.DictReader(f, delimiter=";"))
    check(len(cat) >= 20, "product catalogue >= 20 rows")
    print(f"  catalogue: {len(cat)} products; cp1252: {cp1252}")


# ---------------------------------------------------------------------------
def check_faq() -> None:
    print("faq.csv")
    with open(DEMO / "faq.csv", encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        rows = list(reader)
    check(header == ["question", "answer", "category", "language", "variants"], f"faq header {header}")
    check(len(rows) >= 65, "at least 65 FAQ entries")
    cats = Counter(r[2] for r in rows)
    allowed = {"livraison", "retours", "garantie", "paiement", "facturation", "commande", "produits", "compte",
               "b2b", "sav"}
    check(set(cats) <= allowed, f"FAQ categories {set(cats) - allowed}")
    langs = Counter(r[3] for r in rows)
    check(6 <= langs["en"] <= 10 and set(langs) <= {"fr", "en"}, f"FAQ languages {langs}")
    for r in rows:
        v = r[4].split(" | ")
        check(2 <= len(v) <= 4, f"variants count for {r[0]!r}")
        check(1 <= r[1].count(". ") + 1 <= 6, f"answer length for {r[0]!r}")
    print(f"  {len(rows)} entries, {dict(langs)}, {dict(cats)}")


# ---------------------------------------------------------------------------
ERG = ("contact@ergolis.fr", "support@ergolis.fr", "factures@ergolis.fr", "recrutement@ergolis.fr")


def check_emails() -> None:
    print("emails/")
    emls = sorted(glob.glob(str(DEMO / "emails/msg-*.eml")))
    check(len(emls) >= 90, "at least 90 .eml")
    parsed = {}
    for f in emls:
        m = email.message_from_binary_file(open(f, "rb"), policy=policy.default)
        parsed[Path(f).name] = m
    box = mailbox.mbox(str(DEMO / "emails/archive.mbox"))
    for i, m in enumerate(box, 1):
        parsed[f"archive.mbox#{i}"] = email.message_from_bytes(m.as_bytes(), policy=policy.default)
    check(len(box) >= 10, "at least 10 mails in archive.mbox")
    kinds = Counter()
    for name, m in parsed.items():
        for h in ("Message-ID", "Date", "From", "To", "Subject"):
            check(m[h] is not None, f"{name}: missing {h}")
        d = m["Date"].datetime
        check(d.year == 2026 and d.month >= 10, f"{name}: date {d}")
        addrs = " ".join(str(m[h] or "") for h in ("From", "To", "Cc")).lower()
        check(any(a in addrs for a in ERG), f"{name}: no Ergolis shared address")
        check(not m.defects and all(not p.defects for p in m.walk()), f"{name}: MIME defects")
        body = m.get_body(preferencelist=("plain", "html"))
        check(body is not None and len(body.get_content().strip()) > 40, f"{name}: empty body")
        ct = m.get_content_type()
        kinds[ct] += 1
        if any(p.get_content_type() == "text/html" for p in m.walk()):
            kinds["with html"] += 1
        if any(p.get_filename() for p in m.walk()):
            kinds["with attachment"] += 1
        if "iso-8859-1" in str(m.get("Content-Type", "")).lower() or "=?iso-8859-1?" in m.as_string().lower():
            kinds["iso-8859-1"] += 1
        if m["Auto-Submitted"]:
            kinds["auto-submitted"] += 1
        if m["In-Reply-To"]:
            kinds["replies"] += 1
    print(f"  {len(emls)} .eml + {len(box)} in mbox; MIME: {dict(kinds)}")
    check(kinds["multipart/report"] >= 1, "one DSN bounce")
    check(kinds["auto-submitted"] >= 2, "auto-replies")
    # thread of 3
    ids = {str(m["Message-ID"]).strip(): n for n, m in parsed.items()}
    chains = 0
    for n, m in parsed.items():
        parent = str(m["In-Reply-To"] or "").strip()
        if parent in ids:
            grand = str(parsed[ids[parent]]["In-Reply-To"] or "").strip()
            if grand in ids:
                chains += 1
    check(chains >= 1, "a thread of 3 mails linked by In-Reply-To")
    # labels
    with open(DEMO / "emails/labels.csv", encoding="utf-8", newline="") as f:
        labels = list(csv.DictReader(f))
    check(list(labels[0].keys()) == ["file", "category", "urgency", "spam", "sentiment", "language"], "labels header")
    check({r["file"] for r in labels} == set(parsed), "labels.csv covers exactly every mail")
    cats = Counter(r["category"] for r in labels)
    for c in ("commande", "livraison", "retour/remboursement", "facturation", "technique", "devis/commercial",
              "candidature"):
        check(cats[c] >= 6, f"at least 6 mails in {c}")
    check(cats["autre"] >= 4, "at least 4 mails in autre")
    for r in labels:
        check(r["urgency"] in ("basse", "normale", "haute") and r["spam"] in ("0", "1")
              and r["sentiment"] in ("negatif", "neutre", "positif") and r["language"] in ("fr", "en"),
              f"label values for {r['file']}")
    print(f"  labels: {dict(cats)}; spam {sum(r['spam'] == '1' for r in labels)}, "
          f"en {sum(r['language'] == 'en' for r in labels)}, threads of 3: {chains}")


# ---------------------------------------------------------------------------
def check_leads() -> None:
    print("leads.csv / lead_interactions.csv")
    import build_leads
    with open(DEMO / "leads.csv", encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f, delimiter=";")
        header = reader.fieldnames
        leads = list(reader)
    check(header == build_leads.HEADER, "leads header")
    check(len(leads) >= 320, "at least 320 leads")
    st = Counter(r["statut"] for r in leads)
    check(set(st) == {"gagné", "perdu", "en cours"}, f"statut values {set(st)}")
    share = {k: v / len(leads) for k, v in st.items()}
    check(0.30 <= share["gagné"] <= 0.40 and 0.40 <= share["perdu"] <= 0.50 and 0.15 <= share["en cours"] <= 0.25,
          f"statut shares {share}")
    with open(DEMO / "lead_interactions.csv", encoding="utf-8", newline="") as f:
        inter = list(csv.DictReader(f, delimiter=";"))
    by_lead = Counter(r["lead_id"] for r in inter)
    last = {}
    for r in inter:
        check(r["type"] in ("appel", "email", "rdv", "devis", "relance"), f"interaction type {r['type']}")
        last[r["lead_id"]] = max(last.get(r["lead_id"], ""), r["date"])
    for r in leads:
        check(int(r["nb_interactions"]) == by_lead[r["id"]], f"lead {r['id']}: nb_interactions mismatch")
        check(r["derniere_interaction"] == last.get(r["id"]), f"lead {r['id']}: derniere_interaction mismatch")
        check(bool(r["date_cloture"]) == (r["statut"] != "en cours"), f"lead {r['id']}: date_cloture")
    invalid = {r["id"] for r in leads if r["siret"] and not build_leads.siret_valid(r["siret"])}
    intended = build_leads.intended_invalid_sirets()
    check(invalid == intended, f"invalid SIRETs differ from intent: {sorted(invalid ^ intended)}")
    valid = sum(1 for r in leads if r["siret"] and build_leads.siret_valid(r["siret"]))
    srcs = Counter(r["source"] for r in leads)
    print(f"  {len(leads)} leads {dict(st)}; {len(inter)} interactions; SIRET valid {valid}, "
          f"invalid {len(invalid)} (intended {len(intended)}); sources {dict(srcs)}")


def check_use_cases() -> None:
    print("use_cases.toml")
    u = tomllib.loads((DEMO / "use_cases.toml").read_text(encoding="utf-8"))["use_cases"]
    check(len(u) >= 10, "about a dozen use cases")
    for x in u:
        for k, t in (("name", str), ("process", str), ("pain", str), ("frequency_per_month", int),
                     ("minutes_per_occurrence", int), ("people_involved", int), ("data_available", str),
                     ("risk", str), ("impact", int), ("feasibility", int)):
            check(isinstance(x.get(k), t), f"use case {x.get('name')}: {k}")
        check(x["risk"] in ("basse", "moyenne", "haute") and 1 <= x["impact"] <= 5 and 1 <= x["feasibility"] <= 5,
              f"use case {x['name']}: ranges")
    print(f"  {len(u)} use cases")


def check_size() -> None:
    total = sum(p.stat().st_size for p in DEMO.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    print(f"size: {total / 1024 / 1024:.2f} MiB")
    check(total < 6 * 1024 * 1024, "demo folder under 6 MB")


def main() -> int:
    for fn in (check_company, check_docs, check_faq, check_emails, check_leads, check_use_cases, check_size):
        fn()
    print()
    print(f"{len(FAILURES)} failure(s)" if FAILURES else "all checks passed")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
