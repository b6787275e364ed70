"""The plain data every stage of the round trip passes on.

No file format is known here: readers turn files into these objects, writers turn
these objects into files.  Everything is a frozen dataclass or a tuple of them, so
values can cross process boundaries (the reader pool) and be compared in tests.
Nothing in this package imports anything else of wbtool.
"""

from .batch import Assignment, GeneratedFile, GenerateResult, Manifest, ManifestFile
from .catalogue import CATALOGUE_KINDS, DEFAULT_TIME_ZONE, INDICATORS, MEMBER, OTHER, SCHOOL, TASKS, UNIT_KINDS, Catalogue, Group, Notice, Progress, ReportHead, Section, Task, Unit, time_zone
from .indicators import PERCENT, Comparison, Count, Indicator, IndicatorResult, Target
from .check import CheckResult, Entry, FileReport
from .findings import Finding, Severity, has_errors
from .package import (
    BODY_LEVEL, CASE, CATEGORIES, EVIDENCE, OTHER_MATERIAL, STAMPED, SUMMARY,
    Compilation, Material, MaterialRule, PackageRules, PackageStatus, PackedMaterial, Passage, Picture, Piece, TableText,
)
from .master import Master, MasterEdits, MasterRow, MergeResult, Submission, TaskRow, UnitStatus, submission
from .report import BODY, H1, H2, H3, Block, IndicatorRow, MasterView, Report, TableRow
from .returns import ORIGIN_SEPARATOR, Form, FormRow, Identity, ReadResult, ReturnedFile, Role

__all__ = [
    "Assignment", "GeneratedFile", "GenerateResult", "Manifest", "ManifestFile",
    "CATALOGUE_KINDS", "INDICATORS", "TASKS",
    "PERCENT", "Comparison", "Count", "Indicator", "IndicatorResult", "Target",
    "MEMBER", "OTHER", "SCHOOL", "UNIT_KINDS", "Catalogue", "Group", "Notice", "Progress", "ReportHead", "Section", "Task", "Unit",
    "CheckResult", "Entry", "FileReport",
    "Finding", "Severity", "has_errors",
    "Master", "MasterEdits", "MasterRow", "MergeResult", "Submission", "TaskRow", "UnitStatus", "submission",
    "BODY", "H1", "H2", "H3", "Block", "IndicatorRow", "MasterView", "Report", "TableRow",
    "BODY_LEVEL", "CASE", "CATEGORIES", "EVIDENCE", "OTHER_MATERIAL", "STAMPED", "SUMMARY",
    "Compilation", "Material", "MaterialRule", "PackageRules", "PackageStatus", "PackedMaterial",
    "Passage", "Picture", "Piece", "TableText",
    "ORIGIN_SEPARATOR", "Form", "FormRow", "Identity", "ReadResult", "ReturnedFile", "Role",
]
