"""The hardening rules for the GitHub workflows, as plain functions over a workflow file.

Each rule returns a list of problems, one sentence each, naming the file, the job and the step.
The tests apply them to `.github/workflows/*.yml` (no problem allowed) and to a deliberately
insecure workflow under `tests/fixtures/workflows/` (every rule must speak up).
zizmor and the workflow JSON schema check much of this too; these rules state the project's own
policy exactly, and keep holding if those tools change their defaults. `run_job` at the end says
which steps of a job run when some of them fail, as GitHub reads the steps' `if:` conditions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import yaml

FULL_SHA = re.compile(r"^[^@\s]+@[0-9a-f]{40}$")
# An expression that hands a step a token or a secret.
TOKEN_EXPRESSION = re.compile(r"\$\{\{[^}]*?\b(?:github\.token|secrets\b)", re.I)
# Actions whose `token` input defaults to the job's token: they hold it without being given it.
TOKEN_BY_DEFAULT = (
    "actions/checkout",
    "actions/setup-python",
    "actions/configure-pages",
    "actions/deploy-pages",
    "zizmorcore/zizmor-action",
)
VERSION_COMMENT = re.compile(r"#\s*v\d+\.\d+\.\d+\s*$")
EXPRESSION = re.compile(r"\$\{\{.*?\}\}", re.S)
# Triggers that run with the base repository's secrets and a write token while handling a
# pull request's code or data.
DANGEROUS_TRIGGERS = ("pull_request_target", "workflow_run")
# The only write grants any job may have, and only on the job that deploys to Pages.
DEPLOY_GRANTS = {"pages": "write", "id-token": "write"}
MAX_TIMEOUT_MINUTES = 60


@dataclass(frozen=True)
class Workflow:
    path: Path
    text: str
    data: dict[str, Any]

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def jobs(self) -> dict[str, dict[str, Any]]:
        return self.data.get("jobs") or {}

    @property
    def triggers(self) -> dict[str, Any]:
        # YAML 1.1 reads the bare key `on` as the boolean True.
        raw = self.data.get("on", self.data.get(True))
        if isinstance(raw, str):
            return {raw: None}
        if isinstance(raw, list):
            return {name: None for name in raw}
        return dict(raw or {})


def load(path: Path) -> Workflow:
    text = path.read_text(encoding="utf-8")
    return Workflow(path, text, yaml.safe_load(text))


def steps(workflow: Workflow) -> Iterator[tuple[str, int, dict[str, Any]]]:
    for job_id, job in workflow.jobs.items():
        for index, step in enumerate(job.get("steps") or [], start=1):
            yield job_id, index, step


def _where(workflow: Workflow, job_id: str, index: int | None = None) -> str:
    step = f", step {index}" if index is not None else ""
    return f"{workflow.name}: job {job_id}{step}"


def all_uses(workflow: Workflow) -> list[tuple[str, str]]:
    """(where, reference) for every action and reusable workflow the file uses."""
    found = [(_where(workflow, job_id), job["uses"]) for job_id, job in workflow.jobs.items() if "uses" in job]
    found += [(_where(workflow, job_id, i), step["uses"]) for job_id, i, step in steps(workflow) if "uses" in step]
    return found


def pinning_problems(workflow: Workflow) -> list[str]:
    """Every `uses:` names a full 40-hex commit SHA, with a `# vX.Y.Z` comment on its line."""
    problems = []
    lines = workflow.text.splitlines()
    for where, ref in all_uses(workflow):
        if ref.startswith("./"):
            continue  # an action in this repository: reviewed with the pull request itself
        if not FULL_SHA.match(ref):
            problems.append(f"{where}: {ref} is not pinned to a full 40-character commit SHA")
            continue
        ref_lines = [line for line in lines if re.search(r"\buses:\s*" + re.escape(ref) + r"(\s|$)", line)]
        if not ref_lines or not all(VERSION_COMMENT.search(line) for line in ref_lines):
            problems.append(f"{where}: {ref} needs a '# vX.Y.Z' comment naming its release")
    return problems


def permission_problems(workflow: Workflow) -> list[str]:
    """`permissions: {}` at the top; each job states its own, writing only where it deploys."""
    problems = []
    if workflow.data.get("permissions", None) != {}:
        problems.append(f"{workflow.name}: the top level must say 'permissions: {{}}'")
    for job_id, job in workflow.jobs.items():
        where = _where(workflow, job_id)
        grants = job.get("permissions")
        if not isinstance(grants, dict):
            problems.append(f"{where}: list the job's permissions as a mapping (found {grants!r})")
            continue
        for scope, level in grants.items():
            if level not in ("read", "write", "none"):
                problems.append(f"{where}: permission {scope}: {level!r} is not read, write or none")
            elif level == "write" and not (
                DEPLOY_GRANTS.get(scope) == "write" and is_pages_deploy_job(job)
            ):
                problems.append(f"{where}: {scope}: write is only allowed on the Pages deploy job")
    return problems


def is_pages_deploy_job(job: dict[str, Any]) -> bool:
    """A job that deploys to the github-pages environment and runs no code of the repository."""
    environment = job.get("environment")
    name = environment.get("name") if isinstance(environment, dict) else environment
    job_steps = job.get("steps") or []
    return (
        name == "github-pages"
        and all("run" not in step for step in job_steps)
        and all(not str(step.get("uses", "")).startswith("actions/checkout@") for step in job_steps)
    )


def checkout_problems(workflow: Workflow) -> list[str]:
    """actions/checkout never leaves the token behind in .git/config."""
    return [
        f"{_where(workflow, job_id, i)}: actions/checkout needs 'persist-credentials: false'"
        for job_id, i, step in steps(workflow)
        if str(step.get("uses", "")).startswith("actions/checkout@")
        and (step.get("with") or {}).get("persist-credentials") is not False
    ]


def timeout_problems(workflow: Workflow) -> list[str]:
    problems = []
    for job_id, job in workflow.jobs.items():
        minutes = job.get("timeout-minutes")
        if "uses" in job:
            continue  # a reusable workflow's jobs carry their own timeouts
        if not isinstance(minutes, int) or isinstance(minutes, bool) or not 0 < minutes <= MAX_TIMEOUT_MINUTES:
            problems.append(
                f"{_where(workflow, job_id)}: set 'timeout-minutes' to at most {MAX_TIMEOUT_MINUTES} (found {minutes!r})"
            )
    return problems


def trigger_problems(workflow: Workflow) -> list[str]:
    return [
        f"{workflow.name}: the '{name}' trigger would run pull-request code with write access or secrets"
        for name in DANGEROUS_TRIGGERS
        if name in workflow.triggers
    ]


def run_expression_problems(workflow: Workflow) -> list[str]:
    """No `${{ … }}` inside a run script: values reach scripts through `env:` only.

    An expression is pasted into the script before the shell reads it, so a pull request's
    title or branch name could become a command; an environment variable stays data.
    """
    problems = []
    for job_id, i, step in steps(workflow):
        for expression in EXPRESSION.findall(str(step.get("run", ""))):
            problems.append(
                f"{_where(workflow, job_id, i)}: {expression} inside 'run:'; pass it through 'env:'"
            )
    return problems


def concurrency_problems(workflow: Workflow) -> list[str]:
    """A workflow that deploys runs one deployment at a time and never cancels one midway."""
    deploys = any(is_pages_deploy_job(job) or job.get("environment") for job in workflow.jobs.values())
    if not deploys:
        return []
    concurrency = workflow.data.get("concurrency")
    if not isinstance(concurrency, dict) or not concurrency.get("group"):
        return [f"{workflow.name}: a deploying workflow needs a 'concurrency' group"]
    if concurrency.get("cancel-in-progress") is not False:
        return [f"{workflow.name}: set 'cancel-in-progress: false' so a deployment is never cut off"]
    return []


def token_problems(workflow: Workflow) -> list[str]:
    """No token reaches a program that the repository's code installed, changed or started.

    A step holds a token when `github.token` or a secret is in its `env:` or `with:`, or when it
    is an action that takes the job's token by default. Such a step must be an action from
    another repository (pinned by `pinning_problems`), never a `run:` script or an action of
    this repository, and must come before the job's first one of those: once the pull request's
    code has run, it may have changed PATH or GITHUB_ENV, replaced a package, or left a process
    behind that reads the next step's environment. A token in a workflow's or job's `env:` would
    reach every step.
    """
    problems = []
    if TOKEN_EXPRESSION.search(str(workflow.data.get("env") or "")):
        problems.append(f"{workflow.name}: a token in the workflow's 'env:' reaches every step")
    for job_id, job in workflow.jobs.items():
        if TOKEN_EXPRESSION.search(str(job.get("env") or "")):
            problems.append(f"{_where(workflow, job_id)}: a token in the job's 'env:' reaches every step")
        first_own_code = None
        for index, step in enumerate(job.get("steps") or [], start=1):
            where = _where(workflow, job_id, index)
            uses = str(step.get("uses", ""))
            own_code = "run" in step or uses.startswith("./")
            if holds_token(step):
                if own_code:
                    problems.append(f"{where}: a token is given to the repository's own code; "
                                    "use a pinned action, or a workflow of the base branch")
                elif first_own_code is not None:
                    problems.append(f"{where}: {uses.partition('@')[0]} holds a token after step "
                                    f"{first_own_code} ran the repository's code; move it before, "
                                    "or into a job of its own")
            if own_code and first_own_code is None:
                first_own_code = index
    return problems


def holds_token(step: dict[str, Any]) -> bool:
    given = {**(step.get("env") or {}), **(step.get("with") or {})}
    if any(TOKEN_EXPRESSION.search(str(value)) for value in given.values()):
        return True
    action = str(step.get("uses", "")).partition("@")[0]
    return action in TOKEN_BY_DEFAULT and (step.get("with") or {}).get("token", None) != ""


def consistency_problems(workflows: list[Workflow]) -> list[str]:
    """One action, one pinned commit, across every workflow (Dependabot updates them together)."""
    pins: dict[str, set[str]] = {}
    for workflow in workflows:
        for _, ref in all_uses(workflow):
            action, _, sha = ref.partition("@")
            pins.setdefault(action, set()).add(sha)
    return [f"{action} is pinned to different commits: {sorted(shas)}" for action, shas in pins.items() if len(shas) > 1]


RULES = (
    pinning_problems,
    permission_problems,
    checkout_problems,
    timeout_problems,
    trigger_problems,
    run_expression_problems,
    concurrency_problems,
    token_problems,
)


def problems(workflow: Workflow) -> list[str]:
    return [problem for rule in RULES for problem in rule(workflow)]


# --- Which steps run ---------------------------------------------------------------------------
# The `if:` conditions of a job, evaluated as GitHub does for the part of its expression language
# the workflows use: status functions, `steps.<id>.outcome`, `steps.<id>.outputs.<name>`, strings,
# `!`, `==`, `!=`, `&&`, `||` and parentheses. Anything else raises, so a condition this cannot read is never guessed at.

STATUS_FUNCTION = re.compile(r"\b(?:success|failure|always|cancelled)\s*\(")
_TOKEN = re.compile(r"\s*(?:(\(|\)|&&|\|\||==|!=|!)|'((?:[^']|'')*)'|([A-Za-z_][\w.-]*))")


def run_job(job: dict[str, Any], failing: set[str] = frozenset(),
            outputs: dict[str, dict[str, str]] | None = None) -> dict[str, str]:
    """Each step's outcome, 'success', 'failure' or 'skipped', when the steps named in `failing`
    (by id, else by name) fail and every other step that runs succeeds; `outputs` (by step id)
    are what a step that runs sets, e.g. {"changes": {"tests": "content"}}."""
    outcomes: dict[str, str] = {}
    by_id: dict[str, str] = {}
    produced: dict[str, dict[str, str]] = {}
    job_failed = False
    for step in job.get("steps") or []:
        key = step.get("id") or step.get("name")
        condition = str(step.get("if", "success()")).strip()
        if condition.startswith("${{") and condition.endswith("}}"):
            condition = condition[3:-2]
        # A condition without a status function runs only while every earlier step succeeded.
        if not STATUS_FUNCTION.search(condition):
            condition = f"success() && ({condition})"
        status = {"success": not job_failed, "failure": job_failed, "always": True, "cancelled": False}
        runs = _truthy(_Expression(condition, status, by_id, produced).value())
        outcome = "skipped" if not runs else "failure" if key in failing else "success"
        if outcome == "failure" and not step.get("continue-on-error"):
            job_failed = True
        outcomes[key] = outcome
        if "id" in step:
            by_id[step["id"]] = outcome
            if runs:
                produced[step["id"]] = (outputs or {}).get(step["id"], {})
    return outcomes


def job_result(outcomes: dict[str, str]) -> str:
    """The job's own result, the status its check reports: 'failure' when a step failed."""
    return "failure" if "failure" in outcomes.values() else "success"


