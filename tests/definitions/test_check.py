"""``ratsflow definitions check``: every defect with file, line and reason, never a traceback.

Broken definitions are copies of the shipped ones with one line changed (or a small file
of their own); the expected line is found in the broken text itself, so each test names the
exact line a clerk would have to open.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from service.cli import app

DEFINITIONS = Path(__file__).resolve().parents[2] / "definitions"
MASSNAHME = (DEFINITIONS / "massnahme.yaml").read_text(encoding="utf-8")
VORLAGE = (DEFINITIONS / "vorlage.yaml").read_text(encoding="utf-8")
PROBLEM = re.compile(r"^(?P<file>.+?):(?P<line>\d+): (?P<reason>.+)$")


def check(*paths: Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["definitions", "check", *map(str, paths)])
    # typer.Exit surfaces as SystemExit; anything else would be a crash.
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert "Traceback" not in result.stderr
    return result.exit_code, result.stdout, result.stderr


def problems(stderr: str) -> list[tuple[str, int, str]]:
    found = []
    for line in stderr.splitlines():
        match = PROBLEM.match(line)
        if match:
            found.append((match["file"], int(match["line"]), match["reason"]))
    return found


def replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """1-based number of the line holding ``needle`` (its n-th occurrence)."""
    hits = [i for i, line in enumerate(text.splitlines(), start=1) if needle in line]
    assert len(hits) >= occurrence, f"{needle!r} not found"
    return hits[occurrence - 1]


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def assert_single_problem(
    stderr: str, path: Path, line: int, *fragments: str
) -> tuple[str, int, str]:
    found = problems(stderr)
    assert len(found) == 1, stderr
    [(file, at, reason)] = found
    assert file == str(path)
    assert at == line, stderr
    for fragment in fragments:
        assert fragment in reason
    assert stderr.rstrip().endswith("1 Fehler gefunden.")
    return file, at, reason


# --- the shipped definitions ------------------------------------------------------------


def test_the_shipped_definitions_pass() -> None:
    code, out, err = check(DEFINITIONS)

    assert code == 0, err
    assert err == ""
    assert "„massnahme“ Version 3 in Ordnung" in out
    assert "„vorlage“ Version 2 in Ordnung" in out


def test_without_arguments_the_definitions_folder_is_checked() -> None:
    code, out, _ = check()

    assert code == 0
    assert "massnahme.yaml" in out
    assert "vorlage.yaml" in out


def test_a_single_shipped_file_passes_on_its_own() -> None:
    code, out, _ = check(DEFINITIONS / "vorlage.yaml")

    assert code == 0
    assert "(6 Zustände, 8 Übergänge)" in out


# --- one defect each: file, exact line, reason ------------------------------------------


def test_an_unknown_target_state_is_reported_at_its_line(tmp_path: Path) -> None:
    broken = replace_once(
        MASSNAHME,
        "    target: ag_pruefung\n    roles: [ag_leitung]\n    deadline: {name: ag_pruefung, "
        "label: Prüfung in der AG abschließen, after: P6W}\n\n  - event: erneut_planen",
        "    target: ag_pruefnug\n    roles: [ag_leitung]\n    deadline: {name: ag_pruefung, "
        "label: Prüfung in der AG abschließen, after: P6W}\n\n  - event: erneut_planen",
    )
    path = write(tmp_path, "massnahme.yaml", broken)

    code, _, err = check(path)

    assert code == 1
    assert_single_problem(
        err,
        path,
        line_of(broken, "target: ag_pruefnug"),
        "Übergang „wiederaufnehmen“",
        "unbekannter Zielzustand „ag_pruefnug“",
    )


def test_an_unknown_source_state_is_reported_at_its_line(tmp_path: Path) -> None:
    broken = replace_once(
        MASSNAHME,
        "source: [umsetzung, haushaltsplanung, zurueckgestellt]",
        "source: [umsetzung, haushaltsplanung,\n             zurueckgestelt]",
    )
    path = write(tmp_path, "massnahme.yaml", broken)

    code, _, err = check(path)

    assert code == 1
    assert_single_problem(
        err, path, line_of(broken, "zurueckgestelt]"), "unbekannter Ausgangszustand"
    )


def test_a_yaml_syntax_error_is_reported_at_its_line(tmp_path: Path) -> None:
    broken = replace_once(
        MASSNAHME, "    label: Maßnahme stoppen\n", "    label: Maßnahme: stoppen\n"
    )
    path = write(tmp_path, "massnahme.yaml", broken)

    code, _, err = check(path)

    assert code == 1
    assert_single_problem(
        err,
        path,
        line_of(broken, "label: Maßnahme: stoppen"),
        "YAML-Syntaxfehler",
        "mapping values are not allowed here",
    )


def test_a_tab_in_the_indentation_is_a_syntax_error_at_its_line(tmp_path: Path) -> None:
    broken = replace_once(MASSNAHME, "    requires: [grund]\n", "\trequires: [grund]\n")
    path = write(tmp_path, "massnahme.yaml", broken)

    code, _, err = check(path)

    assert code == 1
    assert_single_problem(err, path, line_of(broken, "\trequires"), "YAML-Syntaxfehler")


def test_a_duplicate_key_is_reported_at_the_second_occurrence(tmp_path: Path) -> None:
    broken = replace_once(
        MASSNAHME,
        "    roles: [verwaltungsleitung]\n",
        "    roles: [verwaltungsleitung]\n    roles: [admin]\n",
    )
    path = write(tmp_path, "massnahme.yaml", broken)

    code, _, err = check(path)

    assert code == 1
    assert_single_problem(err, path, line_of(broken, "roles: [admin]"), "duplicate key")


@pytest.mark.parametrize(
    ("old", "new", "guard"),
    [
        (
            "guards: [fortschritt_vollstaendig, auflagen_erfuellt]",
            "guards: [fortschritt_komplett, auflagen_erfuellt]",
            "fortschritt_komplett",
        ),
        (
            "      - personalrat_angehoert_bei_personalwirkung\n",
            "      - personalrat_gehoert\n",
            "personalrat_gehoert",
        ),
    ],
    ids=["flow-list", "block-list"],
)
def test_an_unknown_guard_is_reported_at_its_line(
    tmp_path: Path, old: str, new: str, guard: str
) -> None:
    broken = replace_once(MASSNAHME, old, new)
    path = write(tmp_path, "massnahme.yaml", broken)

    code, _, err = check(path)

    assert code == 1
    assert_single_problem(err, path, line_of(broken, guard), f"unbekannte Bedingung „{guard}“")


def test_an_unreachable_state_is_reported_at_its_line(tmp_path: Path) -> None:
    broken = replace_once(
        MASSNAHME,
        "  gestoppt: {label: Gestoppt, final: true}\n",
        "  gestoppt: {label: Gestoppt, final: true}\n"
        "  archiviert: {label: Archiviert, final: true}\n",
    )
    path = write(tmp_path, "massnahme.yaml", broken)

    code, _, err = check(path)

    assert code == 1
    assert_single_problem(
        err,
        path,
        line_of(broken, "archiviert:"),
        "Zustand „archiviert“ ist vom Anfangszustand „entwurf“ aus nicht erreichbar",
    )


def test_a_state_reached_only_through_a_removed_transition_becomes_unreachable(
    tmp_path: Path,
) -> None:
    start = MASSNAHME.index("  - event: abschliessen")
    end = MASSNAHME.index("  - event: stoppen")
    broken = MASSNAHME[:start] + MASSNAHME[end:]
    path = write(tmp_path, "massnahme.yaml", broken)

    code, _, err = check(path)

    assert code == 1
    assert_single_problem(
        err, path, line_of(broken, "abgeschlossen:"), "„abgeschlossen“", "nicht erreichbar"
    )


def test_an_unknown_role_is_reported_at_its_line(tmp_path: Path) -> None:
    broken = replace_once(MASSNAHME, "roles: [verwaltungsleitung]", "roles: [oberbuergermeister]")
    path = write(tmp_path, "massnahme.yaml", broken)

    code, _, err = check(path)

    assert code == 1
    _, _, reason = assert_single_problem(
        err,
        path,
        line_of(broken, "oberbuergermeister"),
        "Übergang „stoppen“: unbekannte Rolle „oberbuergermeister“",
    )
    assert "verwaltungsleitung" in reason  # the known roles are listed


def test_an_unknown_role_in_a_block_list_is_reported_at_its_own_line(tmp_path: Path) -> None:
    broken = replace_once(
        VORLAGE,
        "    roles: [ag_leitung, verwaltungsleitung]\n",
        "    roles:\n      - ag_leitung\n      - buergermeister\n",
    )
    path = write(tmp_path, "vorlage.yaml", broken)

    code, _, err = check(path)

    assert code == 1
    assert_single_problem(err, path, line_of(broken, "- buergermeister"), "„buergermeister“")


def test_the_same_event_twice_from_one_state_is_reported_at_the_second(
    tmp_path: Path,
) -> None:
    broken = MASSNAHME + (
        "\n"
        "  - event: einreichen\n"
        "    label: Noch einmal einreichen\n"
        "    source: [entwurf]\n"
        "    target: ag_pruefung\n"
        "    roles: [ag_leitung]\n"
    )
    path = write(tmp_path, "massnahme.yaml", broken)

    code, _, err = check(path)

    assert code == 1
    _, _, reason = assert_single_problem(
        err,
        path,
        line_of(broken, "- event: einreichen", occurrence=2),
        "Ereignis „einreichen“ ist im Zustand „entwurf“ doppelt definiert",
    )
    assert f"(zuerst in Zeile {line_of(broken, '- event: einreichen')})" in reason


def test_a_non_final_state_without_a_way_out_is_reported_at_its_line(tmp_path: Path) -> None:
    broken = replace_once(
        MASSNAHME,
        "  gestoppt: {label: Gestoppt, final: true}\n",
        "  gestoppt: {label: Gestoppt}\n",
    )
    path = write(tmp_path, "massnahme.yaml", broken)

    code, _, err = check(path)

    assert code == 1
    assert_single_problem(
        err,
        path,
        line_of(broken, "gestoppt: {label: Gestoppt}"),
        "Zustand „gestoppt“ ist kein Endzustand, aber kein Übergang führt aus ihm heraus",
    )


def test_a_state_left_only_by_staying_in_it_has_no_way_out(tmp_path: Path) -> None:
    text = (
        "name: schleife\n"
        "version: 1\n"
        "label: Schleife\n"
        "initial: offen\n"
        "fields:\n"
        "  fortschritt: {label: Fortschritt, type: percent}\n"
        "states:\n"
        "  offen: {label: Offen}\n"
        "transitions:\n"
        "  - event: melden\n"
        "    label: Melden\n"
        "    source: offen\n"
        '    target: "="\n'
        "    roles: [ag_mitglied]\n"
        "    requires: [fortschritt]\n"
    )
    path = write(tmp_path, "schleife.yaml", text)

    code, _, err = check(path)

    assert code == 1
    assert_single_problem(err, path, 8, "„offen“ ist kein Endzustand")


def test_a_guard_needing_a_field_no_transition_asks_for_is_reported(tmp_path: Path) -> None:
    text = (
        "name: kurz\n"
        "version: 1\n"
        "label: Kurzablauf\n"
        "initial: offen\n"
        "fields:\n"
        "  fortschritt: {label: Fortschritt, type: percent}\n"
        "states:\n"
        "  offen: {label: Offen}\n"
        "  erledigt: {label: Erledigt, final: true}\n"
        "transitions:\n"
        "  - event: abschliessen\n"
        "    label: Abschließen\n"
        "    source: offen\n"
        "    target: erledigt\n"
        "    roles: [ag_leitung]\n"
        "    guards: [fortschritt_vollstaendig]\n"
    )
    path = write(tmp_path, "kurz.yaml", text)

    code, _, err = check(path)

    assert code == 1
    assert_single_problem(
        err,
        path,
        16,
        "Bedingung „fortschritt_vollstaendig“ braucht das Feld „fortschritt“",
        "kein Übergang fragt es ab",
    )


def test_an_editable_field_counts_as_asked_for(tmp_path: Path) -> None:
    text = (
        "name: kurz\n"
        "version: 1\n"
        "label: Kurzablauf\n"
        "initial: offen\n"
        "fields:\n"
        "  fortschritt: {label: Fortschritt, type: percent, editable: true}\n"
        "states:\n"
        "  offen: {label: Offen}\n"
        "  erledigt: {label: Erledigt, final: true}\n"
        "transitions:\n"
        "  - {event: abschliessen, label: Abschließen, source: offen, target: erledigt,\n"
        "     roles: [ag_leitung], guards: [fortschritt_vollstaendig]}\n"
    )
    path = write(tmp_path, "kurz.yaml", text)

    code, out, err = check(path)

    assert code == 0, err
    assert "„kurz“ Version 1 in Ordnung" in out


def test_the_analysis_fields_must_be_asked_for_somewhere(tmp_path: Path) -> None:
    broken = replace_once(
        MASSNAHME,
        "  nutzen: {label: Nutzen, type: text, editable: true}",
        "  nutzen: {label: Nutzen, type: text}",
    )
    path = write(tmp_path, "massnahme.yaml", broken)

    guards_line = line_of(broken, "- event: an_fva_uebergeben") + 5
    assert broken.splitlines()[guards_line - 1] == "    guards:"

    code, _, err = check(path)

    assert code == 1
    assert_single_problem(
        err,
        path,
        guards_line,
        "„aufwand_nutzen_analyse_vollstaendig“ braucht das Feld „nutzen“",
    )


def test_a_missing_key_is_reported_with_its_name(tmp_path: Path) -> None:
    broken = replace_once(MASSNAHME, "    label: Maßnahme stoppen\n", "")
    path = write(tmp_path, "massnahme.yaml", broken)

    code, _, err = check(path)

    assert code == 1
    assert_single_problem(
        err,
        path,
        line_of(broken, "- event: stoppen"),
        "Pflichtangabe „transitions.",
        ".label“ fehlt",
    )


def test_a_misspelt_key_is_reported_at_its_line(tmp_path: Path) -> None:
    broken = replace_once(MASSNAHME, "    requires: [grund]\n", "    requiers: [grund]\n")
    path = write(tmp_path, "massnahme.yaml", broken)

    code, _, err = check(path)

    assert code == 1
    assert_single_problem(
        err, path, line_of(broken, "requiers"), "Unbekannter Schlüssel „transitions.", ".requiers“"
    )


def test_a_bad_duration_is_reported_at_its_line(tmp_path: Path) -> None:
    broken = replace_once(
        MASSNAHME,
        "deadline: {name: haushaltsplanung, label: Im Haushalt einplanen, after: P3M}\n\n"
        "  - event: ablehnen",
        "deadline: {name: haushaltsplanung, label: Im Haushalt einplanen, after: 3 Monate}\n\n"
        "  - event: ablehnen",
    )
    path = write(tmp_path, "massnahme.yaml", broken)

    code, _, err = check(path)

    assert code == 1
    assert_single_problem(
        err, path, line_of(broken, "after: 3 Monate"), "„3 Monate“ ist keine ISO-8601-Dauer"
    )


def test_a_cascade_to_an_event_measures_do_not_have_is_reported(tmp_path: Path) -> None:
    write(tmp_path, "massnahme.yaml", MASSNAHME)
    broken = replace_once(VORLAGE, "cascade: beschliessen", "cascade: beschluss_fassen")
    path = write(tmp_path, "vorlage.yaml", broken)

    code, _, err = check(tmp_path)

    assert code == 1
    assert_single_problem(
        err,
        path,
        line_of(broken, "- event: beschliessen"),
        "überträgt „beschluss_fassen“, das es in „massnahme“ nicht gibt",
    )


def test_a_file_that_is_not_a_mapping_is_rejected(tmp_path: Path) -> None:
    path = write(tmp_path, "liste.yaml", "- entwurf\n- umsetzung\n")

    code, _, err = check(path)

    assert code == 1
    assert_single_problem(err, path, 1, "Die Datei muss eine Zuordnung enthalten.")


def test_a_file_that_is_not_utf8_is_reported_without_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("name: maßnahme\nlabel: Maßnahme\n".encode("latin-1"))

    code, _, err = check(path)

    assert code == 1
    assert f"{path}: Datei nicht lesbar" in err


def test_a_missing_path_is_named_and_fails(tmp_path: Path) -> None:
    code, _, err = check(tmp_path / "fehlt.yaml")

    assert code == 2
    assert f"{tmp_path / 'fehlt.yaml'}: Datei oder Ordner nicht gefunden." in err


# --- several problems at once -----------------------------------------------------------


def test_every_problem_of_a_file_is_reported_not_just_the_first(tmp_path: Path) -> None:
    broken = replace_once(MASSNAHME, "roles: [verwaltungsleitung]", "roles: [ob]")
    broken = replace_once(
        broken,
        "guards: [fortschritt_vollstaendig, auflagen_erfuellt]",
        "guards: [fertig, auflagen_erfuellt]",
    )
    broken = replace_once(
        broken, "  gestoppt: {label: Gestoppt, final: true}\n", "  gestoppt: {label: Gestoppt}\n"
    )
    path = write(tmp_path, "massnahme.yaml", broken)

    code, _, err = check(path)

    assert code == 1
    found = sorted((line, reason) for _, line, reason in problems(err))
    assert [line for line, _ in found] == sorted(
        [
            line_of(broken, "roles: [ob]"),
            line_of(broken, "guards: [fertig, auflagen_erfuellt]"),
            line_of(broken, "gestoppt: {label: Gestoppt}"),
        ]
    )
    reasons = " ".join(reason for _, reason in found)
    assert "unbekannte Rolle „ob“" in reasons
    assert "unbekannte Bedingung „fertig“" in reasons
    assert "„gestoppt“ ist kein Endzustand" in reasons
    assert err.rstrip().endswith("3 Fehler gefunden.")


def test_a_folder_with_two_broken_files_reports_the_problems_of_both(tmp_path: Path) -> None:
    measures = replace_once(MASSNAHME, "roles: [verwaltungsleitung]", "roles: [ob]")
    papers = replace_once(
        VORLAGE,
        "    target: entscheidung\n    roles: [sitzungsdienst]\n    by_vote: true\n"
        "    guards: [abstimmung_abgelehnt]",
        "    target: entscheidungen\n    roles: [sitzungsdienst]\n    by_vote: true\n"
        "    guards: [abstimmung_abgelehnt]",
    )
    measures_path = write(tmp_path, "massnahme.yaml", measures)
    papers_path = write(tmp_path, "vorlage.yaml", papers)

    code, _, err = check(tmp_path)

    assert code == 1
    found = {(file, line) for file, line, _ in problems(err)}
    assert found == {
        (str(measures_path), line_of(measures, "roles: [ob]")),
        (str(papers_path), line_of(papers, "target: entscheidungen")),
    }
    assert err.rstrip().endswith("2 Fehler gefunden.")


def test_a_broken_file_among_good_ones_fails_the_whole_check(tmp_path: Path) -> None:
    write(tmp_path, "massnahme.yaml", MASSNAHME)
    write(tmp_path, "vorlage.yaml", VORLAGE)
    write(tmp_path, "kaputt.yml", "name: [\n")

    code, out, err = check(tmp_path)

    assert code == 1
    assert "in Ordnung" not in out
    assert [file for file, _, _ in problems(err)] == [str(tmp_path / "kaputt.yml")]


# --- the installed command --------------------------------------------------------------


def test_the_installed_command_reports_file_line_and_reason_and_exits_non_zero(
    tmp_path: Path,
) -> None:
    broken = replace_once(MASSNAHME, "roles: [verwaltungsleitung]", "roles: [ob]")
    path = write(tmp_path, "massnahme.yaml", broken)
    command = Path(sys.executable).parent / "ratsflow"

    completed = subprocess.run(
        [str(command), "definitions", "check", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert completed.returncode == 1
    assert "Traceback" not in completed.stderr + completed.stdout
    assert problems(completed.stderr) == [
        (
            str(path),
            line_of(broken, "roles: [ob]"),
            "Übergang „stoppen“: unbekannte Rolle „ob“ (bekannt: admin, ag_leitung, "
            "ag_mitglied, datenschutz, informationssicherheit, kaemmerei, personalrat, "
            "ratsmitglied, revision, sitzungsdienst, verwaltungsleitung).",
        )
    ]


def test_a_paper_role_that_cannot_fire_the_cascaded_measure_event_is_rejected(
    tmp_path: Path,
) -> None:
    shipped = Path(__file__).resolve().parents[2] / "definitions"
    (tmp_path / "massnahme.yaml").write_text(
        (shipped / "massnahme.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    paper = (shipped / "vorlage.yaml").read_text(encoding="utf-8")
    broken = paper.replace(
        "    target: vorberatung\n    roles: [ag_leitung]",
        "    target: vorberatung\n    roles: [sitzungsdienst, ag_leitung]",
    )
    assert broken != paper
    (tmp_path / "vorlage.yaml").write_text(broken, encoding="utf-8")

    result = CliRunner().invoke(app, ["definitions", "check", str(tmp_path)])

    assert result.exit_code == 1
    assert "vorlage.yaml" in result.output
    assert "sitzungsdienst" in result.output and "an_fva_uebergeben" in result.output
