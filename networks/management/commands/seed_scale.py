"""A large, realistic, deterministic data set for benchmarks: `seed_scale --networks 10000`.

Rows are written with `bulk_create`, going around `networks.services` for speed, but every network
is in a state the services could have brought it to: its history is walked forward from the day it
was created (submitted, decided, started, concluded or cancelled) and stops where "today" falls.
So a started network has a sprint, enough core participants and meetings, a clarified mandate and
`started_at`; an innovation network past draft has a StatusChange to "submitted" and a Decision
for every decided round; a learning network never has more non-cancelled meetings than its type
allows. Every rule number (the longest sprint, the meeting plan, the plan's months and tolerance,
the core minimum) is read from the type's row. `tests/test_seed_scale.py` checks this against
`networks.rules`.

The same --seed and --today give the same data. People recur across networks by email.
"""

from __future__ import annotations

import contextlib
import datetime
import random
import time
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from networks import roles
from networks.dates import add_months
from networks.models import (
    ActorCategory,
    Decision,
    DecisionOutcome,
    Meeting,
    MeetingStatus,
    Network,
    NetworkType,
    NetworkTypeCode,
    Participant,
    ParticipantRole,
    Status,
    StatusChange,
    WelfareTrack,
)

LEADERS = 50
DIREKTOERFORUM_MEMBERS = 5
ADMINISTRATORS = 2
# The benchmark's leader dashboard is measured for leder01, who leads this many networks at any N.
DASHBOARD_LEADER_NETWORKS = 25
# The busiest leader, leder02, leads this share of all networks (250 at N = 10.000, 2 at N = 100):
# more than any other leader, so the benchmark can show a dashboard that does not grow with history.
BUSIEST_LEADER_SHARE = 0.025
CHUNK = 1000
YEAR = 365

# Share of each type, and each type's statuses, in the whole data set: most networks in several
# years of history are concluded; the open ones are the recent ones.
TYPE_WEIGHTS = {NetworkTypeCode.WELFARE: 45, NetworkTypeCode.LEARNING: 40, NetworkTypeCode.INNOVATION: 15}
STATUS_WEIGHTS = {
    NetworkTypeCode.INNOVATION: {
        Status.DRAFT: 8,
        Status.SUBMITTED: 2,
        Status.APPROVED: 4,
        Status.REJECTED: 8,
        Status.ACTIVE: 22,
        Status.CONCLUDED: 46,
        Status.CANCELLED: 10,
    },
    NetworkTypeCode.WELFARE: {Status.DRAFT: 4, Status.ACTIVE: 5, Status.CONCLUDED: 83, Status.CANCELLED: 8},
    NetworkTypeCode.LEARNING: {Status.DRAFT: 5, Status.ACTIVE: 14, Status.CONCLUDED: 73, Status.CANCELLED: 8},
}

