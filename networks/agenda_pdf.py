"""Direktørforum's meeting agenda as a PDF: the cases of the printable agenda, one case a page.

Built with reportlab's platypus in the PDF standard font Helvetica: nothing to download or embed,
and its WinAnsi encoding covers Danish (æ ø å), é, the dashes and the typographic quotes. A
character the font has no glyph for (an emoji, an arrow, Chinese) becomes a plain equivalent where
there is one ("→" "->") and "?" otherwise, so no title or purpose can break the file or print as
black boxes. Everything users typed is escaped before it reaches reportlab's paragraph markup,
which would otherwise read "<" and "&" as markup (and an <img> tag as a file to open).

The rows are the view's: {"network", "findings", "days_waiting"}, with the networks' participants
already loaded, so the PDF reads nothing from the database.

Bounded work, whatever was typed. The API lets each free-text field hold 20,000 characters, and a
network any number of participants. Given as one Paragraph, such a field made reportlab break the
whole rest of the text into lines again at every page it split it over: time grew with the square
of the text (10,000 line breaks in three fields took minutes, past the worker's timeout). So a free-
text field prints at most `FIELD_CHARACTERS_PRINTED` characters in at most `FIELD_LINES_PRINTED`
lines, one Paragraph per line the user wrote, and the list of participants at most
`PARTICIPANTS_PRINTED` people; what is left out is pointed to on the case's page. Every Paragraph is
then small, each is broken into lines once, and a case takes a bounded number of pages. A word
longer than the line (a pasted link, "xxxx…") is broken where it meets the margin (`splitLongWords`).

Why not the printable agenda's HTML made into a tagged PDF (WeasyPrint, PDF/UA): one source for
page and PDF, and a PDF a screen reader can follow. It needs Pango and its font stack from Debian
(`libpango-1.0-0`, `libpangoft2-1.0-0`, fonts) on every machine that serves the app, not only in
CI, and a new Python dependency; it would also have to be bounded in the same way, since WeasyPrint
lays out the whole text too. The decision and its reasons are in docs/direktoerforum.md.
"""

from __future__ import annotations

import datetime
import functools
import io
import unicodedata

# Only the escaping function of xml.sax: it parses no XML (bandit B406 is about parsing).
from xml.sax.saxutils import escape  # nosec B406

from django.urls import reverse
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
# What a free-text field (purpose, strategy, mandate) prints at most: about two thirds of a page.
FIELD_CHARACTERS_PRINTED = 3000
FIELD_LINES_PRINTED = 30
# A cut is moved back to the last space, unless that would drop more than this.
_CUT_AT_SPACE_WITHIN = 80
# Read of a field at most: enough for the characters printed and a line break after each line.
_CHARACTERS_LOOKED_AT = FIELD_CHARACTERS_PRINTED + 2 * FIELD_LINES_PRINTED
PARTICIPANTS_PRINTED = 40
# A participant's name or organisation (200 characters each in the model) printed at most: no real
# name is longer, and 40 people of 400 capitals each would fill seven pages.
PARTICIPANT_NAME_PRINTED = 60
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


def one_line(value) -> str:
    """A short field (a title, a theme, a name) on one line: line breaks typed into it would
    otherwise each take a printed line, 200 of them for a title of 200 characters."""
    return " ".join(str(value).split())


def long_date(day: datetime.date) -> str:
    return dateformat.format(day, DATE_FORMAT)


def filename(today: datetime.date) -> str:
    return f"dagsorden-direktoerforum-{today.isoformat()}.pdf"


# --- Styles ---------------------------------------------------------------------------------------

