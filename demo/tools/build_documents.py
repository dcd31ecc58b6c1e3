#!/usr/bin/env python3
"""Build the binary demo documents (PDF, DOCX, ODT) of the Ergolis demo company.

Sources live in demo/tools/sources/*.md: a small front matter block followed by
a Markdown subset (#/##/### headings, paragraphs, "- " and "1. " lists, pipe
tables, **bold** and *italic*). The front matter's `output` key gives the
destination, relative to demo/, and its extension selects the format.

Requirements: pip install python-docx odfpy fpdf2 ; DejaVu fonts
(apt-get install -y fonts-dejavu-core).

Usage: python3 demo/tools/build_documents.py            # build everything
       python3 demo/tools/build_documents.py name.md    # build some sources
"""
from __future__ import annotations

import datetime as dt
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

TOOLS = Path(__file__).resolve().parent
DEMO = TOOLS.parent
SOURCES = TOOLS / "sources"
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
COMPANY = "Ergolis SAS"


# ---------------------------------------------------------------------------
# Parsing
# ---------------------------------------------------------------------------

@dataclass
class Block:
    kind: str  # heading | para | ul | ol | table
    level: int = 0
    text: str = ""
    items: list = field(default_factory=list)


@dataclass
class Source:
    path: Path
    meta: dict
    blocks: list

    @property
    def output(self) -> Path:
        return DEMO / self.meta["output"]


def parse_source(path: Path) -> Source:
    raw = path.read_text(encoding="utf-8")
    meta: dict = {}
    if raw.startswith("---\n"):
        head, body = raw[4:].split("\n---\n", 1)
        for line in head.splitlines():
            if ":" in line:
                k, v = line.split(":", 1)
                meta[k.strip()] = v.strip()
    else:
        body = raw
    if "output" not in meta:
        raise SystemExit(f"{path}: missing 'output' in front matter")
    return Source(path, meta, parse_blocks(body))


def parse_blocks(body: str) -> list:
    blocks: list = []
    para: list = []

    def flush():
        if para:
            blocks.append(Block("para", text=" ".join(s.strip() for s in para)))
            para.clear()

    lines = body.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i].rstrip()
        if not line.strip():
            flush()
            i += 1
            continue
        m = re.match(r"^(#{1,4})\s+(.*)$", line)
        if m:
            flush()
            blocks.append(Block("heading", level=len(m.group(1)), text=m.group(2).strip()))
            i += 1
            continue
        if line.lstrip().startswith("|"):
            flush()
            rows = []
            while i < len(lines) and lines[i].lstrip().startswith("|"):
                cells = [c.strip() for c in lines[i].strip().strip("|").split("|")]
                if not all(re.fullmatch(r":?-{2,}:?", c) for c in cells):
                    rows.append(cells)
                i += 1
            blocks.append(Block("table", items=rows))
            continue
        if re.match(r"^\s*[-*]\s+", line) or re.match(r"^\s*\d+\.\s+", line):
            flush()
            ordered = bool(re.match(r"^\s*\d+\.\s+", line))
            items = []
            pat = r"^\s*\d+\.\s+" if ordered else r"^\s*[-*]\s+"
            while i < len(lines) and lines[i].strip():
                cur = lines[i]
                if re.match(pat, cur):
                    items.append(re.sub(pat, "", cur).strip())
                elif items and cur.startswith(" "):
                    items[-1] += " " + cur.strip()
                else:
                    break
                i += 1
            blocks.append(Block("ol" if ordered else "ul", items=items))
            continue
        para.append(line)
        i += 1
    flush()
    return blocks


INLINE = re.compile(r"(\*\*[^*]+\*\*|\*[^*\s][^*]*\*)")


def runs(text: str):
    """Split inline Markdown into (text, bold, italic) runs."""
    out = []
    for part in INLINE.split(text):
        if not part:
            continue
        if part.startswith("**") and part.endswith("**"):
            out.append((part[2:-2], True, False))
        elif part.startswith("*") and part.endswith("*") and len(part) > 2:
            out.append((part[1:-1], False, True))
        else:
            out.append((part, False, False))
    return out


def plain(text: str) -> str:
    return "".join(t for t, _, _ in runs(text))


def meta_date(meta: dict, key: str) -> dt.datetime:
    value = meta.get(key) or meta.get("created") or "2026-01-01"
    d = dt.date.fromisoformat(value)
    return dt.datetime(d.year, d.month, d.day, 9, 30, tzinfo=dt.timezone.utc)


# ---------------------------------------------------------------------------
# PDF (fpdf2)
# ---------------------------------------------------------------------------