_FIRST_NAMES = (
    "Anne Mette Hanne Susanne Lene Karen Marianne Camilla Louise Maria Sofie Ida Emma Freja Nadia "
    "Fatima Aisha Zeynep Birgitte Tina Helle Pia Rikke Signe Julie Line Jens Peter Lars Michael "
    "Henrik Søren Thomas Martin Jesper Niels Anders Rasmus Mikkel Frederik Mads Jonas Ali Mohammed "
    "Omar Hassan Emre Kasper Christian Morten Bo Ole Torben Jørgen Kim Steen"
)
_LAST_NAMES = (
    "Nielsen Jensen Hansen Pedersen Andersen Christensen Larsen Sørensen Rasmussen Jørgensen "
    "Petersen Madsen Kristensen Olsen Thomsen Christiansen Poulsen Johansen Møller Mortensen Holm "
    "Berg Winther Kjær Brandt Dahl Lund Bach Juhl Østergaard Demir Yilmaz Hussein Khan Ahmadi "
    "Nguyen Kowalski"
)
FIRST_NAMES, LAST_NAMES = _FIRST_NAMES.split(), _LAST_NAMES.split()
PLACES = (
    "Hedemarken",
    "Galgebakken",
    "Albertslund Syd",
    "Albertslund Nord",
    "Herstedlund",
    "Herstedøster",
    "Vridsløselille",
    "Kanalgaden",
    "Blommehaven",
    "Birkelundgård",
    "Råhøj",
    "Sletbrovej",
    "Egelundsparken",
    "Topstykket",
    "hele kommunen",
)
THEMES = {
    NetworkTypeCode.INNOVATION: (
        ("Klimatilpasning", "Grønne tage og regnvand"),
        ("Fremtidens velfærd", "Velfærd med borgerne som medskabere"),
        ("Frivillighed", "Frivillighed og velfærd"),
        ("Bæredygtig by", "Den cirkulære bydel"),
        ("Unge og uddannelse", "Alle unge i uddannelse eller job"),
        ("Sundhed", "Lighed i sundhed"),
        ("Erhverv", "Lokale virksomheder i den grønne omstilling"),
        ("Boligområder", "Trygge boligområder"),
    ),
    NetworkTypeCode.WELFARE: (
        ("Ensomhed", "Ensomhed blandt ældre"),
        ("Udsatte familier", "Hurtigere hjælp til udsatte familier"),
        ("Rehabilitering", "Hverdagsrehabilitering"),
        ("Beskæftigelse", "Vejen til job for ledige med handicap"),
        ("Skolefravær", "Færre fraværsdage i udskolingen"),
        ("Demens", "Pårørende til borgere med demens"),
        ("Hjemmepleje", "Færre skift i hjemmeplejen"),
        ("Mental sundhed", "Unges mentale sundhed"),
    ),
    NetworkTypeCode.LEARNING: (
        ("Digitalisering", "Kunstig intelligens i sagsbehandlingen"),
        ("Ledelse", "Ledelse på tværs"),
        ("Borgerdialog", "Gode borgermøder"),
        ("Sprog", "Klarsprog i breve til borgerne"),
        ("Projektledelse", "Projektledelse i praksis"),
        ("Arbejdsmiljø", "Psykisk arbejdsmiljø"),
        ("Data", "Data i den daglige drift"),
        ("Samskabelse", "Samskabelse med civilsamfundet"),
    ),
}
ORGANISATIONS = {
    ActorCategory.EMPLOYEE: (
        "Albertslund Kommune, Børn og Skole",
        "Albertslund Kommune, Social og Sundhed",
        "Albertslund Kommune, By, Miljø og Erhverv",
        "Albertslund Kommune, Kultur og Fritid",
        "Albertslund Kommune, Jobcenter",
        "Albertslund Kommune, Digitalisering",
    ),
    ActorCategory.CITIZEN: ("",),
    ActorCategory.VOLUNTEER: ("Røde Kors Albertslund", "Ældre Sagen Albertslund", "Frivilligcentret"),
    ActorCategory.BUSINESS: ("Vestforbrænding", "Albertslund Centrum", "Hedemarken Byg ApS", "Novafos"),
    ActorCategory.KNOWLEDGE_INSTITUTION: ("Københavns Professionshøjskole", "DTU", "Roskilde Universitet"),
    ActorCategory.INTEREST_ORGANISATION: ("Boligselskabet AB", "Handicaprådet", "Ældrerådet"),
    ActorCategory.POLITICIAN: ("Albertslund Byråd",),
    ActorCategory.MANAGEMENT: ("Direktionen", "Chefforum"),
    ActorCategory.EXPERT: ("Rambøll", "VIVE", "Nationalt Videnscenter for Demens"),
    ActorCategory.OTHER: ("",),
}
CATEGORY_WEIGHTS = {
    ActorCategory.EMPLOYEE: 44,
    ActorCategory.CITIZEN: 15,
    ActorCategory.VOLUNTEER: 8,
    ActorCategory.BUSINESS: 6,
    ActorCategory.KNOWLEDGE_INSTITUTION: 6,
    ActorCategory.INTEREST_ORGANISATION: 6,
    ActorCategory.POLITICIAN: 4,
    ActorCategory.MANAGEMENT: 4,
    ActorCategory.EXPERT: 5,
    ActorCategory.OTHER: 2,
}
# The actor type each network type's warnings ask for, and how often a network has someone of it.
KEY_CATEGORY = {
    NetworkTypeCode.INNOVATION: ((ActorCategory.POLITICIAN, ActorCategory.MANAGEMENT), 0.8),
    NetworkTypeCode.WELFARE: ((ActorCategory.CITIZEN,), 0.85),
    NetworkTypeCode.LEARNING: ((ActorCategory.EXPERT,), 0.7),
}
# A welfare network's plan and outcome per track.
TRACK_PLANS = {
    WelfareTrack.RELATIONAL_COORDINATION: "Fælles tavlemøde hver uge for alle faggrupper omkring borgeren.",
    WelfareTrack.CITIZEN_PARTICIPATION: "Borgere og pårørende er med på hvert møde og tester idéerne.",
    WelfareTrack.INNOVATION: "Tre små forsøg, der prøves af i to uger og vurderes sammen med borgerne.",
}
TRACK_OUTCOMES = {
    WelfareTrack.RELATIONAL_COORDINATION: "Tavlemødet fortsætter; faggrupperne kender hinandens opgaver.",
    WelfareTrack.CITIZEN_PARTICIPATION: "Borgerne var med til at vælge, hvilket forsøg der fortsætter.",
    WelfareTrack.INNOVATION: "Ét af de tre forsøg er gjort til fast praksis.",
}
ASCII = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "Ae", "Ø": "Oe", "Å": "Aa"})


