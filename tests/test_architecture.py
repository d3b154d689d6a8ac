"""The shape of the code that docs/arkitektur.md promises: each type in its own rules module, the
imports running one way, and no type code named outside the rules."""

import ast
import re
from pathlib import Path

import pytest

from networks import rules
from networks.choices import NetworkTypeCode
from networks.models import Network

APP = Path(__file__).resolve().parent.parent / "networks"
A_TYPE_CODE = re.compile(r"NetworkTypeCode\.(INNOVATION|WELFARE|LEARNING)\b")


def _runtime_imports(path: Path) -> set[str]:
    """The modules a file imports when it runs (imports under `if TYPE_CHECKING:` left out)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    type_checking_only = {
        id(node)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and getattr(block.test, "id", "") == "TYPE_CHECKING"
        for statement in block.body
        for node in ast.walk(statement)
    }
    found = set()
    for node in ast.walk(tree):
        if id(node) in type_checking_only:
            continue
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


@pytest.mark.parametrize(
    "path",
    [*sorted((APP / "rules").glob("*.py")), APP / "choices.py", APP / "dates.py", APP / "text.py"],
    ids=lambda path: str(path.relative_to(APP)),
)
def test_the_rules_choices_and_dates_import_no_models_when_they_run(path):
    imported = _runtime_imports(path)
    assert not {name for name in imported if name.startswith("networks.models")}
    # Nor anything that imports the models in turn: only the vocabularies, dates, text checks and the rules.
    app_modules = {name for name in imported if name.startswith("networks.")}
    assert app_modules <= {
        name
        for name in app_modules
        if name.startswith(("networks.choices", "networks.dates", "networks.text", "networks.rules"))
    }


def test_a_specific_type_code_is_named_only_in_the_rules_choices_migrations_and_the_seed():
    allowed = (APP / "rules", APP / "migrations", APP / "choices.py", APP / "management")
    mentions = [
        f"{path.relative_to(APP)}:{number}"
        for path in APP.rglob("*.py")
        if not any(path == place or place in path.parents for place in allowed)
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if A_TYPE_CODE.search(line)
    ]
    assert len(mentions) <= 3, mentions


def test_every_type_code_has_a_module_with_its_spec():
    assert set(rules.SPECS) == set(NetworkTypeCode.values)
    for code, spec in rules.SPECS.items():
        assert spec.code == code
        assert spec.guide.questions, f"{code}: the guide has no question pointing to it"


@pytest.mark.parametrize("code", NetworkTypeCode.values)
def test_a_blank_draft_of_each_type_has_every_checklist_step_open(network_types, code):
    """Each step names a blocking finding the type's rules really give, or it could never be open."""
    type_ = network_types[code]
    draft = Network(type=type_, title="Kladde", theme="Tema")
    blocking_codes = {finding.code for finding in rules.all_findings(draft) if finding.blocks}
    steps = rules.checklist(draft)
    assert [step.code for step in steps] == [step.code for step in rules.spec_for(type_).checklist]
    assert all(step.code in blocking_codes and not step.done for step in steps)
    assert all(step.label for step in steps)


@pytest.mark.parametrize("code", NetworkTypeCode.values)
def test_each_types_form_asks_only_for_fields_a_network_has(code):
    fields = {field.name for field in Network._meta.get_fields()}
    form_fields = rules.spec_for(code).form_fields
    assert set(form_fields) <= fields
    assert len(set(form_fields)) == len(form_fields)
    assert {"title", "theme", "mandate_clarified"} <= set(form_fields)


def test_a_type_the_code_does_not_know_gets_the_rules_every_type_shares():
    spec = rules.spec_for("unknown")
    assert spec is rules.GENERIC
    assert [step.code for step in spec.checklist] == [
        "mandate_not_clarified",
        "too_few_core_participants",
        "outcome_summary_missing",
    ]
