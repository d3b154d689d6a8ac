"""The agenda as a PDF at /direktoerforum/dagsorden.pdf?sag=1&sag=2: the same cases, the same access
and the same choice of cases as the printable page, read back with pypdf."""

import datetime
import io

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from pypdf import PdfReader
from reportlab.platypus import Paragraph

from networks import agenda_pdf, rules, services
from networks.agenda_pdf import pdf_text
from networks.api.serializers import TEXT_MAX_LENGTH
from networks.models import ActorCategory, Network, Participant, ParticipantRole
from tests.factories import AGENDA_URL as HTML
from tests.factories import (
    DIREKTOERFORUM_URL,
    PICK_ONE_CASE,
    add_core,
    agenda_query,
    assert_sent_to_login,
    at,
    get_on,
)

PDF = "/direktoerforum/dagsorden.pdf"
TODAY = datetime.date(2027, 1, 20)


def read(response) -> PdfReader:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return PdfReader(io.BytesIO(response.content))


def page_texts(reader: PdfReader) -> list[str]:
    """Each page's text with the line breaks of the layout folded into single spaces."""
    return [" ".join(page.extract_text().split()) for page in reader.pages]


@pytest.fixture
def cases(submit_on):
    """Two waiting cases with people; the younger created first, so queue order is not creation order."""
    young = submit_on("Ung sag", datetime.date(2027, 1, 19))
    old = submit_on("Gammel sag", datetime.date(2027, 1, 2))
    Participant.objects.create(
        network=old,
        name="Bente Borger",
        organisation="Albertslund Boligforening",
        actor_category=ActorCategory.CITIZEN,
        role=ParticipantRole.CORE,
    )
    Participant.objects.create(
        network=old,
        name="Udtrådt Ulla",
        actor_category=ActorCategory.EMPLOYEE,
        left_on=datetime.date(2027, 1, 5),
    )
    add_core(young, 1)
    return {"young": young, "old": old}


def findings_of(network) -> list[str]:
    """What the agenda says about the case, as the rules find it."""
    network = Network.objects.with_related().get(pk=network.pk)
    return [
        f"{'Mangler:' if finding.blocks else 'Advarsel:'} {finding.message}"
        for finding in rules.case_findings(network, today=TODAY)
    ]


@pytest.mark.parametrize("persona", ["direktoer", "administrator"])
def test_a_title_page_then_one_page_per_case_in_queue_order(client, time_machine, request, persona, cases):
    response = get_on(
        client,
        time_machine,
        request.getfixturevalue(persona),
        PDF + agenda_query(cases["young"].pk, cases["old"].pk),
    )
    reader = read(response)
    assert response["Content-Disposition"] == 'attachment; filename="dagsorden-direktoerforum-2027-01-20.pdf"'
    assert "no-store" in response["Cache-Control"]
    assert len(reader.pages) == 3
    title_page, old, young = page_texts(reader)

    assert "Dagsorden til Direktørforum" in title_page
    assert "Dannet 20. januar 2027 · 2 sager om innovationsnetværk" in title_page
    assert title_page.index("Gammel sag") < title_page.index("Ung sag")
    assert "Side 1 af 3" in title_page

    assert "1. Gammel sag" in old
    assert "Har ventet 18 dage" in old
    for text in (
        "Tema: Gammel sag",
        "Lene Leder",
        "Formål: Gammel sag",
        "Albertslund Kommunes frivillighedspolitik",
        "Ingen planlagt periode",
        "Indstillingsrunde 1",
        "Bente Borger, Albertslund Boligforening – Borger (kernedeltager)",
        "Side 2 af 3",
    ):
        assert text in old, text
    # Only the current participants, as on the page.
    assert "Udtrådt Ulla" not in old
    assert "Beslutning: ❏ Godkend ❏ Ønsk ændringer ❏ Afvis" in old

    assert "2. Ung sag" in young
    assert "Har ventet 1 dag " in young
    assert "Deltager 0" in young
    assert "Side 3 af 3" in young
    assert "Gammel sag" not in young


def test_the_findings_are_those_of_the_rules(client, time_machine, direktoer, cases):
    old = cases["old"]
    expected = findings_of(old)
    assert expected, "the case should have something to say"
    response = get_on(client, time_machine, direktoer, PDF + agenda_query(old.pk))
    _title_page, page = page_texts(read(response))
    for finding in expected:
        assert " ".join(finding.split()) in page


