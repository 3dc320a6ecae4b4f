"""The security pieces of a runtime: leak detector, safety filter, audit log, approvals, taint.

vault values → LeakDetector ─┬─ SafetyFilter (every tool result: leak scan → sanitizer → wrap)
                             ├─ user-message and model-output screens (the session's ports)
                             ├─ audit redactor, log redaction on the root logger
                             └─ memory WriteScreen (sanitizer + leak scan)
audit log (signed, vault key) → ApprovalDesk → TaintGuard, ApprovalGate → approver
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bastion.app.settings import Settings

if TYPE_CHECKING:
    from bastion.kernel.approval_desk import ApprovalDesk
    from bastion.kernel.approval_prompt import ApprovalPromptFn
    from bastion.kernel.audit_log import AuditLog
    from bastion.kernel.hooks import Approver, AuditSink, CallGuard
    from bastion.kernel.registry import ToolRegistry
    from bastion.kernel.safety_filter import SafetyFilter
    from bastion.kernel.taint import StoredUserTexts, TaintTracker
    from bastion.safety import ContentChecker, LeakDetector
    from bastion.store.database import Database
    from bastion.vault.vault import Vault

__all__ = [
    "SCRATCH_PREFIXES",
    "SanitizingWriteScreen",
    "Security",
    "open_security",
    "record_state_change",
]

SCRATCH_PREFIXES = ("scratch/",)


class SanitizingWriteScreen:
    """The memory ``WriteScreen``: a stored secret or a blocked leak refuses the write, a
    redact-level leak is redacted, and instructions are escaped by the sanitizer, since memory
    is read back into the model's context on later turns."""

    def __init__(self, detector: LeakDetector, checker: ContentChecker) -> None:
        self._detector = detector
        self._checker = checker

    def screen(self, path: str, content: str) -> str:
        from bastion.contracts.errors import LeakBlocked
        from bastion.safety import LeakAction, Verdict

        scan = self._detector.scan(content)
        if scan.action is LeakAction.BLOCK:
            rules = ", ".join(sorted({f.rule for f in scan.findings}))
            raise LeakBlocked(f"{path}: not written, it contains a secret ({rules})")
        check = self._checker.check(scan.redacted)
        if check.verdict is Verdict.BLOCK:
            rules = ", ".join(sorted({f.rule for f in check.findings}))
            raise LeakBlocked(f"{path}: not written, it reads as instructions ({rules})")
        return check.sanitized


def redact_findings(detector: LeakDetector, text: str) -> str:
    """``text`` with every leak finding redacted (unchanged when there is none)."""
    scan = detector.scan(text)
    return scan.redacted if scan.findings else text


@dataclass(slots=True)
class Security:
    detector: LeakDetector
    checker: ContentChecker
    safety_filter: SafetyFilter
    audit: AuditLog
    desk: ApprovalDesk
    user_texts: StoredUserTexts

    def redact(self, text: str) -> str:
        """Every leak finding redacted, warn-level ones too (for the audit log and stores)."""
        return redact_findings(self.detector, text)

    def guards(self) -> list[CallGuard]:
        from bastion.kernel.approval_gate import ApprovalGate
        from bastion.kernel.taint import TaintGuard

        # Taint first, so a tainted call's request carries the taint reason.
        taint = TaintGuard(self.user_texts, self.desk, scratch_prefixes=list(SCRATCH_PREFIXES))
        return [taint, ApprovalGate(self.desk)]

    def approver(self, ask: ApprovalPromptFn | None) -> Approver:
        from bastion.kernel.approval_prompt import InteractiveApprover, PendingApprover

        return PendingApprover(self.desk) if ask is None else InteractiveApprover(self.desk, ask)

    def tracker(self, registry: ToolRegistry) -> TaintTracker:
        from bastion.kernel.taint import TaintTracker

        def reads_outside(name: str) -> bool:
            entry = registry.entry(name)
            return entry is not None and entry.spec.reads_outside_content

        return TaintTracker(reads_outside)

    def write_screen(self) -> SanitizingWriteScreen:
        return SanitizingWriteScreen(self.detector, self.checker)

    def screen_user(self, text: str) -> tuple[str, str | None]:
        from bastion.kernel.safety_filter import screen_user_message

        screened = screen_user_message(self.detector, text)
        return screened.text, screened.notice

    def screen_output(self, text: str) -> str:
        from bastion.kernel.safety_filter import screen_llm_output

        return screen_llm_output(self.detector, text).text

    def add_known_secret(self, value: str) -> None:
        """A secret set while running: redact it from now on, everywhere."""
        self.detector.add_known_secret(value)


def open_security(settings: Settings, database: Database, vault: Vault) -> Security:
    from bastion.kernel.approval_desk import ApprovalDesk
    from bastion.kernel.audit_keys import open_audit_log
    from bastion.kernel.safety_filter import SafetyFilter
    from bastion.kernel.taint import StoredUserTexts
    from bastion.safety import ContentChecker, LeakDetector, install_log_redaction
    from bastion.store.approvals import ApprovalRepository
    from bastion.store.threads import SqliteThreadRepository

    safety = settings.safety
    detector = LeakDetector(known_secrets=vault.all_values(), overrides=safety.leak_actions)
    install_log_redaction(detector)
    checker = ContentChecker(safety.injection_verdicts, safety.policy_actions)

    def redact(text: str) -> str:
        return redact_findings(detector, text)

    audit = open_audit_log(database, vault, redactor=redact)
    desk = ApprovalDesk(
        ApprovalRepository(database),
        expiry_s=settings.approvals.expiry_s,
        auto_approve=settings.approvals.auto_approve,
        audit=audit,
        redactor=redact,
    )
    threads = SqliteThreadRepository(database)
    return Security(
        detector=detector,
        checker=checker,
        safety_filter=SafetyFilter(detector, checker),
        audit=audit,
        desk=desk,
        user_texts=StoredUserTexts(threads.load_messages),
    )


def record_state_change(settings: Settings, write: Callable[[AuditSink], None]) -> None:
    """Append one state-change event (a tool installed or removed) from a CLI command."""
    from bastion.app.bootstrap import open_database, open_vault
    from bastion.kernel.audit_keys import open_audit_log

    database = open_database(settings)
    try:
        write(open_audit_log(database, open_vault(settings, database)))
    finally:
        database.close()