def seed_usernames() -> set[str]:
    return {
        *(f"leder{n:02d}" for n in range(1, LEADERS + 1)),
        *(f"direktoer{n:02d}" for n in range(1, DIREKTOERFORUM_MEMBERS + 1)),
        *(f"administrator{n:02d}" for n in range(1, ADMINISTRATORS + 1)),
    }


@contextlib.contextmanager
def timestamps_as_given():
    """Let bulk_create keep the historical timestamps set on the rows instead of "now"."""
    fields = [
        Network._meta.get_field("created_at"),
        Network._meta.get_field("updated_at"),
        Decision._meta.get_field("decided_at"),
        StatusChange._meta.get_field("changed_at"),
    ]
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    try:
        for f in fields:
            f.auto_now = f.auto_now_add = False
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


@dataclass
class Person:
    name: str
    email: str
    organisation: str
    category: str


@dataclass
class Plan:
    """One network's history, as day offsets from the day it was created."""

    type_code: str
    status: str
    age: int = 0
    events: list = field(default_factory=list)  # (offset, from, to, actor kind, comment)
    decisions: list = field(default_factory=list)  # (offset, round, outcome, comment)
    start: int | None = None
    conclude: int | None = None
    sprint: tuple[int, int] | None = None
    planned: tuple[int, int] | None = None
    rounds: int = 0
    # The day it was concluded or cancelled, after which nothing about it changes.
    closed: int | None = None


