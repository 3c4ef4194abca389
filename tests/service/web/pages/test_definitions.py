"""The page of a workflow definition draws its diagram from the definition itself."""

from __future__ import annotations

from service.runtime import Runtime
from tests.service.browser import signed_in


def test_the_workflow_diagram_is_drawn_from_the_definition(demo: Runtime) -> None:
    page = signed_in(demo, "ag.leitung").get("/definitionen/massnahme")
    assert page.status_code == 200
    svg = page.text.split("<svg", 1)[1].split("</svg>", 1)[0]
    spec = demo.registry.latest("massnahme").spec
    for state in spec.states.values():
        assert state.label.split()[0] in svg
    assert 'class="state current"' not in svg
    assert svg.count("<path class=") == sum(len(t.sources) for t in spec.transitions)
    assert "Stellungnahme der/des Datenschutzbeauftragten liegt vor" in page.text
    assert signed_in(demo, "ag.leitung").get("/definitionen/gibtsnicht").status_code == 404
