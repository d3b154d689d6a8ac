"""Direktørforum's meeting agenda as a PDF: the cases of the printable agenda, one case a page.

Built with reportlab's platypus in the PDF standard font Helvetica: nothing to download or embed,
and its WinAnsi encoding covers Danish (æ ø å), é, the dashes and the typographic quotes. A
character the font has no glyph for (an emoji, an arrow, Chinese) becomes a plain equivalent where
there is one ("→" "->") and "?" otherwise, so no title or purpose can break the file or print as
black boxes. Everything users typed is escaped before it reaches reportlab's paragraph markup,
which would otherwise read "<" and "&" as markup (and an <img> tag as a file to open).

The rows are the view's: {"network", "findings", "days_waiting"}, with the networks' participants
already loaded, so the PDF reads nothing from the database.
"""

from __future__ import annotations

import datetime
import functools
import io
import unicodedata

# Only the escaping function of xml.sax: it parses no XML (bandit B406 is about parsing).
from xml.sax.saxutils import escape  # nosec B406

from django.utils import dateformat, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, PageBreak, Paragraph, SimpleDocTemplate, Spacer

from networks import roles

CONTENT_TYPE = "application/pdf"
# As the printable agenda shows dates: "27. november 2026" (month names in the active language).
DATE_FORMAT = "j. F Y"

FONT = "Helvetica"
BOLD = "Helvetica-Bold"
MARGIN = 20 * mm
TICK_BOX = "\u274f"  # ❏, in ZapfDingbats

# Characters outside WinAnsi that have a plain equivalent in it.
_PLAIN = str.maketrans(
    {
        "→": "->",
        "←": "<-",
        "↔": "<->",
        "⇒": "=>",
        "⇐": "<=",
        "⇔": "<=>",
        "≤": "<=",
        "≥": ">=",
        "≠": "!=",
        "−": "-",  # minus sign
        "‐": "-",  # hyphen
        "‑": "-",  # non-breaking hyphen
        "‒": "–",  # figure dash
        "―": "—",  # horizontal bar
        "′": "'",
        "″": '"',
        "\u2028": "\n",  # line separator
        "\u2029": "\n",  # paragraph separator
    }
)
# Emoji skin tones: drawn as part of the emoji before them, which already becomes "?".
_EMOJI_MODIFIERS = range(0x1F3FB, 0x1F400)


def _in_font(char: str) -> bool:
    """True if Helvetica's WinAnsi encoding has the character (the printable part of cp1252)."""
    try:
        char.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return unicodedata.category(char) != "Cc"


def _printable(char: str) -> str:
    if char == "\n":
        return char
    if _in_font(char):
        return char
    category = unicodedata.category(char)
    if category == "Cc" or category.startswith("Z"):
        # Tabs, other control characters and exotic spaces: a space.
        return " "
    if category in ("Cf", "Mn", "Me") or ord(char) in _EMOJI_MODIFIERS:
        # Zero-width joiners, variation selectors, combining marks whose letter has no
        # composed form in the font: nothing to draw on their own.
        return ""
    # "ő" → "o", "ﬁ" → "fi", "①" → "1"; "?" where nothing of it is in the font.
    plain = "".join(c for c in unicodedata.normalize("NFKD", char) if _in_font(c))
    return plain or "?"


def pdf_text(value) -> str:
    """`value` as text the built-in fonts can draw: what they lack replaced, never an error."""
    text = unicodedata.normalize("NFC", str(value)).replace("\r\n", "\n").replace("\r", "\n")
    return "".join(_printable(char) for char in text.translate(_PLAIN))


def markup(value) -> str:
    """User text for a Paragraph: drawable, escaped, line breaks kept."""
    return escape(pdf_text(value)).replace("\n", "<br/>")


def long_date(day: datetime.date) -> str:
    return dateformat.format(day, DATE_FORMAT)


def filename(today: datetime.date) -> str:
    return f"dagsorden-direktoerforum-{today.isoformat()}.pdf"