def test_the_plan_and_the_mandate_as_on_the_page(client, time_machine, direktoer, submit_on):
    network = submit_on(
        "Planlagt sag",
        datetime.date(2027, 1, 10),
        mandate="Aftalt med direktøren",
        planned_start=datetime.date(2027, 2, 1),
        planned_end=datetime.date(2027, 6, 30),
    )
    _title_page, page = page_texts(
        read(get_on(client, time_machine, direktoer, PDF + agenda_query(network.pk)))
    )
    assert "Plan 1. februar 2027 – 30. juni 2027" in page
    assert "Mandat Aftalt med direktøren" in page
    assert "Ingen deltagere registreret." in page


def test_a_case_without_findings_says_so(direktoer, cases):
    # Whether a real case has no findings is the rules' business; the PDF only says it.
    network = Network.objects.with_related().get(pk=cases["old"].pk)
    content = agenda_pdf.render([{"network": network, "findings": [], "days_waiting": 3}], today=TODAY)
    _title_page, page = page_texts(PdfReader(io.BytesIO(content)))
    assert "Bemærkninger Ingen bemærkninger." in page
    assert "Mangler:" not in page and "Advarsel:" not in page


def test_the_pdf_says_who_made_it_and_its_language(client, time_machine, direktoer, cases):
    reader = read(
        get_on(client, time_machine, direktoer, PDF + agenda_query(cases["old"].pk, cases["young"].pk))
    )
    assert reader.metadata.title == "Dagsorden til Direktørforum 20. januar 2027"
    assert reader.metadata.author == "Albertslund Kommune – Netværk"
    assert reader.trailer["/Root"]["/Lang"] == "da"
    # Each case in the outline, to jump to it.
    assert [entry.title for entry in reader.outline] == ["1. Gammel sag", "2. Ung sag"]


def test_in_english_for_those_who_chose_english(client, time_machine, direktoer, cases):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    reader = read(get_on(client, time_machine, direktoer, PDF + agenda_query(cases["old"].pk)))
    title_page, page = page_texts(reader)
    assert "Agenda for Direktørforum" in title_page
    assert "Page 1 of 2" in title_page
    assert "Page 2 of 2" in page
    assert reader.trailer["/Root"]["/Lang"] == "en"


def test_danish_letters_survive(client, time_machine, direktoer, submit_on):
    title = "Æblegrød på Østerbro – “Åben” café for ældre"
    network = submit_on(title, datetime.date(2027, 1, 10), purpose="Søndagsbørn, æbler og én stor gås.")
    Participant.objects.create(network=network, name="Søren Ærø Åberg")
    reader = read(get_on(client, time_machine, direktoer, PDF + agenda_query(network.pk)))
    _title_page, page = page_texts(reader)
    assert title in page
    assert "Søndagsbørn, æbler og én stor gås." in page
    assert "Søren Ærø Åberg" in page
    assert [entry.title for entry in reader.outline] == [f"1. {title}"]


def test_characters_the_font_lacks_and_markup_never_break_the_pdf(client, time_machine, direktoer, submit_on):
    network = submit_on(
        "Fra sorg → glæde 😀👍🏽 東京",
        datetime.date(2027, 1, 10),
        purpose="<b>fed</b> & <img src='/etc/passwd'/> <font name='Nope'>x</font> ❤️",
    )
    Participant.objects.create(network=network, name="Zoë 🎉 Łukasz", organisation="<script>")
    response = get_on(client, time_machine, direktoer, PDF + agenda_query(network.pk))
    _title_page, page = page_texts(read(response))
    assert "Fra sorg -> glæde ?? ??" in page
    # Markup in users' text is text, never markup reportlab follows.
    assert "<b>fed</b> & <img src='/etc/passwd'/> <font name='Nope'>x</font> ?" in page
    assert "Zoë ? ?ukasz, <script>" in page


