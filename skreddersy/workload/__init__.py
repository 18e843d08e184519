"""Workload, not caseload (issue 14): the workload model (office points beside weights estimated
from recorded time), the leader's workload page, the caseload planner (a MILP solved by scipy's
HiGHS), contact standards, the quarterly time-use week, and workload beside the staff survey.

Sits on top of the apps (it reads follow-up facts and uses the analysis engine in
``insight.analysis``)."""
