"""The CI and editor integrations the repository ships: the pre-commit hook, the GitHub Action and the
VS Code problem matcher in docs/testing-stories.md, each checked against real lint output."""

from __future__ import annotations

import json
import re

import pytest
import yaml

from tests.conftest import REPO, run_cli

BROKEN = REPO / "tests" / "fixtures" / "broken"


@pytest.mark.slow
def test_pre_commit_hook_lints_the_story_folder_on_story_changes() -> None:
    [hook] = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "hungary56-lint" and hook["language"] == "python"
    assert hook["entry"] == "hungary56 lint" and hook["args"] == ["."]  # never the bundled story
    assert hook["pass_filenames"] is False
    files = re.compile(hook["files"])
    assert files.search("scenes/one.yaml") and files.search("my-story/story/story.yml")
    assert not files.search("README.md") and not files.search("tests/playthroughs/a.yaml")
    # `entry` + `args` as pre-commit runs them, inside a broken story's repository:
    done = run_cli("lint", *hook["args"], cwd=BROKEN / "broken_goto")
    assert done.returncode == 1 and "E120" in done.stdout


def test_action_is_a_composite_that_annotates() -> None:
    action = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
    assert action["runs"]["using"] == "composite"
    assert set(action["inputs"]) == {"story-dir", "python-version"}
    steps = action["runs"]["steps"]
    assert steps[0]["uses"].startswith("actions/setup-python@")
    runs = [s for s in steps if "run" in s]
    assert all(s.get("shell") == "bash" for s in runs)  # a composite's run steps must name their shell
    assert "${{" not in "".join(s["run"] for s in runs)  # inputs reach the shell through env, never inline
    assert runs[-1]["run"] == 'hungary56 lint "$STORY_DIR" --format github'
    assert runs[-1]["env"] == {"STORY_DIR": "${{ inputs.story-dir }}"}


@pytest.mark.slow
def test_vscode_problem_matcher_matches_every_problem_line() -> None:
    text = (REPO / "docs" / "testing-stories.md").read_text(encoding="utf-8")
    block = text.split("<!-- problem-matcher -->\n```json\n", 1)[1].split("\n```", 1)[0]
    matcher = json.loads(block)["tasks"][0]["problemMatcher"]
    pattern = matcher["pattern"]
    regexp = re.compile(pattern["regexp"])
    done = run_cli("lint", cwd=BROKEN / "several_problems")
    lines = done.stdout.splitlines()
    problems = json.loads(run_cli("lint", "--format", "json", cwd=BROKEN / "several_problems").stdout)
    matches = [m for m in map(regexp.match, lines) if m]
    assert len(matches) == len(problems) > 1
    for match, problem in zip(matches, problems):
        assert match.group(pattern["file"]) == problem["path"]
        assert int(match.group(pattern["line"])) == problem["line"]
        assert int(match.group(pattern["column"])) == problem["column"]
        assert match.group(pattern["severity"]) == problem["severity"]
        assert match.group(pattern["code"]) == problem["code"]
        assert match.group(pattern["message"]) == problem["message"]
    assert not regexp.match(lines[0]) and not regexp.match(lines[-1])  # the header and the count