# splitLongWords: a word wider than the line is broken at the margin rather than drawn past it.
_BODY = ParagraphStyle("Body", fontName=FONT, fontSize=10.5, leading=14, spaceAfter=4, splitLongWords=1)
_STYLES = {
    "title": ParagraphStyle("Title", parent=_BODY, fontName=BOLD, fontSize=22, leading=27, spaceAfter=10),
    "subtitle": ParagraphStyle("Subtitle", parent=_BODY, fontSize=12, leading=16, spaceAfter=14),
    "case": ParagraphStyle("CaseTitle", parent=_BODY, fontName=BOLD, fontSize=16, leading=20, spaceAfter=4),
    "heading": ParagraphStyle(
        "Heading", parent=_BODY, fontName=BOLD, fontSize=12, leading=16, spaceBefore=10, spaceAfter=4
    ),
    "label": ParagraphStyle("Label", parent=_BODY, fontName=BOLD, spaceBefore=4, spaceAfter=1),
    "value": ParagraphStyle("Value", parent=_BODY, leftIndent=6 * mm),
    # The lines of one field: close together, a blank line the user wrote as a gap.
    "line": ParagraphStyle("Line", parent=_BODY, leftIndent=6 * mm, spaceAfter=0),
    "rest": ParagraphStyle("Rest", parent=_BODY, leftIndent=6 * mm, textColor=colors.HexColor("#495057")),
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
        network, leader = row["network"], markup(_leader_name(row["network"]))
        story.append(
            Paragraph(
                f"{markup(one_line(network.title))} <font color='#495057'>– {leader}</font>",
                _STYLES["item"],
                bulletText=f"{number}.",
            )
        )
    return story


def _leader_name(network) -> str:
    return one_line(roles.display_name(network.leader))


def _field(label: str, value: str) -> list:
    """A short field: on one line, whatever was typed."""
    return [_p(markup(label), "label"), _p(markup(one_line(value)) if value.strip() else "–", "value")]


def printed_lines(value: str) -> tuple[list[str], bool]:
    """The lines of a free text as the PDF prints them, and whether some of it is left out.

    At most `FIELD_LINES_PRINTED` lines with text and `FIELD_CHARACTERS_PRINTED` characters, a
    line cut short at a space where there is one near; a run of blank lines becomes one gap ("").
    Only the beginning of the text is read, so the work does not grow with what is left out."""
    looked_at = value[:_CHARACTERS_LOOKED_AT]
    left_out = len(value) > len(looked_at)
    lines: list[str] = []
    budget, lines_with_text = FIELD_CHARACTERS_PRINTED, 0
    for line in pdf_text(looked_at).split("\n"):
        if not line.strip():
            if lines and lines[-1]:
                lines.append("")
            continue
        if budget <= 0 or lines_with_text == FIELD_LINES_PRINTED:
            left_out = True
            break
        if len(line) > budget:
            space = line.rfind(" ", 0, budget + 1)
            lines.append(line[: space if space > budget - _CUT_AT_SPACE_WITHIN else budget].rstrip())
            left_out = True
            break
        lines.append(line)
        budget -= len(line)
        lines_with_text += 1
    while lines and not lines[-1]:
        lines.pop()
    return lines, left_out


def _free_text(label: str, value: str, case_url: str) -> list:
    """A field users write freely: a Paragraph per line, as much as `printed_lines` gives."""
    lines, left_out = printed_lines(value)
    if not lines and not left_out:
        return _field(label, "")
    story = [_p(markup(label), "label")]
    for line in lines:
        story.append(_p(markup(line), "line") if line else Spacer(1, _STYLES["line"].leading / 2))
    if left_out:
        story.append(_rest_on_the_case_page(case_url))
    else:
        story.append(Spacer(1, _STYLES["value"].spaceAfter))
    return story


def _rest_on_the_case_page(case_url: str) -> Paragraph:
    url = markup(case_url)
    return _p(
        "… " + markup(_("Læs resten på sagens side:")) + f' <a href="{url}" color="#0a58ca">{url}</a>', "rest"
    )


def _plan(network) -> str:
    if not network.planned_start:
        return _("Ingen planlagt periode")
    end = long_date(network.planned_end) if network.planned_end else "?"
    return f"{long_date(network.planned_start)} – {end}"


def _participants(network, case_url: str) -> list:
    # All participants are prefetched; those who have left are skipped here, as on the page.
    current = [p for p in network.participants.all() if not p.left_on]
    if not current:
        return [_p(markup(_("Ingen deltagere registreret.")), "value")]
    lines = []
    for participant in current[:PARTICIPANTS_PRINTED]:
        who = _shortened(one_line(participant.name)) + (
            f", {_shortened(one_line(participant.organisation))}" if participant.organisation else ""
        )
        text = (
            f"{who} – {participant.get_actor_category_display()} ({participant.get_role_display().lower()})"
        )
        lines.append(Paragraph(markup(text), _STYLES["item"], bulletText="•"))
    left_out = len(current) - PARTICIPANTS_PRINTED
    if left_out > 0:
        more = ngettext("og %(count)d deltager mere.", "og %(count)d deltagere mere.", left_out) % {
            "count": left_out
        }
        lines += [_p(markup(more), "rest"), _rest_on_the_case_page(case_url)]
    return lines


def _shortened(name: str) -> str:
    return name if len(name) <= PARTICIPANT_NAME_PRINTED else name[: PARTICIPANT_NAME_PRINTED - 1] + "…"


def _findings(findings) -> list:
    if not findings:
        return [_p(markup(_("Ingen bemærkninger.")), "muted")]
    lines = []
    for finding in findings:
        label, style = (_("Mangler:"), "blocks") if finding.blocks else (_("Advarsel:"), "warns")
        lines.append(_p(f"<b>{markup(label)}</b> {markup(finding.message)}", style))
    return lines


def _case(number: int, row, site: str) -> list:
    network = row["network"]
    case_url = site + reverse("direktoerforum:case", args=[network.pk])
    story = [
        _Bookmark(f"case-{number}", pdf_text(f"{number}. {one_line(network.title)}")),
        _p(f"{number}. {markup(one_line(network.title))}", "case"),
    ]
    if row["days_waiting"] is not None:
        days = row["days_waiting"]
        waited = ngettext("Har ventet %(days)s dag", "Har ventet %(days)s dage", days) % {"days": days}
        story.append(_p(markup(waited), "muted"))
    story += [
        *_field(_("Tema"), network.theme),
        *_field(_("Netværksleder"), _leader_name(network)),
        *_free_text(_("Formål"), network.purpose, case_url),
        *_free_text(_("Politisk vision eller strategi"), network.strategy_reference, case_url),
        *_free_text(_("Mandat"), network.mandate, case_url),
        *_field(_("Plan"), _plan(network)),
        *_field(_("Indstillingsrunde"), str(network.submission_round)),
        _p(markup(_("Planlagte aktører og politikere")), "heading"),
        *_participants(network, case_url),
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


def render(rows, *, today: datetime.date, site: str = "") -> bytes:
    """The agenda for `rows` as PDF: a title page with the list of cases, then one case a page.

    `site` ("https://netvaerk.example.dk") goes before the address of a case's page where the PDF
    points to it for what it leaves out; without it the address is the path alone."""
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
        story += _case(number, row, site)
    footer = pdf_text(f"{title} · {long_date(today)}")
    document.build(story, canvasmaker=functools.partial(_NumberedCanvas, footer=footer))
    return buffer.getvalue()