# --- Styles ---------------------------------------------------------------------------------------

_BODY = ParagraphStyle("Body", fontName=FONT, fontSize=10.5, leading=14, spaceAfter=4)
_STYLES = {
    "title": ParagraphStyle("Title", parent=_BODY, fontName=BOLD, fontSize=22, leading=27, spaceAfter=10),
    "subtitle": ParagraphStyle("Subtitle", parent=_BODY, fontSize=12, leading=16, spaceAfter=14),
    "case": ParagraphStyle("CaseTitle", parent=_BODY, fontName=BOLD, fontSize=16, leading=20, spaceAfter=4),
    "heading": ParagraphStyle(
        "Heading", parent=_BODY, fontName=BOLD, fontSize=12, leading=16, spaceBefore=10, spaceAfter=4
    ),
    "label": ParagraphStyle("Label", parent=_BODY, fontName=BOLD, spaceBefore=4, spaceAfter=1),
    "value": ParagraphStyle("Value", parent=_BODY, leftIndent=6 * mm),
    "item": ParagraphStyle("Item", parent=_BODY, leftIndent=6 * mm, bulletIndent=1.5 * mm, spaceAfter=2),
    "muted": ParagraphStyle("Muted", parent=_BODY, textColor=colors.HexColor("#495057")),
    "blocks": ParagraphStyle("Blocks", parent=_BODY, textColor=colors.HexColor("#842029"), leftIndent=0),
    "warns": ParagraphStyle("Warns", parent=_BODY, textColor=colors.HexColor("#664d03"), leftIndent=0),
}


def _p(text: str, style: str) -> Paragraph:
    """A paragraph of markup made here: every text in it, the user's and ours, through `markup`."""
    return Paragraph(text, _STYLES[style])


# --- Content --------------------------------------------------------------------------------------


def _made_on(today: datetime.date, count: int) -> str:
    return ngettext(
        "Dannet %(day)s · %(cases)d sag om innovationsnetværk",
        "Dannet %(day)s · %(cases)d sager om innovationsnetværk",
        count,
    ) % {"day": long_date(today), "cases": count}


def _title_page(rows, today: datetime.date) -> list:
    count = len(rows)
    story = [
        _p(markup(_("Dagsorden til Direktørforum")), "title"),
        _p(markup(_made_on(today, count)), "subtitle"),
        _p(markup(_("Sager på dagsordenen")), "heading"),
    ]
    for number, row in enumerate(rows, start=1):
        network = row["network"]
        story.append(
            Paragraph(
                f"{markup(network.title)} <font color='#495057'>– {markup(_leader_name(network))}</font>",
                _STYLES["item"],
                bulletText=f"{number}.",
            )
        )
    return story


def _leader_name(network) -> str:
    return roles.display_name(network.leader)


def _field(label: str, value: str) -> list:
    return [_p(markup(label), "label"), _p(markup(value) if value.strip() else "–", "value")]


def _plan(network) -> str:
    if not network.planned_start:
        return _("Ingen planlagt periode")
    end = long_date(network.planned_end) if network.planned_end else "?"
    return f"{long_date(network.planned_start)} – {end}"


def _participants(network) -> list:
    # All participants are prefetched; those who have left are skipped here, as on the page.
    current = [p for p in network.participants.all() if not p.left_on]
    if not current:
        return [_p(markup(_("Ingen deltagere registreret.")), "value")]
    lines = []
    for participant in current:
        who = participant.name + (f", {participant.organisation}" if participant.organisation else "")
        text = (
            f"{who} – {participant.get_actor_category_display()} ({participant.get_role_display().lower()})"
        )
        lines.append(Paragraph(markup(text), _STYLES["item"], bulletText="•"))
    return lines


def _findings(findings) -> list:
    if not findings:
        return [_p(markup(_("Ingen bemærkninger.")), "muted")]
    lines = []
    for finding in findings:
        label, style = (_("Mangler:"), "blocks") if finding.blocks else (_("Advarsel:"), "warns")
        lines.append(_p(f"<b>{markup(label)}</b> {markup(finding.message)}", style))
    return lines