def build_pdf(src: Source) -> None:
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    meta = src.meta
    title = meta.get("title", src.path.stem)

    class PDF(FPDF):
        def header(self):
            if self.page_no() == 1:
                return
            self.set_font("DejaVu", "I", 8)
            self.set_text_color(110, 110, 110)
            self.cell(0, 6, f"{COMPANY} – {title}", align="L")
            self.ln(9)
            self.set_text_color(0, 0, 0)

        def footer(self):
            self.set_y(-14)
            self.set_font("DejaVu", "", 8)
            self.set_text_color(110, 110, 110)
            self.cell(0, 8, f"Page {self.page_no()}/{{nb}}", align="C")
            self.set_text_color(0, 0, 0)

    pdf = PDF(format="A4")
    pdf.set_margins(20, 18, 20)
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.add_font("DejaVu", "I", str(FONT_DIR / "DejaVuSans-Oblique.ttf"))
    pdf.add_font("DejaVu", "BI", str(FONT_DIR / "DejaVuSans-BoldOblique.ttf"))
    pdf.set_title(title)
    pdf.set_author(meta.get("author", COMPANY))
    pdf.set_subject(meta.get("subject", ""))
    pdf.set_keywords(meta.get("keywords", ""))
    pdf.set_creator("levier demo – tools/build_documents.py (fpdf2)")
    pdf.set_producer("fpdf2")
    pdf.set_creation_date(meta_date(meta, "created"))
    pdf.set_lang(meta.get("lang", "fr"))
    pdf.alias_nb_pages()
    pdf.add_page()

    # Letterhead
    pdf.set_font("DejaVu", "B", 10)
    pdf.set_text_color(29, 107, 79)
    pdf.cell(0, 6, "ERGOLIS", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 8)
    pdf.set_text_color(110, 110, 110)
    pdf.cell(0, 5, "Ergolis SAS – 58 avenue Roger Salengro, 69100 Villeurbanne – www.ergolis.fr",
             new_x="LMARGIN", new_y="NEXT")
    mod = meta.get("modified") or meta.get("created")
    if mod:
        label = "Last updated" if meta.get("lang") == "en" else "Mise à jour"
        pdf.cell(0, 5, f"{label} : {dt.date.fromisoformat(mod).strftime('%d/%m/%Y')}",
                 new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.ln(4)

    def md(text: str) -> str:
        # fpdf2 markdown: **bold**, __italic__
        return re.sub(r"(?<!\*)\*([^*\s][^*]*)\*(?!\*)", r"__\1__", text)

    sizes = {1: 18, 2: 13.5, 3: 11.5, 4: 10.5}
    for b in src.blocks:
        if b.kind == "heading":
            if b.level > 1:
                pdf.ln(2)
            if pdf.get_y() > pdf.h - 45:
                pdf.add_page()
            pdf.start_section(plain(b.text), level=b.level - 1)
            pdf.set_font("DejaVu", "B", sizes.get(b.level, 10.5))
            if b.level <= 2:
                pdf.set_text_color(29, 107, 79)
            pdf.multi_cell(0, sizes.get(b.level, 10) * 0.55, plain(b.text),
                           new_x="LMARGIN", new_y="NEXT")
            pdf.set_text_color(0, 0, 0)
            pdf.ln(1.5)
        elif b.kind == "para":
            pdf.set_font("DejaVu", "", 10)
            pdf.multi_cell(0, 5.2, md(b.text), markdown=True, align="L", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
        elif b.kind in ("ul", "ol"):
            pdf.set_font("DejaVu", "", 10)
            for n, item in enumerate(b.items, 1):
                bullet = f"{n}." if b.kind == "ol" else "•"
                pdf.set_x(pdf.l_margin + 3)
                pdf.cell(7, 5.2, bullet)
                pdf.multi_cell(0, 5.2, md(item), markdown=True, align="L", new_x="LMARGIN", new_y="NEXT")
                pdf.ln(0.8)
            pdf.ln(1.5)
        elif b.kind == "table":
            pdf.set_font("DejaVu", "", 9)
            ncols = max(len(r) for r in b.items)
            widths = []
            for ci in range(ncols):
                longest = max(len(plain(r[ci])) if ci < len(r) else 0 for r in b.items)
                head = b.items[0][ci] if ci < len(b.items[0]) else ""
                word = max((len(w) for w in plain(head).split()), default=0)
                widths.append(max(min(max(longest, 11), 40), round(word * 1.3) + 2))
            with pdf.table(
                col_widths=tuple(widths),
                headings_style=FontFace(emphasis="BOLD", fill_color=(232, 243, 238)),
                line_height=5, padding=1.2, text_align="LEFT",
                width=pdf.epw, first_row_as_headings=True,
            ) as table:
                for r in b.items:
                    row = table.row()
                    for c in r + [""] * (ncols - len(r)):
                        row.cell(plain(c))
            pdf.ln(3)
    src.output.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(src.output))


# ---------------------------------------------------------------------------
# DOCX (python-docx)
# ---------------------------------------------------------------------------

def build_docx(src: Source) -> None:
    import docx
    from docx.shared import Pt, RGBColor

    meta = src.meta
    d = docx.Document()
    styles = d.styles
    styles["Normal"].font.name = "Calibri"
    styles["Normal"].font.size = Pt(10.5)
    for lvl in (1, 2, 3):
        styles[f"Heading {lvl}"].font.color.rgb = RGBColor(0x1D, 0x6B, 0x4F)

    cp = d.core_properties
    cp.title = meta.get("title", "")
    cp.author = meta.get("author", COMPANY)
    cp.last_modified_by = meta.get("author", COMPANY)
    cp.subject = meta.get("subject", "")
    cp.keywords = meta.get("keywords", "")
    cp.category = meta.get("category", "Documentation Ergolis")
    cp.comments = "Document de démonstration fictif – levier"
    cp.language = "en-GB" if meta.get("lang") == "en" else "fr-FR"
    cp.created = meta_date(meta, "created").replace(tzinfo=None)
    cp.modified = meta_date(meta, "modified").replace(tzinfo=None)
    cp.revision = 3

    section = d.sections[0]
    hp = section.header.paragraphs[0]
    hp.text = f"{COMPANY} – {meta.get('title', '')}"
    hp.runs[0].font.size = Pt(8)
    hp.runs[0].font.color.rgb = RGBColor(0x6E, 0x6E, 0x6E)

    def add_runs(p, text):
        for t, bold, italic in runs(text):
            r = p.add_run(t)
            r.bold = bold or None
            r.italic = italic or None

    for b in src.blocks:
        if b.kind == "heading":
            if b.level == 1:
                d.add_heading(plain(b.text), level=0 if meta.get("title_style") else 1)
            else:
                d.add_heading(plain(b.text), level=min(b.level, 4))
        elif b.kind == "para":
            add_runs(d.add_paragraph(), b.text)
        elif b.kind in ("ul", "ol"):
            style = "List Number" if b.kind == "ol" else "List Bullet"
            for item in b.items:
                add_runs(d.add_paragraph(style=style), item)
        elif b.kind == "table":
            ncols = max(len(r) for r in b.items)
            t = d.add_table(rows=0, cols=ncols)
            t.style = "Light Grid Accent 1"
            for ri, r in enumerate(b.items):
                cells = t.add_row().cells
                for ci, c in enumerate(r + [""] * (ncols - len(r))):
                    cells[ci].text = ""
                    par = cells[ci].paragraphs[0]
                    for txt, bold, italic in runs(c):
                        run = par.add_run(txt)
                        run.bold = True if ri == 0 else (bold or None)
                        run.italic = italic or None
            d.add_paragraph()
    src.output.parent.mkdir(parents=True, exist_ok=True)
    d.save(str(src.output))


# ---------------------------------------------------------------------------
# ODT (odfpy)
# ---------------------------------------------------------------------------

def build_odt(src: Source) -> None:
    from odf import dc, meta as ometa, style as ostyle, table as otable, text as otext
    from odf.opendocument import OpenDocumentText

    m = src.meta
    doc = OpenDocumentText()

    # Metadata
    doc.meta.addElement(dc.Title(text=m.get("title", "")))
    doc.meta.addElement(dc.Subject(text=m.get("subject", "")))
    doc.meta.addElement(dc.Creator(text=m.get("author", COMPANY)))
    doc.meta.addElement(ometa.InitialCreator(text=m.get("author", COMPANY)))
    doc.meta.addElement(dc.Language(text="en-GB" if m.get("lang") == "en" else "fr-FR"))
    doc.meta.addElement(ometa.CreationDate(text=meta_date(m, "created").strftime("%Y-%m-%dT%H:%M:%S")))
    doc.meta.addElement(dc.Date(text=meta_date(m, "modified").strftime("%Y-%m-%dT%H:%M:%S")))
    for kw in [k.strip() for k in m.get("keywords", "").split(",") if k.strip()]:
        doc.meta.addElement(ometa.Keyword(text=kw))
    doc.meta.addElement(ometa.Generator(text="levier demo build_documents.py (odfpy)"))

    # Styles: real heading styles with outline levels
    std = ostyle.Style(name="Standard", family="paragraph")
    std.addElement(ostyle.TextProperties(fontsize="10.5pt", fontfamily="Liberation Sans"))
    std.addElement(ostyle.ParagraphProperties(margintop="0cm", marginbottom="0.18cm"))
    doc.styles.addElement(std)
    hbase = ostyle.Style(name="Heading", family="paragraph", parentstylename="Standard",
                         nextstylename="Text_20_body")
    hbase.addElement(ostyle.ParagraphProperties(margintop="0.42cm", marginbottom="0.21cm",
                                                keepwithnext="always"))
    doc.styles.addElement(hbase)
    body = ostyle.Style(name="Text_20_body", displayname="Text body", family="paragraph",
                        parentstylename="Standard")
    body.addElement(ostyle.ParagraphProperties(marginbottom="0.25cm"))
    doc.styles.addElement(body)
    hstyles = {}
    for lvl, size in ((1, "18pt"), (2, "14pt"), (3, "12pt"), (4, "11pt")):
        s = ostyle.Style(name=f"Heading_20_{lvl}", displayname=f"Heading {lvl}", family="paragraph",
                         parentstylename="Heading", nextstylename="Text_20_body",
                         defaultoutlinelevel=str(lvl))
        s.addElement(ostyle.TextProperties(fontsize=size, fontweight="bold", color="#1d6b4f"))
        doc.styles.addElement(s)
        hstyles[lvl] = s
    bold = ostyle.Style(name="Strong_20_Emphasis", displayname="Strong Emphasis", family="text")
    bold.addElement(ostyle.TextProperties(fontweight="bold"))
    doc.styles.addElement(bold)
    ital = ostyle.Style(name="Emphasis", family="text")
    ital.addElement(ostyle.TextProperties(fontstyle="italic"))
    doc.styles.addElement(ital)
    cell_style = ostyle.Style(name="TableCell", family="table-cell")
    cell_style.addElement(ostyle.TableCellProperties(border="0.5pt solid #999999", padding="0.1cm"))
    doc.automaticstyles.addElement(cell_style)
    head_cell = ostyle.Style(name="TableHeadCell", family="table-cell")
    head_cell.addElement(ostyle.TableCellProperties(border="0.5pt solid #999999", padding="0.1cm",
                                                    backgroundcolor="#e8f3ee"))
    doc.automaticstyles.addElement(head_cell)

    def fill(p, text):
        for t, b_, i_ in runs(text):
            if b_:
                p.addElement(otext.Span(stylename=bold, text=t))
            elif i_:
                p.addElement(otext.Span(stylename=ital, text=t))
            else:
                p.addText(t)
        return p

    tcount = 0
    for b in src.blocks:
        if b.kind == "heading":
            lvl = min(b.level, 4)
            doc.text.addElement(otext.H(outlinelevel=lvl, stylename=hstyles[lvl], text=plain(b.text)))
        elif b.kind == "para":
            doc.text.addElement(fill(otext.P(stylename=body), b.text))
        elif b.kind in ("ul", "ol"):
            lst = otext.List()
            for n, item in enumerate(b.items, 1):
                li = otext.ListItem()
                prefix = f"{n}. " if b.kind == "ol" else "• "
                p = otext.P(stylename=std)
                p.addText(prefix)
                li.addElement(fill(p, item))
                lst.addElement(li)
            doc.text.addElement(lst)
        elif b.kind == "table":
            tcount += 1
            ncols = max(len(r) for r in b.items)
            tbl = otable.Table(name=f"Tableau{tcount}")
            tbl.addElement(otable.TableColumn(numbercolumnsrepeated=ncols))
            for ri, r in enumerate(b.items):
                tr = otable.TableRow()
                for c in r + [""] * (ncols - len(r)):
                    tc = otable.TableCell(stylename=head_cell if ri == 0 else cell_style,
                                          valuetype="string")
                    p = otext.P(stylename=std)
                    if ri == 0:
                        p.addElement(otext.Span(stylename=bold, text=plain(c)))
                    else:
                        fill(p, c)
                    tc.addElement(p)
                    tr.addElement(tc)
                tbl.addElement(tr)
            doc.text.addElement(tbl)
            doc.text.addElement(otext.P(stylename=std))
    src.output.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(src.output))


BUILDERS = {".pdf": build_pdf, ".docx": build_docx, ".odt": build_odt}


def main(argv: list) -> int:
    if not (FONT_DIR / "DejaVuSans.ttf").exists():
        print("DejaVu fonts missing: apt-get install -y fonts-dejavu-core", file=sys.stderr)
        return 1
    paths = [SOURCES / a for a in argv] if argv else sorted(SOURCES.glob("*.md"))
    for p in paths:
        src = parse_source(p)
        ext = src.output.suffix.lower()
        if ext not in BUILDERS:
            raise SystemExit(f"{p}: unsupported output {src.output}")
        BUILDERS[ext](src)
        print(f"{p.name:45s} -> {src.output.relative_to(DEMO)} ({src.output.stat().st_size // 1024} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