def _truthy(value: Any) -> bool:
    return value not in (False, None, "", 0)


class _Expression:
    def __init__(self, text: str, status: dict[str, bool], steps: dict[str, str],
                 outputs: dict[str, dict[str, str]]) -> None:
        self.text, self.status, self.steps, self.outputs = text, status, steps, outputs
        self.tokens: list[tuple[str, str]] = []
        position = 0
        while text[position:].strip():
            match = _TOKEN.match(text, position)
            if not match:
                raise ValueError(f"cannot read {text[position:]!r} in {text!r}")
            operator, string, name = match.groups()
            self.tokens.append(("op", operator) if operator else ("str", string.replace("''", "'"))
                               if string is not None else ("name", name))
            position = match.end()
        self.position = 0

    def value(self) -> Any:
        result = self._or()
        if self.position != len(self.tokens):
            raise ValueError(f"unexpected {self.tokens[self.position][1]!r} in {self.text!r}")
        return result

    def _peek(self) -> tuple[str, str] | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def _take(self, operator: str) -> bool:
        if self._peek() == ("op", operator):
            self.position += 1
            return True
        return False

    def _or(self) -> Any:
        left = self._and()
        while self._take("||"):
            right = self._and()
            left = left if _truthy(left) else right
        return left

    def _and(self) -> Any:
        left = self._not()
        while self._take("&&"):
            right = self._not()
            left = right if _truthy(left) else left
        return left

    def _not(self) -> Any:
        if self._take("!"):
            return not _truthy(self._not())
        left = self._primary()
        for operator in ("==", "!="):
            if self._take(operator):
                right = self._primary()
                # GitHub compares strings case-insensitively.
                same = str(left).lower() == str(right).lower()
                return same if operator == "==" else not same
        return left

    def _primary(self) -> Any:
        if self._take("("):
            inner = self._or()
            if not self._take(")"):
                raise ValueError(f"missing ')' in {self.text!r}")
            return inner
        token = self._peek()
        if token is None:
            raise ValueError(f"unexpected end of {self.text!r}")
        self.position += 1
        kind, text = token
        if kind == "str":
            return text
        if kind == "name" and text in self.status:
            if not (self._take("(") and self._take(")")):
                raise ValueError(f"{text} takes no arguments in {self.text!r}")
            return self.status[text]
        if kind == "name" and text in ("true", "false"):
            return text == "true"
        parts = text.split(".")
        if kind == "name" and len(parts) == 3 and parts[0] == "steps" and parts[2] in ("outcome", "conclusion"):
            # A step that has not run yet (or does not exist) has no outcome: GitHub reads ''.
            return self.steps.get(parts[1], "")
        if kind == "name" and len(parts) == 4 and parts[0] == "steps" and parts[2] == "outputs":
            # An output that no step set (or a step that did not run) reads '' too.
            return self.outputs.get(parts[1], {}).get(parts[3], "")
        raise ValueError(f"cannot evaluate {text!r} in {self.text!r}")