def _case(number: int, row) -> list:
    network = row["network"]
    story = [
        _Bookmark(f"case-{number}", pdf_text(f"{number}. {network.title}")),
        _p(f"{number}. {markup(network.title)}", "case"),
    ]
    if row["days_waiting"] is not None:
        days = row["days_waiting"]
        waited = ngettext("Har ventet %(days)s dag", "Har ventet %(days)s dage", days) % {"days": days}
        story.append(_p(markup(waited), "muted"))
    story += [
        *_field(_("Tema"), network.theme),
        *_field(_("Netværksleder"), _leader_name(network)),
        *_field(_("Formål"), network.purpose),
        *_field(_("Politisk vision eller strategi"), network.strategy_reference),
        *_field(_("Mandat"), network.mandate),
        *_field(_("Plan"), _plan(network)),
        *_field(_("Indstillingsrunde"), str(network.submission_round)),
        _p(markup(_("Planlagte aktører og politikere")), "heading"),
        *_participants(network),
        _p(markup(_("Bemærkninger")), "heading"),
        *_findings(row["findings"]),
        Spacer(1, 6 * mm),
        # The decision, ticked by hand at the meeting: an empty box (❏) from ZapfDingbats, the
        # other built-in font, since WinAnsi has none.
        _p(
            markup(_("Beslutning:"))
            + "".join(
                f" &nbsp; <font name='ZapfDingbats'>{TICK_BOX}</font> {markup(choice)}"
                for choice in (_("Godkend"), _("Ønsk ændringer"), _("Afvis"))
            ),
            "label",
        ),
    ]
    return story


# --- The document ---------------------------------------------------------------------------------


class _Bookmark(Flowable):
    """Takes no room; puts the page it lands on into the PDF's outline (the viewer's bookmarks)."""

    def __init__(self, key: str, title: str):
        super().__init__()
        self.key, self.title = key, title

    def wrap(self, available_width, available_height):
        return 0, 0

    def draw(self):
        self.canv.bookmarkPage(self.key)
        self.canv.addOutlineEntry(self.title, self.key, level=0)


class _NumberedCanvas(Canvas):
    """Holds every page back until the end, so each footer can say "Side 2 af 5"."""

    def __init__(self, *args, footer: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self._footer = footer
        self._held_pages = []

    def showPage(self):  # reportlab's name
        self._held_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._held_pages)
        for number, state in enumerate(self._held_pages, start=1):
            self.__dict__.update(state)
            self._draw_footer(number, total)
            super().showPage()
        super().save()

    def _draw_footer(self, number: int, total: int) -> None:
        width, _height = self._pagesize
        self.saveState()
        self.setFont(FONT, 8.5)
        self.setFillColor(colors.HexColor("#495057"))
        self.drawString(MARGIN, 12 * mm, self._footer)
        self.drawRightString(
            width - MARGIN,
            12 * mm,
            pdf_text(_("Side %(number)s af %(total)s") % {"number": number, "total": total}),
        )
        self.restoreState()


def render(rows, *, today: datetime.date) -> bytes:
    """The agenda for `rows` as PDF: a title page with the list of cases, then one case a page."""
    title = _("Dagsorden til Direktørforum")
    author = _("Albertslund Kommune – Netværk")
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + 5 * mm,  # room for the footer
        title=f"{title} {long_date(today)}",
        author=author,
        creator=author,
        subject=_made_on(today, len(rows)),
        lang=translation.get_language() or "da",
        displayDocTitle=True,
    )
    story = _title_page(rows, today)
    for number, row in enumerate(rows, start=1):
        story.append(PageBreak())
        story += _case(number, row)
    footer = pdf_text(f"{title} · {long_date(today)}")
    document.build(story, canvasmaker=functools.partial(_NumberedCanvas, footer=footer))
    return buffer.getvalue()
