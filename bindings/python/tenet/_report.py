"""The report as native objects, decoded from the library's JSON rendering.

Nothing here interprets a diagnostic: the values are the C library's, field
for field (README.md, "JSON output"). Keys a newer library adds are kept in
`extra` rather than dropped or rejected.
"""
import dataclasses
import json
from dataclasses import dataclass, field
from typing import Any, List, Mapping, Optional, Tuple


def _split(cls, obj):
    names = [f.name for f in dataclasses.fields(cls) if f.name != "extra"]
    known = {n: obj.get(n) for n in names}
    extra = {k: v for k, v in obj.items() if k not in known}
    return known, extra


@dataclass(frozen=True)
class Diagnostic:
    """One finding. Positions are 1-based (columns count code points;
    end_column is one past the last character); absent values are None."""
    rule: str
    severity: str
    verdict: Optional[str] = None
    message: Optional[str] = None
    fix: Optional[str] = None
    reason: Optional[str] = None
    file: Optional[str] = None
    line: Optional[int] = None
    column: Optional[int] = None
    end_line: Optional[int] = None
    end_column: Optional[int] = None
    path: Optional[str] = None
    subject: Optional[str] = None
    kind: Optional[str] = None
    operation: Optional[str] = None
    region: Optional[str] = None
    regions: Tuple[str, ...] = ()
    scenario: Optional[str] = None
    source: Optional[str] = None
    suppressed: bool = False           # silenced by a suppression (still reported)
    suppression: Optional[str] = None  # how and why: "inline: REASON", "config: ..."
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)

    @classmethod
    def _from_json(cls, obj):
        known, extra = _split(cls, obj)
        known["regions"] = tuple(known["regions"] or ())
        known["suppressed"] = bool(known["suppressed"])
        return cls(extra=extra, **known)


@dataclass(frozen=True)
class InputErrorInfo:
    """An input that could not be read or judged, as the report records it."""
    file: Optional[str]
    line: Optional[int]
    column: Optional[int]
    code: Optional[str]
    message: Optional[str]
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)

    @classmethod
    def _from_json(cls, obj):
        known, extra = _split(cls, obj)
        return cls(extra=extra, **known)


@dataclass(frozen=True)
class Summary:
    files: int = 0
    subjects: int = 0
    errors: int = 0
    warnings: int = 0
    infos: int = 0
    input_errors: int = 0
    suppressed: int = 0
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)

    @classmethod
    def _from_json(cls, obj):
        known, extra = _split(cls, obj)
        return cls(extra=extra, **{k: v or 0 for k, v in known.items()})


@dataclass(frozen=True)
class Report:
    """The result of one check: diagnostics in report order, input errors and counts."""
    diagnostics: List[Diagnostic]
    input_errors: List[InputErrorInfo]
    summary: Summary
    tenet: str = ""
    schema: int = 0
    json: str = field(default="", compare=False, repr=False)  # the library's JSON, verbatim

    @property
    def errors(self) -> List[Diagnostic]:
        """The error-severity diagnostics that no suppression silenced
        (as many as summary.errors counts)."""
        return [d for d in self.diagnostics if d.severity == "error" and not d.suppressed]

    @classmethod
    def _from_json(cls, text):
        obj = json.loads(text)
        return cls(
            diagnostics=[Diagnostic._from_json(d) for d in obj.get("diagnostics") or ()],
            input_errors=[InputErrorInfo._from_json(e) for e in obj.get("input_errors") or ()],
            summary=Summary._from_json(obj.get("summary") or {}),
            tenet=obj.get("tenet") or "",
            schema=obj.get("schema") or 0,
            json=text,
        )

    def to_dict(self):
        """The report as the JSON object the library rendered."""
        return json.loads(self.json)