@pytest.mark.parametrize(
    ("text", "drawable"),
    [
        ("Æble, øl og å – “citat” é €", "Æble, øl og å – “citat” é €"),
        ("a → b ≤ c", "a -> b <= c"),
        ("smil 😀 og 👍🏽 og ❤️", "smil ? og ? og ?"),
        ("東京", "??"),
        ("ő ﬁ ①", "o fi 1"),
        ("e\u0301", "é"),  # a combining accent, composed
        ("tab\there\x00\x07", "tab here  "),
        ("linje 1\r\nlinje 2\rlinje 3", "linje 1\nlinje 2\nlinje 3"),
        ("nul\u200bbredde", "nulbredde"),
    ],
)
def test_text_is_made_drawable_for_the_builtin_fonts(text, drawable):
    assert pdf_text(text) == drawable
    pdf_text(drawable).encode("cp1252")


def case_page(network) -> str:
    """Where the PDF sends the reader for what it leaves out (the test client's site is testserver)."""
    return f"http://testserver/direktoerforum/sag/{network.pk}/"


def rest_on_the_case_page(network) -> str:
    return f"… Læs resten på sagens side: {case_page(network)}"


def test_long_texts_break_across_pages_and_point_to_the_case_page_for_the_rest(
    client, time_machine, direktoer, submit_on
):
    paragraph = "Netværket vil samle borgere, foreninger og medarbejdere om velfærd. " * 12
    purpose = (
        "\n\n".join(f"Afsnit {i}: {paragraph}" for i in range(1, 21)) + "\n\nSidste afsnit." + "x" * 3000
    )
    network = submit_on(
        "Lang sag", datetime.date(2027, 1, 10), purpose=purpose, mandate=purpose.replace("Afsnit", "Del")
    )
    reader = read(get_on(client, time_machine, direktoer, PDF + agenda_query(network.pk)))
    pages = page_texts(reader)
    assert len(pages) > 2
    assert "Formål Afsnit 1: Netværket vil samle" in pages[1]
    text = " ".join(pages)
    # The first paragraphs, as far as the field's share of the page goes; the rest on the case page.
    assert "Afsnit 3:" in text and "Del 3:" in text
    assert "Afsnit 20:" not in text and "Sidste afsnit." not in text
    assert text.count(rest_on_the_case_page(network)) == 2
    assert f"Side {len(pages)} af {len(pages)}" in pages[-1]
    # The rest of the case follows the cut fields.
    assert text.index("Del 3:") < text.index("Bemærkninger")