class Generator:
    def __init__(self, rng: random.Random, today: datetime.date, types: dict[str, NetworkType]):
        self.rng = rng
        self.today = today
        self.types = types
        self.tz = timezone.get_current_timezone()

    # --- Time ---------------------------------------------------------------------------------

    def moment(self, day: datetime.date, hour_from: int = 8, hour_to: int = 16) -> datetime.datetime:
        rng = self.rng
        return datetime.datetime.combine(
            day, datetime.time(rng.randint(hour_from, hour_to), rng.choice((0, 15, 30, 45))), tzinfo=self.tz
        )

    def window(self, enter: int, leave: int | None, span: int = 4 * YEAR) -> int:
        """An age at which the network is in a state entered at `enter` and left at `leave`."""
        last = leave if leave is not None else enter + span
        return self.rng.randint(enter + 1, max(enter + 1, last))

    # --- One network's history --------------------------------------------------------------------

    def plan(self, type_code: str, status: str) -> Plan:
        plan = Plan(type_code, status)
        getattr(self, f"_plan_{type_code}")(plan)
        return plan

    def _cancel(self, plan: Plan, states: dict[str, tuple[int, int | None]]) -> None:
        """Cancel the network while it is in one of its open states (chosen at random)."""
        before = self.rng.choice(list(states))
        enter, leave = states[before]
        last = (leave - 1) if leave is not None else enter + 120
        cancelled_at = self.rng.randint(enter + 1, max(enter + 1, last))
        plan.events = [e for e in plan.events if e[0] <= enter]
        plan.decisions = [d for d in plan.decisions if d[0] <= enter]
        plan.events.append((cancelled_at, before, Status.CANCELLED, "leader", "Netværket er lagt i bero."))
        if plan.start is not None and plan.start > enter:
            plan.start = None
        plan.conclude = None
        plan.closed = cancelled_at
        plan.age = self.window(cancelled_at, None, span=3 * YEAR)

    def _finish(self, plan: Plan, states: dict[str, tuple[int, int | None]]) -> None:
        """Keep the history up to the plan's status and pick an age inside it."""
        if plan.status == Status.CANCELLED:
            open_states = {s: w for s, w in states.items() if s not in (Status.REJECTED, Status.CONCLUDED)}
            self._cancel(plan, open_states)
            return
        enter, leave = states[plan.status]
        plan.events = [e for e in plan.events if e[0] <= enter]
        plan.decisions = [d for d in plan.decisions if d[0] <= enter]
        if plan.start is not None and plan.start > enter:
            plan.start = None
        if plan.conclude is not None and plan.conclude > enter:
            plan.conclude = None
        plan.closed = plan.conclude
        plan.age = self.window(enter, leave)

    def _jitter(self, type_code: str, most: int) -> int:
        """Days a plan's end strays from its months: up to `most`, never past the type's tolerance."""
        return min(most, self.types[type_code].duration_tolerance_days)

    def _plan_welfare(self, plan: Plan) -> None:
        rng = self.rng
        # From half the type's longest sprint up to the longest, first and last day counted.
        longest = self.types[plan.type_code].sprint_max_days - 1
        sprint_start = rng.randint(14, 45)
        sprint_end = sprint_start + rng.randint(longest // 2, longest)
        start = max(1, sprint_start - rng.randint(0, 5))
        conclude = sprint_end + rng.randint(1, 21)
        plan.sprint = (sprint_start, sprint_end)
        self._start_then_conclude(plan, start, conclude)

    def _plan_learning(self, plan: Plan) -> None:
        rng = self.rng
        usual = self.types[plan.type_code].plan_months
        planned_start = rng.randint(14, 40)
        # A few plans the report flags: half or one and a half times the type's months.
        months = usual if rng.random() < 0.95 else rng.choice((usual // 2, usual * 3 // 2))
        jitter = self._jitter(plan.type_code, 10)
        planned_end = planned_start + self._months(planned_start, months) + rng.randint(-jitter, jitter)
        start = max(1, planned_start - rng.randint(0, 7))
        conclude = planned_end + rng.randint(1, 21)
        plan.planned = (planned_start, planned_end)
        self._start_then_conclude(plan, start, conclude)

    def _start_then_conclude(self, plan: Plan, start: int, conclude: int) -> None:
        """The life of a network without approval: a draft, started on `start`, concluded on `conclude`."""
        plan.start, plan.conclude = start, conclude
        plan.events = [
            (start, Status.DRAFT, Status.ACTIVE, "leader", ""),
            (conclude, Status.ACTIVE, Status.CONCLUDED, "leader", ""),
        ]
        states = {
            Status.DRAFT: (0, start),
            Status.ACTIVE: (start, conclude),
            Status.CONCLUDED: (conclude, None),
        }
        self._finish(plan, states)

    def _plan_innovation(self, plan: Plan) -> None:
        rng = self.rng
        states: dict[str, tuple[int, int | None]] = {}
        submitted = rng.randint(10, 45)
        decided = submitted + rng.randint(7, 35)
        plan.events = [(submitted, Status.DRAFT, Status.SUBMITTED, "leader", "")]
        draft_windows = [(0, submitted)]
        rounds = 1
        if rng.random() < 0.3 or plan.status == Status.DRAFT and rng.random() < 0.5:
            comment = "Uddyb, hvordan borgerne inddrages, og hvem der har mandatet."
            plan.decisions.append((decided, 1, DecisionOutcome.CHANGES_REQUESTED, comment))
            plan.events.append((decided, Status.SUBMITTED, Status.DRAFT, "direktoerforum", comment))
            resubmitted = decided + rng.randint(10, 40)
            draft_windows.append((decided, resubmitted))
            plan.events.append((resubmitted, Status.DRAFT, Status.SUBMITTED, "leader", ""))
            submitted, decided, rounds = resubmitted, resubmitted + rng.randint(7, 35), 2
        states[Status.DRAFT] = rng.choice(draft_windows)
        states[Status.SUBMITTED] = (submitted, decided)
        # The plan is written while the network is a draft, to start some weeks after the decision.
        planned_start = decided + rng.randint(14, 45)
        usual = self.types[plan.type_code].plan_months
        months = usual if rng.random() < 0.95 else usual * 3 // 2
        jitter = self._jitter(plan.type_code, 20)
        planned_end = planned_start + self._months(planned_start, months) + rng.randint(-jitter, jitter)
        plan.planned = (planned_start, planned_end)
        if plan.status == Status.REJECTED:
            comment = "Forslaget ligger uden for de politiske pejlemærker for i år."
            plan.decisions.append((decided, rounds, DecisionOutcome.REJECTED, comment))
            plan.events.append((decided, Status.SUBMITTED, Status.REJECTED, "direktoerforum", comment))
            states[Status.REJECTED] = (decided, None)
        else:
            plan.decisions.append((decided, rounds, DecisionOutcome.APPROVED, ""))
            plan.events.append((decided, Status.SUBMITTED, Status.APPROVED, "direktoerforum", ""))
            start = max(decided + 1, planned_start - rng.randint(0, 7))
            conclude = planned_end + rng.randint(1, 30)
            plan.start, plan.conclude = start, conclude
            plan.events.append((start, Status.APPROVED, Status.ACTIVE, "leader", ""))
            plan.events.append((conclude, Status.ACTIVE, Status.CONCLUDED, "leader", ""))
            states[Status.APPROVED] = (decided, start)
            states[Status.ACTIVE] = (start, conclude)
            states[Status.CONCLUDED] = (conclude, None)
        self._finish(plan, states)
        # A draft sent back with changes requested keeps its round; a first draft has none.
        plan.rounds = sum(1 for e in plan.events if e[2] == Status.SUBMITTED)

    def _months(self, offset: int, months: int) -> int:
        # Calendar months from a day offset; the creation day is not known yet, so a fixed epoch.
        day = datetime.date(2024, 1, 1) + datetime.timedelta(days=offset)
        return (add_months(day, months) - day).days


class Command(BaseCommand):
    help = (
        "Fylder databasen med et stort, realistisk og reproducerbart datasæt til benchmarks: "
        "N netværk af de tre typer i alle statusser, 8–25 deltagere hver (personer går igen på "
        "tværs af netværk), møder efter typernes regler, Direktørforums beslutninger, ca. 50 ledere. "
        "Kun til tomme test- og benchmarkdatabaser – aldrig i produktion."
    )

    def add_arguments(self, parser):
        parser.add_argument("--networks", type=int, required=True, help="Antal netværk (N).")
        parser.add_argument("--seed", type=int, default=1, help="Samme seed giver samme data (standard 1).")
        parser.add_argument(
            "--today",
            help="Datoen, historikken regnes frem til (ÅÅÅÅ-MM-DD); standard er i dag.",
        )
        parser.add_argument(
            "--password",
            help="Adgangskode til de oprettede brugere; uden den kan de ikke logge ind med adgangskode.",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Tilføj netværk, selv om databasen allerede har netværk (brugerne genbruges).",
        )

    def handle(self, *args, networks: int, seed: int, today=None, password=None, force=False, **options):
        if networks < 1:
            raise CommandError("--networks skal være mindst 1.")
        try:
            today = datetime.date.fromisoformat(today) if today else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"Ugyldig dato: {today!r}. Brug formatet ÅÅÅÅ-MM-DD.") from exc
        self._refuse_unless_empty(force)
        if not NetworkType.objects.exists():
            call_command("loaddata", "network_types", verbosity=0)
        started = time.monotonic()
        rng = random.Random(seed)
        with transaction.atomic():
            users = self._users(password)
            generator = Generator(rng, today, {t.code: t for t in NetworkType.objects.all()})
            people = _people(rng, max(300, networks * 6))
            with timestamps_as_given():
                counts = _Writer(generator, users, people).write(networks)
        if connection.vendor == "postgresql":
            # Fresh statistics after a bulk load, as autovacuum would gather them in time; without
            # them the planner takes the new tables for empty and picks nested loops over all rows.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        counts["seconds"] = round(time.monotonic() - started, 1)
        self.stdout.write(
            self.style.SUCCESS(
                "Oprettet {networks} netværk, {participants} deltagelser, {meetings} møder, "
                "{decisions} beslutninger på {seconds} s.".format(**counts)
            )
        )

    def _refuse_unless_empty(self, force: bool) -> None:
        existing = Network.objects.count()
        if not existing or force:
            return
        ours = Network.objects.filter(leader__username__in=seed_usernames()).count()
        if ours == existing:
            raise CommandError(
                f"Databasen har allerede {existing} netværk fra seed_scale. Brug en ny database, "
                "eller tilføj --force for at lægge flere til."
            )
        raise CommandError(
            f"Databasen har {existing - ours} netværk, som seed_scale ikke har lavet. seed_scale fylder "
            "kun tomme test- og benchmarkdatabaser; --force tilføjer alligevel (aldrig i produktion)."
        )

    def _users(self, password: str | None) -> dict[str, list[User]]:
        # One hash for all: hashing fifty-odd passwords one by one would take most of the run.
        hashed = make_password(password) if password else make_password(None)
        groups = {name: Group.objects.get(name=name) for name in roles.ROLE_GROUPS}
        people = [
            ("leder", LEADERS, roles.LEADERS, False),
            ("direktoer", DIREKTOERFORUM_MEMBERS, roles.DIREKTOERFORUM, False),
            ("administrator", ADMINISTRATORS, roles.ADMINISTRATORS, True),
        ]
        names = random.Random(0)
        users: dict[str, list[User]] = {}
        for prefix, count, group, staff in people:
            users[prefix] = []
            for n in range(1, count + 1):
                user, created = User.objects.get_or_create(
                    username=f"{prefix}{n:02d}",
                    defaults={
                        "first_name": names.choice(FIRST_NAMES),
                        "last_name": names.choice(LAST_NAMES),
                        "email": f"{prefix}{n:02d}@example.com",
                        "is_staff": staff,
                        "password": hashed,
                    },
                )
                if not created and password:
                    User.objects.filter(pk=user.pk).update(password=hashed)
                user.groups.add(groups[group])
                users[prefix].append(user)
        return users


def _people(rng: random.Random, count: int) -> list[Person]:
    """The pool participants are drawn from; a person keeps name, email and actor type everywhere."""
    categories = list(CATEGORY_WEIGHTS)
    weights = list(CATEGORY_WEIGHTS.values())
    used: dict[str, int] = {}
    people = []
    for _ in range(count):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        category = rng.choices(categories, weights)[0]
        organisation = rng.choice(ORGANISATIONS[category])
        email = ""
        if category not in (ActorCategory.CITIZEN, ActorCategory.OTHER) or rng.random() < 0.6:
            base = f"{first}.{last}".lower().translate(ASCII)
            used[base] = used.get(base, 0) + 1
            suffix = "" if used[base] == 1 else str(used[base])
            domain = (
                "example.com"
                if category in (ActorCategory.EMPLOYEE, ActorCategory.MANAGEMENT)
                else "example.org"
            )
            email = f"{base}{suffix}@{domain}"
        people.append(Person(f"{first} {last}", email, organisation, category))
    return people


class _Writer:
    def __init__(self, generator: Generator, users: dict[str, list[User]], people: list[Person]):
        self.g = generator
        self.rng = generator.rng
        self.users = users
        self.people = people
        self.by_category: dict[str, list[int]] = {}
        for index, person in enumerate(people):
            self.by_category.setdefault(person.category, []).append(index)
        self.counts = {"networks": 0, "participants": 0, "meetings": 0, "decisions": 0}

    def write(self, total: int) -> dict:
        rng = self.rng
        combos = [
            (t, s)
            for t in (NetworkTypeCode.INNOVATION, NetworkTypeCode.WELFARE, NetworkTypeCode.LEARNING)
            for s in STATUS_WEIGHTS[t]
        ]
        dashboard_share = min(DASHBOARD_LEADER_NETWORKS, total // 4)
        busiest_share = int(total * BUSIEST_LEADER_SHARE)
        slots = rng.sample(range(total), dashboard_share + busiest_share)
        dashboard_slots, busiest_slots = set(slots[:dashboard_share]), set(slots[dashboard_share:])
        leaders = self.users["leder"]
        for first in range(0, total, CHUNK):
            batch = []
            for index in range(first, min(first + CHUNK, total)):
                if index < len(combos):
                    # Every type in every status it can have, whatever N is.
                    type_code, status = combos[index]
                else:
                    type_code = rng.choices(list(TYPE_WEIGHTS), list(TYPE_WEIGHTS.values()))[0]
                    weights = STATUS_WEIGHTS[type_code]
                    status = rng.choices(list(weights), list(weights.values()))[0]
                if index in dashboard_slots:
                    leader = leaders[0]
                elif index in busiest_slots:
                    leader = leaders[1]
                else:
                    leader = rng.choice(leaders[2:])
                batch.append((self.g.plan(type_code, status), leader))
            self._write_batch(batch)
        return self.counts

    # --- One batch of networks, and their rows --------------------------------------------------

    def _write_batch(self, batch: list[tuple[Plan, User]]) -> None:
        g, rng = self.g, self.rng
        networks, details = [], []
        for plan, leader in batch:
            created = g.today - datetime.timedelta(days=plan.age)
            network = self._network(plan, leader, created)
            networks.append(network)
            details.append((plan, network, created))
        Network.objects.bulk_create(networks)

        participants, per_network = [], []
        for plan, network, created in details:
            rows = self._participants(plan, network, created)
            participants.extend(rows)
            per_network.append(rows)
        Participant.objects.bulk_create(participants)

        meetings, attendance = [], []
        for (plan, network, created), members in zip(details, per_network, strict=True):
            for meeting in self._meetings(plan, network, created):
                meetings.append(meeting)
                attendance.append(members if meeting.status == MeetingStatus.HELD else None)
        Meeting.objects.bulk_create(meetings)

        through = Meeting.attendees.through
        links = []
        for meeting, members in zip(meetings, attendance, strict=True):
            if not members:
                continue
            day = timezone.localdate(meeting.starts_at)
            for p in members:
                present = (p.joined_on is None or p.joined_on <= day) and (
                    p.left_on is None or p.left_on >= day
                )
                if present and rng.random() < (0.85 if p.role == ParticipantRole.CORE else 0.4):
                    links.append(through(meeting_id=meeting.pk, participant_id=p.pk))
        through.objects.bulk_create(links)

        changes, decisions = [], []
        for plan, network, created in details:
            decided = self._decisions(plan, network, created)
            decisions.extend(decided.values())
            changes.extend(self._status_changes(plan, network, created, decided))
        StatusChange.objects.bulk_create(changes)
        Decision.objects.bulk_create(decisions)

        self.counts["networks"] += len(networks)
        self.counts["participants"] += len(participants)
        self.counts["meetings"] += len(meetings)
        self.counts["decisions"] += len(decisions)

    def _day(self, created: datetime.date, offset: int | None) -> datetime.date | None:
        return None if offset is None else created + datetime.timedelta(days=offset)

    def _network(self, plan: Plan, leader: User, created: datetime.date) -> Network:
        g, rng = self.g, self.rng
        code = plan.type_code
        type_ = g.types[code]
        theme, title = rng.choice(THEMES[code])
        opened = plan.status != Status.DRAFT or plan.rounds > 0
        started = plan.start is not None
        network = Network(
            title=f"{title} i {rng.choice(PLACES)}",
            theme=theme,
            type=type_,
            leader=leader,
            status=plan.status,
            submission_round=plan.rounds,
            created_at=g.moment(created),
        )
        if opened or rng.random() < 0.8:
            network.purpose = f"At finde nye veje i arbejdet med {theme.lower()}, sammen med dem det angår."
        if code == NetworkTypeCode.INNOVATION and (opened or rng.random() < 0.7):
            network.strategy_reference = "Byrådets vision for Albertslund 2030."
        if started or rng.random() < 0.6:
            network.mandate = "Direktionen har givet mandat til at afprøve nye arbejdsgange."
            network.mandate_clarified = True
        if plan.sprint and (started or plan.age > 7 or rng.random() < 0.5):
            network.sprint_start = self._day(created, plan.sprint[0])
            network.sprint_end = self._day(created, plan.sprint[1])
            # A started network has a plan for every track; a draft may still lack some.
            planned = rng.sample(WelfareTrack.values, rng.randint(1, 3))
            network.track_plans = {
                track: TRACK_PLANS[track] if started or track in planned else ""
                for track in WelfareTrack.values
            }
        if plan.planned:
            network.planned_start = self._day(created, plan.planned[0])
            network.planned_end = self._day(created, plan.planned[1])
        if plan.start is not None:
            network.started_at = g.moment(self._day(created, plan.start))
        if plan.conclude is not None:
            network.concluded_at = g.moment(self._day(created, plan.conclude))
            network.outcome_summary = (
                f"Netværket har afprøvet tre nye måder at arbejde med {theme.lower()} på."
            )
            if network.track_plans:
                network.track_outcomes = {track: TRACK_OUTCOMES[track] for track in WelfareTrack.values}
        elif plan.status == Status.ACTIVE and rng.random() < 0.1:
            network.outcome_summary = "Foreløbige erfaringer samles løbende."
        last_event = max((e[0] for e in plan.events), default=0)
        network.updated_at = g.moment(self._day(created, last_event))
        return network

    def _last_day(self, plan: Plan, created: datetime.date) -> datetime.date:
        """The last day anything about the network changed: its closing, or yesterday."""
        yesterday = self.g.today - datetime.timedelta(days=1)
        closed = self._day(created, plan.closed)
        return min(closed, yesterday) if closed else yesterday

    def _participants(self, plan: Plan, network: Network, created: datetime.date) -> list[Participant]:
        rng, g = self.rng, self.g
        minimum_core = g.types[plan.type_code].min_core_participants
        # 8–25 people, and always more than the type's core minimum.
        count = max(round(rng.triangular(8, 25, 22)), minimum_core + 1)
        chosen: list[int] = []
        categories, share = KEY_CATEGORY[plan.type_code]
        if rng.random() < share:
            chosen.append(rng.choice(self.by_category[rng.choice(categories)]))
        while len(chosen) < count:
            candidate = rng.randrange(len(self.people))
            if candidate not in chosen:
                chosen.append(candidate)
        last_day = self._last_day(plan, created)
        start_day = self._day(created, plan.start)
        rows = []
        for position, index in enumerate(chosen):
            person = self.people[index]
            # The core is complete by the start, and never leaves: a started network keeps its minimum.
            core = position <= minimum_core or rng.random() < 0.55
            latest_join = min(start_day, last_day) if start_day else last_day
            if not core and rng.random() < 0.3:
                latest_join = last_day
            joined = created + datetime.timedelta(days=rng.randint(0, max(0, (latest_join - created).days)))
            left = None
            if not core and rng.random() < 0.08 and joined < last_day:
                left = joined + datetime.timedelta(days=rng.randint(1, (last_day - joined).days))
            commitment = no_commitment_reason = ""
            if plan.type_code == NetworkTypeCode.LEARNING and plan.start is not None and rng.random() < 0.7:
                commitment = "Bruger metoden i mit eget team og deler erfaringerne."
            elif plan.type_code == NetworkTypeCode.LEARNING and plan.status == Status.CONCLUDED and core:
                # A concluded learning network's core has all answered: those without a commitment
                # said why (no further draw, so the rest of the seeded data stays as it was).
                no_commitment_reason = "Skifter stilling, før det lærte kan tages i brug."
            rows.append(
                Participant(
                    network=network,
                    name=person.name,
                    email=person.email,
                    organisation=person.organisation,
                    actor_category=person.category,
                    role=ParticipantRole.CORE if core else ParticipantRole.PERIPHERAL,
                    joined_on=joined,
                    left_on=left,
                    commitment=commitment,
                    no_commitment_reason=no_commitment_reason,
                )
            )
        return rows

    def _meeting_days(self, plan: Plan, network: Network) -> tuple[list[datetime.date], int]:
        """The meetings' days, inside the window they are planned in (a sprint, a plan), on weekdays;
        and how many of the first ones count (a learning network's plan, never cancelled)."""
        rng = self.rng
        code = plan.type_code
        if code == NetworkTypeCode.WELFARE:
            if not network.sprint_start:
                return [], 0
            first, last = network.sprint_start, network.sprint_end
            span = (last - first).days
            days = sorted(
                first + datetime.timedelta(days=rng.randint(0, span)) for _ in range(rng.randint(3, 6))
            )
            counted = 0
        elif code == NetworkTypeCode.LEARNING:
            if plan.status == Status.DRAFT and rng.random() < 0.4:
                return [], 0
            first, last = network.planned_start, network.planned_end
            span = (last - first).days
            type_ = self.g.types[code]
            counted = rng.choice(range(type_.min_meetings, type_.max_meetings + 1))
            days = [
                first + datetime.timedelta(days=round(i * span / max(counted - 1, 1))) for i in range(counted)
            ]
            if rng.random() < 0.15:
                days.append(first + datetime.timedelta(days=rng.randint(0, span)))
        else:
            # Innovation networks plan their meetings once Direktørforum has approved them.
            if not any(event[2] == Status.APPROVED for event in plan.events):
                return [], 0
            first, last = network.planned_start, network.planned_end
            step = rng.randint(35, 50)
            days = [first + datetime.timedelta(days=d) for d in range(0, (last - first).days, step)]
            counted = 0
        weekdays = []
        for day in days:
            if day.weekday() >= 5:
                friday = day - datetime.timedelta(days=day.weekday() - 4)
                day = friday if friday >= first else friday + datetime.timedelta(days=3)
            weekdays.append(day)
        return weekdays, counted

    def _meetings(self, plan: Plan, network: Network, created: datetime.date) -> list[Meeting]:
        g, rng = self.g, self.rng
        days, counted = self._meeting_days(plan, network)
        start_day = self._day(created, plan.start)
        closed_day = self._day(created, plan.closed)
        # A concluded learning network concluded on meetings held: none of its plan is left unmarked.
        concluded_on_held = counted and plan.status == Status.CONCLUDED
        meetings = []
        for number, day in enumerate(days, start=1):
            is_counted = number <= counted
            if counted and not is_counted:
                status = MeetingStatus.CANCELLED  # the learning network's extra meeting: never counted
            elif start_day and start_day <= day < g.today and (closed_day is None or day <= closed_day):
                status = MeetingStatus.HELD
                if rng.random() < 0.04 and not concluded_on_held:
                    status = MeetingStatus.PLANNED  # held, but nobody has marked it yet
                elif not is_counted and rng.random() < 0.06:
                    status = MeetingStatus.CANCELLED
            else:
                cancel = not is_counted and rng.random() < 0.05
                status = MeetingStatus.CANCELLED if cancel else MeetingStatus.PLANNED
            starts = g.moment(day, 9, 14)
            meetings.append(
                Meeting(
                    network=network,
                    title=f"Netværksmøde {number}",
                    starts_at=starts,
                    ends_at=starts + datetime.timedelta(hours=2),
                    location=rng.choice(
                        ("Rådhuset, mødelokale 1", "Medborgerhuset", "Online", "Musikteatret")
                    ),
                    agenda="Velkomst. Status. Næste skridt.",
                    minutes="Referat vedlagt." if status == MeetingStatus.HELD else "",
                    status=status,
                )
            )
        return meetings

    def _decisions(self, plan: Plan, network: Network, created: datetime.date) -> dict[int, Decision]:
        """The network's decisions, by the day offset of the change of status they made."""
        decisions = {}
        for offset, round_, outcome, comment in plan.decisions:
            day = self._day(created, offset)
            decisions[offset] = Decision(
                network=network,
                round=round_,
                outcome=outcome,
                comment=comment,
                decided_by=self.rng.choice(self.users["direktoer"]),
                decided_at=self.g.moment(day, 9, 12),
                meeting_date=day,
            )
        return decisions

    def _status_changes(
        self, plan: Plan, network: Network, created: datetime.date, decisions: dict[int, Decision]
    ) -> list[StatusChange]:
        changes = [
            StatusChange(
                network=network,
                from_status="",
                to_status=Status.DRAFT,
                changed_by=network.leader,
                changed_at=network.created_at,
                comment="Oprettet",
            )
        ]
        for offset, from_status, to_status, actor, comment in sorted(plan.events, key=lambda e: e[0]):
            by, moment = network.leader, self.g.moment(self._day(created, offset), 9, 15)
            if actor == "direktoerforum":
                # Recorded with the decision, in the same transaction, by the same member.
                by, moment = decisions[offset].decided_by, decisions[offset].decided_at
            elif to_status == Status.ACTIVE:
                moment = network.started_at
            elif to_status == Status.CONCLUDED:
                moment = network.concluded_at
            changes.append(
                StatusChange(
                    network=network,
                    from_status=from_status,
                    to_status=to_status,
                    changed_by=by,
                    changed_at=moment,
                    comment=comment,
                )
            )
        return changes
