"""axe-core on every page, in light and dark colour schemes: no violations at all.

axe-core comes from npm (package.json pins it; `npm ci`, run by `make test`, installs it)
and is injected into the loaded page; `axe.run()` checks the WCAG and best-practice rules.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def describe(violations: list[dict]) -> str:
    """Return one line per violating element: rule, impact, selector and axe's advice."""
    lines = []
    for violation in violations:
        for node in violation["nodes"]:
            lines.append(f"  {violation['id']} ({violation['impact']}) at {' '.join(node['target'])}: {node['failureSummary']}")
    return "\n".join(lines)


# Dark mode changes only colours, so only the colour rules run again there.
AXE_OPTIONS = {
    "light": {},
    "dark": {"runOnly": {"type": "rule", "values": ["color-contrast", "link-in-text-block"]}},
}


@pytest.mark.parametrize("scheme", AXE_OPTIONS)
def test_axe_finds_no_violations(page_paths, visit, axe_script, subtests, scheme):
    for path in page_paths:
        with subtests.test(page=path):
            # The site's Content-Security-Policy forbids injected scripts; axe is ours, not the page's.
            page, _ = visit(path, color_scheme=scheme, bypass_csp=True)
            page.add_script_tag(path=axe_script)
            results = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS[scheme])
            violations = results["violations"]
            assert violations == [], f"{path} ({scheme}): {len(violations)} axe violation(s):\n{describe(violations)}"