def test_a_text_that_fits_is_printed_whole_line_by_line(client, time_machine, direktoer, submit_on):
    purpose = "Første linje\n\n\n\nAnden linje\n" + "ord " * (agenda_pdf.FIELD_CHARACTERS_PRINTED // 8)
    network = submit_on("Sag", datetime.date(2027, 1, 10), purpose=purpose)
    pages = page_texts(read(get_on(client, time_machine, direktoer, PDF + agenda_query(network.pk))))
    page = " ".join(pages)
    assert "Formål Første linje Anden linje ord ord" in page
    assert "Læs resten" not in page


@pytest.mark.parametrize(
    ("text", "printed", "left_out"),
    [
        ("", [], False),
        ("\n\n \n", [], False),
        ("a\n\n\nb\n\n", ["a", "", "b"], False),
        ("x" * agenda_pdf.FIELD_CHARACTERS_PRINTED, ["x" * agenda_pdf.FIELD_CHARACTERS_PRINTED], False),
        ("x" * (agenda_pdf.FIELD_CHARACTERS_PRINTED + 1), ["x" * agenda_pdf.FIELD_CHARACTERS_PRINTED], True),
        ("linje\n" * agenda_pdf.FIELD_LINES_PRINTED, ["linje"] * agenda_pdf.FIELD_LINES_PRINTED, False),
        ("linje\n" * (agenda_pdf.FIELD_LINES_PRINTED + 1), ["linje"] * agenda_pdf.FIELD_LINES_PRINTED, True),
        # Cut at the last space before the limit, not in the middle of a word.
        ("ord " * agenda_pdf.FIELD_CHARACTERS_PRINTED, [("ord " * 750).strip()], True),
    ],
)
def test_what_a_free_text_field_prints(text, printed, left_out):
    assert agenda_pdf.printed_lines(text) == (printed, left_out)


# --- Bounded work for the worst text the API lets in ---------------------------------------------------

# A case's own pages at most, reckoned for the widest letters of the font: each free-text field two
# pages (its characters, and each of its lines just too long for one printed line), the participants
# printed three, the title, findings and decision one.
MOST_PAGES_PER_CASE = 10


def longest_name(field: str) -> int:
    return Participant._meta.get_field(field).max_length


@pytest.fixture
def worst_case(submit_on):
    """A case with every free-text field at the limit of the API and more participants than are printed."""
    network = submit_on("Værste sag", datetime.date(2027, 1, 10))
    Participant.objects.bulk_create(
        Participant(
            network=network,
            name=f"{i:03d}" + "M" * (longest_name("name") - 3),
            organisation="Œ" * longest_name("organisation"),
        )
        for i in range(100)
    )
    return network


def fill_free_text(network, purpose, strategy, mandate) -> None:
    # Straight into the database: the texts the API accepts, whatever the forms would make of them.
    Network.objects.filter(pk=network.pk).update(
        purpose=purpose, strategy_reference=strategy, mandate=mandate
    )


@pytest.mark.parametrize(
    ("shape", "most_printed"),
    [
        # One word with no space: cut at the characters printed.
        (lambda letter: letter * TEXT_MAX_LENGTH, agenda_pdf.FIELD_CHARACTERS_PRINTED),
        # A line break after every character: cut at the lines printed.
        (lambda letter: (letter + "\n") * (TEXT_MAX_LENGTH // 2), agenda_pdf.FIELD_LINES_PRINTED),
        (lambda letter: (letter + "\r\n\n") * (TEXT_MAX_LENGTH // 3), agenda_pdf.FIELD_LINES_PRINTED),
    ],
    ids=["no-spaces", "line-breaks", "blank-lines"],
)
def test_the_worst_case_the_api_allows_prints_a_bounded_part_and_points_to_the_rest(
    client, time_machine, direktoer, worst_case, shape, most_printed
):
    # The widest letters of the font, one to a field, so the fields take the most room they can.
    fill_free_text(worst_case, shape("@"), shape("Æ"), shape("W"))
    pages = page_texts(read(get_on(client, time_machine, direktoer, PDF + agenda_query(worst_case.pk))))

    assert 2 <= len(pages) <= 1 + MOST_PAGES_PER_CASE
    text = "".join(pages)
    compact = text.replace(" ", "")
    for letter in "@ÆW":
        assert 0 < text.count(letter) <= most_printed
        # Each field ends with where to read the rest.
        assert compact[compact.rindex(letter) + 1 :].startswith(
            rest_on_the_case_page(worst_case).replace(" ", "")
        )
    # So does the list of participants: the first ones, each name cut short.
    assert " ".join(pages).count(rest_on_the_case_page(worst_case)) == 4
    shown = agenda_pdf.PARTICIPANTS_PRINTED
    assert f"{shown - 1:03d}MMM" in text and f"{shown:03d}MMM" not in text
    assert compact.count("M…,") == shown and compact.count("Œ…–") == shown
    assert f"og {100 - shown} deltagere mere." in " ".join(pages)
    assert f"Side {len(pages)} af {len(pages)}" in pages[-1]


def lines_reportlab_breaks(monkeypatch, network) -> int:
    """How many lines reportlab breaks text into while laying out the agenda of `network`.

    Counting calls of Paragraph.wrap or split would not show the trouble: one huge paragraph is
    wrapped once a page, but each time all of what is left of it is broken into lines again."""
    broken = 0
    break_lines = Paragraph.breakLines

    def counting(self, width):
        nonlocal broken
        result = break_lines(self, width)
        broken += len(result.lines)
        return result

    monkeypatch.setattr(Paragraph, "breakLines", counting)
    try:
        network = Network.objects.with_related().get(pk=network.pk)
        agenda_pdf.render([{"network": network, "findings": [], "days_waiting": 1}], today=TODAY)
    finally:
        monkeypatch.undo()
    return broken


@pytest.mark.parametrize(
    "length",
    [
        600,  # within what a field prints: every line printed
        TEXT_MAX_LENGTH // 2,  # past it: cut
    ],
)
def test_layout_work_grows_at_most_linearly_with_the_text(monkeypatch, worst_case, length):
    def text(size):
        line = "Netværket samler borgere og foreninger om velfærd.\n"
        return (line * (size // len(line) + 1))[:size]

    work = {}
    for size in (length, 2 * length):
        fill_free_text(worst_case, text(size), text(size), text(size))
        work[size] = lines_reportlab_breaks(monkeypatch, worst_case)
    assert work[length] > 0
    assert work[2 * length] / work[length] <= 2.2


# Characters that have broken documents elsewhere: controls, bidi overrides and isolates, zero-width
# and byte-order marks, emoji with modifiers, CJK, spreadsheet formula prefixes and markup.
# NUL is left out: PostgreSQL cannot store it (the forms and the API refuse it before it gets here).
NASTY = [
    "\x07", "\x1b", "\t", "\r", "\n", "\r\n", "\x7f", "\x85", "\u2028", "\u2029",
    "\u202e", "\u202d", "\u200f", "\u200e", "\u2066", "\u2069", "\u200b", "\u200d", "\ufeff",
    "😀", "👍🏽", "❤️", "👨‍👩‍👧", "🇩🇰", "東京", "ﷺ", "e\u0301", "\u0301",
    "=", "+", "-", "@", "=HYPERLINK(\"http://x\")", "=cmd|' /C calc'!A0",
    "<", ">", "&", "&amp;", "<br/>", "</para>", "<img src='/etc/passwd'/>", "<font name='Nope'>",
]  # fmt: skip
_CHARACTER = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
_PIECE = st.one_of(st.sampled_from(NASTY), st.text(_CHARACTER, min_size=1, max_size=20))
_TEXT = st.lists(_PIECE, max_size=40).map("".join)


def _long(limit: int):
    """A short nasty text repeated up to `limit` characters: the very long strings."""
    return st.tuples(_TEXT.filter(bool), st.integers(1, limit)).map(lambda pair: (pair[0] * limit)[: pair[1]])


def _upto(limit: int):
    return st.one_of(_TEXT.map(lambda text: text[:limit]), _long(limit))


@given(
    title=_upto(200),
    theme=_upto(200),
    purpose=_upto(TEXT_MAX_LENGTH),
    strategy=_upto(TEXT_MAX_LENGTH),
    mandate=_upto(TEXT_MAX_LENGTH),
    name=_upto(200),
)
@hypothesis_settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    database=None,
    # A failing example is reported as found: shrinking a PDF's input runs for minutes.
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
def test_any_text_the_fields_can_hold_gives_a_pdf(
    client, time_machine, direktoer, worst_case, title, theme, purpose, strategy, mandate, name
):
    Network.objects.filter(pk=worst_case.pk).update(
        title=title.strip() or "Sag",
        theme=theme,
        purpose=purpose,
        strategy_reference=strategy,
        mandate=mandate,
    )
    Participant.objects.filter(network=worst_case).update(name=name, organisation=name)
    reader = read(get_on(client, time_machine, direktoer, PDF + agenda_query(worst_case.pk)))
    assert 2 <= len(reader.pages) <= 1 + MOST_PAGES_PER_CASE
    assert "Side 1 af" in page_texts(reader)[0]
    assert len(reader.outline) == 1


def test_repeated_ids_give_a_case_once(client, time_machine, direktoer, cases):
    pk = cases["old"].pk
    reader = read(get_on(client, time_machine, direktoer, PDF + agenda_query(pk, pk, pk)))
    assert len(reader.pages) == 2


def test_cases_that_do_not_wait_and_foreign_ids_are_left_out_as_on_the_page(
    client, time_machine, direktoer, cases, decided_case, draft_innovation, draft_welfare
):
    approved = decided_case
    ids = [cases["young"].pk, approved.pk, draft_innovation.pk, draft_welfare.pk, 999999, "abc"]

    response = get_on(client, time_machine, direktoer, PDF + agenda_query(*ids))
    text = " ".join(page_texts(read(response)))
    assert "Ung sag" in text
    for title in ("Godkendt sag", draft_innovation.title, draft_welfare.title, "Gammel sag"):
        assert title not in text
    html = client.get(HTML + agenda_query(*ids))
    assert [row["network"].pk for row in html.context["cases"]] == [cases["young"].pk]


@pytest.mark.parametrize(
    "query_string",
    [
        "",
        "?sag=",
        "?sag=abc",
        "?sag=-1",
        "?sag=1.0",
        "?sag=²",
        "?sag=99999999999999999999999",
        "?sag=999999",
        "?andet=1",
    ],
)
def test_no_valid_waiting_case_sends_back_to_the_dashboard_like_the_page(
    client, direktoer, network_types, query_string
):
    client.force_login(direktoer)
    response = client.get(PDF + query_string)
    assert response.status_code == 302
    assert response["Location"] == DIREKTOERFORUM_URL
    assert PICK_ONE_CASE in client.get(DIREKTOERFORUM_URL).content.decode()
    html = client.get(HTML + query_string)
    assert (html.status_code, html["Location"]) == (302, DIREKTOERFORUM_URL)


def test_a_case_that_is_no_longer_waiting_sends_back_to_the_dashboard(
    client, direktoer, submitted_innovation
):
    services.network_approve(network=submitted_innovation, by=direktoer)
    client.force_login(direktoer)
    response = client.get(PDF + agenda_query(submitted_innovation.pk), follow=True)
    assert response.redirect_chain == [(DIREKTOERFORUM_URL, 302)]
    assert PICK_ONE_CASE in response.content.decode()


@pytest.mark.parametrize("persona", ["anonymous", "leader", "other_leader", "outsider"])
def test_anyone_else_gets_what_the_page_gives_them(login, persona, submitted_innovation):
    client = login(persona)
    pdf = client.get(PDF + agenda_query(submitted_innovation.pk))
    html = client.get(HTML + agenda_query(submitted_innovation.pk))
    if persona == "anonymous":
        assert_sent_to_login(pdf)
        assert_sent_to_login(html)
        assert pdf["Location"] == html["Location"].replace("dagsorden/", "dagsorden.pdf")
    else:
        assert pdf.status_code == html.status_code == 403
        assert pdf["Content-Type"] != "application/pdf"


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_it_rejects_anything_but_get(client, direktoer, submitted_innovation, method):
    client.force_login(direktoer)
    assert getattr(client, method)(PDF + agenda_query(submitted_innovation.pk)).status_code == 405


def test_the_agenda_page_links_to_the_pdf_of_its_cases(client, time_machine, direktoer, cases):
    ids = [cases["young"].pk, "abc", cases["old"].pk, 999999]
    response = get_on(client, time_machine, direktoer, HTML + agenda_query(*ids))
    page = response.content.decode()
    link = f'<a href="{PDF}?sag={cases["old"].pk}&amp;sag={cases["young"].pk}">Hent som PDF</a>'
    assert link in page
    # A screen-only link: the paragraph it is in is hidden in print.
    paragraph = next(line for line in page.splitlines() if "Hent som PDF" in line)
    assert paragraph.startswith('<p class="no-print d-print-none">')
    assert "Brug browserens udskriftsfunktion for at udskrive dagsordenen." in paragraph


# session, user, the user's groups (role check),
# the chosen waiting networks with type and leader (and submitted_at), their participants, their meetings
AGENDA_PDF_QUERIES = 6


@pytest.mark.parametrize("count", [1, 5])
def test_query_count_does_not_grow_with_more_cases(
    client, time_machine, direktoer, submit_on, count, django_assert_num_queries
):
    networks = [submit_on(f"Sag {i}", datetime.date(2027, 1, 1 + i)) for i in range(5)]
    for network in networks:
        add_core(network, 2)
    time_machine.move_to(at(TODAY, 12), tick=False)
    client.force_login(direktoer)
    with django_assert_num_queries(AGENDA_PDF_QUERIES):
        response = client.get(PDF + agenda_query(*(n.pk for n in networks[:count])))
    assert len(read(response).pages) == 1 + count


def test_the_leaders_name_falls_back_to_the_username(client, time_machine, direktoer, submit_on):
    network = submit_on("Sag uden navn", datetime.date(2027, 1, 10))
    User.objects.filter(pk=network.leader_id).update(first_name="", last_name="")
    _title_page, page = page_texts(
        read(get_on(client, time_machine, direktoer, PDF + agenda_query(network.pk)))
    )
    assert "Netværksleder leder" in page
