"""Peers: the analysis engine against GNU PSPP and R on the replication's synthetic data, to
1e-8, and both peers reading the project's .sav exports with every label intact.

Marked ``peers``: they run once (in the SQLite pass of ``make test``, which installs pspp,
r-base-core, r-cran-survey and r-cran-haven from Debian when missing). A missing peer FAILS the
test with a message saying how to install it; it never skips.

PSPP prints every figure with 16 decimals here (``SET FORMAT=F40.16`` and ``OUTPUT MODIFY`` for
significances and counts). PSPP 1.6 prints Pearson correlations with 3 decimals whatever the
settings, so r is read from a one-predictor regression's standardised beta (which is r), and
the correlation's p from CORRELATIONS.
"""

from __future__ import annotations

import csv
import shutil
import subprocess

import numpy as np
import pandas as pd
import pyreadstat
import pytest

from skreddersy.core import reference
from skreddersy.insight import analysis, replication, synthetic
from skreddersy.insight import io as insight_io
from skreddersy.insight.analysis import summary_tests
from skreddersy.insight.analysis import weighting as W

pytestmark = pytest.mark.peers

TOL = 1e-8
INSTALL = "run `make peers` (apt-get install pspp r-base-core r-cran-survey r-cran-haven)"


def need(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.fail(f"The peer tests need {tool}, which is not installed: {INSTALL}.", pytrace=False)
    return path


def close(a, b, tol=TOL):
    a, b = float(a), float(b)
    return abs(a - b) <= tol * max(1.0, abs(b))


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("peers")
    rep = replication.cached(seed=2021)
    table = replication.sav_table(rep.synthetic)
    path = tmp / "synthetic.sav"
    path.write_bytes(insight_io.to_sav_bytes(table))
    frame, _meta = pyreadstat.read_sav(str(path))
    return {"dir": tmp, "sav": path, "frame": frame, "table": table}


def run_pspp(syntax: str, tmp) -> dict[str, list[list[str]]]:
    pspp = need("pspp")
    sps, out = tmp / "job.sps", tmp / "out.csv"
    sps.write_text(syntax, encoding="utf-8")
    done = subprocess.run([pspp, str(sps), "-o", str(out)], capture_output=True, text=True, timeout=300)
    assert "error" not in (done.stdout + done.stderr).lower(), done.stdout + done.stderr
    tables: dict[str, list[list[str]]] = {}
    title, rows = None, []
    for line in out.read_text(encoding="utf-8").splitlines() + [""]:
        if line.startswith("Table: "):
            title, rows = line[7:], []
        elif not line.strip():
            if title is not None:
                key, i = title, 2
                while key in tables:
                    key, i = f"{title} #{i}", i + 1
                tables[key] = rows
            title = None
        elif title is not None:
            rows.append(next(csv.reader([line])))
    return tables


def run_r(script: str, tmp) -> dict[str, float | str]:
    rscript = need("Rscript")
    path = tmp / "job.R"
    path.write_text(script, encoding="utf-8")
    done = subprocess.run([rscript, "--vanilla", str(path)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    out = {}
    for line in done.stdout.splitlines():
        if "\t" in line:
            k, v = line.split("\t", 1)
            try:
                out[k] = float(v)
            except ValueError:
                out[k] = v
    return out


def num(cell: str) -> float:
    return float(cell.replace(",", "")) if cell.strip() else float("nan")


def study_blocks():
    return replication.study_blocks(reference.published_study())


# --- PSPP ---------------------------------------------------------------------------------------

def test_pspp_agrees_with_the_engine(data):
    frame, tmp = data["frame"], data["dir"]
    blocks = study_blocks()
    reg = analysis.hierarchical_ols(frame, "individualisation", blocks)
    cumulative = [sum(blocks[: i + 1], []) for i in range(len(blocks))]
    order = list(replication.synthetic.published_correlations(reference.published_study()).index)
    others = [v for v in order if v != "individualisation"]
    syntax = [f"SET FORMAT=F40.16.\nSET TVARS=NAMES TNUMBERS=VALUES.\nGET FILE='{data['sav']}'.",
              "OUTPUT MODIFY /SELECT TABLES /TABLECELLS SELECT=[ RESIDUAL SIGNIFICANCE COUNT ] FORMAT=F40.16.",
              "COMPUTE r_time = 3 - dcsq_time.", "COMPUTE r_conflict = 3 - dcsq_conflict.", "EXECUTE."]
    for preds in cumulative:
        syntax.append(f"REGRESSION /VARIABLES={' '.join(preds)} /DEPENDENT=individualisation /STATISTICS=COEFF R ANOVA.")
    syntax.append("RELIABILITY /VARIABLES=r_time r_conflict dcsq_load /MODEL=ALPHA.")
    syntax.append("RELIABILITY /VARIABLES=pm_fill_slots pm_slot_access /MODEL=ALPHA.")
    syntax.append("T-TEST /GROUPS=employer(0 1) /VARIABLES=individualisation.")
    for v in others:
        syntax.append(f"REGRESSION /VARIABLES={v} /DEPENDENT=individualisation /STATISTICS=COEFF.")
    syntax.append(f"CORRELATIONS /VARIABLES=individualisation {' '.join(others)}.")
    syntax.append("CROSSTABS /TABLES=employer BY office_size /STATISTICS=CHISQ.")
    syntax.append("NPAR TESTS /M-W=individualisation BY employer(0 1).")
    t = run_pspp("\n".join(syntax) + "\n", tmp)

    # hierarchical regression: B, SE, beta, t, p per block; R², adjusted R²
    coef_tables = [k for k in t if k.startswith("Coefficients (individualisation)")]
    summaries = [k for k in t if k.startswith("Model Summary (individualisation)")]
    for i, blk in enumerate(reg.blocks):
        rows = [r for r in t[coef_tables[i]] if r[0] and r[0] not in ("", " ")][-(len(blk.coefficients)):]
        for c, row in zip(blk.coefficients, rows, strict=True):
            b, se, beta, tv, p = (num(x) for x in row[1:6])
            assert close(c.b, b) and close(c.se, se) and close(c.t, tv) and close(c.p, p), (c.name, row)
            if c.beta is not None:
                assert close(c.beta, beta), (c.name, row)
        r, r2, adj = (num(x) for x in t[summaries[i]][1][:3])
        assert close(blk.r2, r2) and close(blk.adj_r2, adj)

    # reliability
    items = frame
    alpha_tables = [k for k in t if k.startswith("Reliability Statistics")]
    wl = analysis.reliability(items, synthetic.STUDY_INDICES[1])
    pm = analysis.reliability(items, synthetic.STUDY_INDICES[0])
    assert close(wl.alpha, num(t[alpha_tables[0]][1][0]))
    assert close(pm.alpha, num(t[alpha_tables[1]][1][0]))

    # Student's and Welch's t (employer 0 against 1), the engine from raw data and from summaries
    welch = analysis.compare_groups(frame, "individualisation", "employer", groups=(0.0, 1.0))
    tt = t["Independent Samples Test"]
    student_row = next(r for r in tt if "Equal variances assumed" in r)
    welch_row = next(r for r in tt if "Equal variances not assumed" in r)
    assert close(welch.statistic, num(welch_row[4])) and close(welch.df, num(welch_row[5]))
    assert close(welch.p, num(welch_row[6]))
    summ = summary_tests.t_test(welch.mean[0], welch.sd[0], welch.n[0], welch.mean[1], welch.sd[1], welch.n[1],
                                equal_var=True)
    assert close(summ.statistic, num(student_row[4])) and close(summ.p, num(student_row[6]))

    # correlations: r from one-predictor betas, p from CORRELATIONS
    corr = analysis.correlations(frame, ["individualisation", *others], method="listwise")
    for i, v in enumerate(others):
        rows = t[coef_tables[len(blocks) + i]]
        beta = num([r for r in rows if r[0] == v][0][3])
        assert close(corr.r.loc["individualisation", v], beta), v
    sig = next(r for r in t["Correlations"] if r[1].startswith("Sig."))
    for j, v in enumerate(others, start=1):
        assert close(corr.p.loc["individualisation", v], num(sig[2 + j]), tol=1e-7), v

    # χ² (Pearson, no correction)
    chi = analysis.chi_square(frame, "employer", "office_size")
    pearson = next(r for r in t["Chi-Square Tests"] if r[0].startswith("Pearson"))
    assert close(chi.chi2, num(pearson[1])) and int(num(pearson[2])) == chi.df and close(chi.p, num(pearson[3]))

    # Mann-Whitney: PSPP follows the other convention (p without continuity correction)
    mw = analysis.compare_groups(frame, "individualisation", "employer", groups=(0.0, 1.0), method="mannwhitney")
    ts = t["Test Statistics"]
    u = num(ts[1][1])
    assert close(u, mw.statistic) or close(u, mw.u_second)
    assert close(mw.p_no_correction, num(ts[1][4]))


# --- R ------------------------------------------------------------------------------------------

R_HEADER = """
suppressMessages({library(haven); library(survey)})
out <- function(k, v) cat(k, "\\t", format(v, digits = 17), "\\n", sep = "")
"""


def test_r_agrees_with_the_engine(data):
    frame, tmp = data["frame"], data["dir"]
    blocks = study_blocks()
    reg = analysis.hierarchical_ols(frame, "individualisation", blocks)
    cumulative = [sum(blocks[: i + 1], []) for i in range(len(blocks))]
    order = list(replication.synthetic.published_correlations(reference.published_study()).index)
    script = [R_HEADER, f"d <- as.data.frame(zap_labels(read_sav('{data['sav']}')))", "prev <- lm(individualisation ~ 1, d)"]
    for i, preds in enumerate(cumulative, start=1):
        script.append(f"m <- lm(individualisation ~ {' + '.join(preds)}, d); s <- summary(m); cf <- coef(s)")
        script.append(f"for (j in seq_len(nrow(cf))) for (c in 1:4) out(paste('b{i}', j, c), cf[j, c])")
        script.append(f"out('r2 {i}', s$r.squared); out('adj {i}', s$adj.r.squared)")
        script.append(f"a <- anova(prev, m); out('fch {i}', a$F[2]); out('pch {i}', a[2, 'Pr(>F)']); prev <- m")
    script.append("alpha <- function(x) { k <- ncol(x); k / (k - 1) * (1 - sum(apply(x, 2, var)) / var(rowSums(x))) }")
    script.append("out('alpha wl', alpha(cbind(3 - d$dcsq_time, 3 - d$dcsq_conflict, d$dcsq_load)))")
    script.append("out('alpha pm', alpha(cbind(d$pm_fill_slots, d$pm_slot_access)))")
    script.append("x0 <- d$individualisation[d$employer == 0]; x1 <- d$individualisation[d$employer == 1]")
    script.append("w <- t.test(x0, x1); out('welch t', w$statistic); out('welch df', w$parameter); out('welch p', w$p.value)")
    script.append("s <- t.test(x0, x1, var.equal = TRUE); out('student t', s$statistic); out('student p', s$p.value)")
    vs = " , ".join(f"'{v}'" for v in order)
    script.append(f"v <- c({vs}); r <- cor(d[, v])")
    script.append("for (i in seq_along(v)) for (j in seq_along(v)) if (i > j) { "
                  "out(paste('r', v[i], v[j]), r[i, j]); out(paste('p', v[i], v[j]), cor.test(d[[v[i]]], d[[v[j]]])$p.value) }")
    script.append("ch <- chisq.test(table(d$employer, d$office_size), correct = FALSE)")
    script.append("out('chi2', ch$statistic); out('chi df', ch$parameter); out('chi p', ch$p.value)")
    script.append("mw <- wilcox.test(x0, x1, correct = TRUE, exact = FALSE); out('mw W', mw$statistic); out('mw p', mw$p.value)")
    res = run_r("\n".join(script) + "\n", tmp)

    for i, blk in enumerate(reg.blocks, start=1):
        for j, c in enumerate(blk.coefficients, start=1):
            for col, got in ((1, c.b), (2, c.se), (3, c.t), (4, c.p)):
                assert close(got, res[f"b{i} {j} {col}"]), (i, c.name, col)
        assert close(blk.r2, res[f"r2 {i}"]) and close(blk.adj_r2, res[f"adj {i}"])
        assert close(blk.f_change, res[f"fch {i}"]) and close(blk.p_f_change, res[f"pch {i}"])
    assert close(analysis.reliability(frame, synthetic.STUDY_INDICES[1]).alpha, res["alpha wl"])
    assert close(analysis.reliability(frame, synthetic.STUDY_INDICES[0]).alpha, res["alpha pm"])
    welch = analysis.compare_groups(frame, "individualisation", "employer", groups=(0.0, 1.0))
    assert close(welch.statistic, res["welch t"]) and close(welch.df, res["welch df"]) and close(welch.p, res["welch p"])
    student = summary_tests.t_test(welch.mean[0], welch.sd[0], welch.n[0], welch.mean[1], welch.sd[1], welch.n[1],
                                   equal_var=True)
    assert close(student.statistic, res["student t"]) and close(student.p, res["student p"])
    corr = analysis.correlations(frame, order, method="listwise")
    for i, a in enumerate(order):
        for b in order[:i]:
            assert close(corr.r.loc[a, b], res[f"r {a} {b}"]), (a, b)
            assert close(corr.p.loc[a, b], res[f"p {a} {b}"], tol=1e-7), (a, b)
    chi = analysis.chi_square(frame, "employer", "office_size")
    assert close(chi.chi2, res["chi2"]) and chi.df == res["chi df"] and close(chi.p, res["chi p"])
    mw = analysis.compare_groups(frame, "individualisation", "employer", groups=(0.0, 1.0), method="mannwhitney")
    assert close(mw.statistic, res["mw W"]) and close(mw.p, res["mw p"])


def test_r_survey_agrees_with_raking_and_weighted_estimates(data):
    """Second implementation for weights: R's survey package (rake, svymean, svyglm)."""
    frame, tmp = data["frame"], data["dir"]
    f = frame.assign(size=frame["office_size"].astype(int).astype(str), emp=frame["employer"].astype(int).astype(str))
    targets = {"size": {"0": 0.1, "1": 0.2, "2": 0.3, "3": 0.4}, "emp": {"0": 0.5, "1": 0.5}}
    w = W.rake(f, targets)
    mean, se = W.weighted_mean(f["individualisation"], w.weights, f["office"])
    ols = W.weighted_ols(f, "individualisation", ["performance_management", "workload"], w.weights)
    csv_path = tmp / "weights.csv"
    pd.DataFrame({"y": f["individualisation"], "pm": f["performance_management"], "wl": f["workload"],
                  "office": f["office"], "size": f["size"], "emp": f["emp"], "w": w.weights}).to_csv(
        csv_path, index=False, float_format="%.17g")
    n = len(f)
    script = R_HEADER + f"""
d <- read.csv('{csv_path}', colClasses = c(size = 'character', emp = 'character'))
des <- svydesign(ids = ~office, weights = ~w, data = d)
m <- svymean(~y, des); out('mean', coef(m)); out('se', SE(m))
g <- svyglm(y ~ pm + wl, design = des); cf <- coef(summary(g))
for (j in 1:3) {{ out(paste('b', j), cf[j, 1]); out(paste('se', j), cf[j, 2]) }}
base <- svydesign(ids = ~office, weights = ~rep(1, nrow(d)), data = d)
pop_size <- data.frame(size = c('0', '1', '2', '3'), Freq = {n} * c(0.1, 0.2, 0.3, 0.4))
pop_emp <- data.frame(emp = c('0', '1'), Freq = {n} * c(0.5, 0.5))
rk <- rake(base, list(~size, ~emp), list(pop_size, pop_emp), control = list(maxit = 1000, epsilon = 1e-13))
rw <- weights(rk)
for (i in seq_along(rw)) out(paste('w', i), rw[i])
"""
    res = run_r(script, tmp)
    assert close(mean, res["mean"]) and close(se, res["se"])
    for j, side in enumerate(ols.weighted, start=1):
        assert close(side.b, res[f"b {j}"]) and close(side.se, res[f"se {j}"]), side.name
    r_weights = np.array([res[f"w {i}"] for i in range(1, n + 1)])
    r_weights = r_weights * n / r_weights.sum()
    assert np.allclose(w.weights, r_weights, rtol=1e-8, atol=0)


# --- labels -------------------------------------------------------------------------------------

def test_pspp_and_r_read_every_label(data):
    table, tmp = data["table"], data["dir"]
    calc = summary_tests.t_test(3.2, 1.1, 60, 2.8, 1.3, 62)
    from skreddersy.insight.toolkit.calculations import results_table

    calc_path = tmp / "calc.sav"
    calc_path.write_bytes(insight_io.to_sav_bytes(results_table(calc)))
    files = [(data["sav"], table), (calc_path, results_table(calc))]

    for path, labelled in files:
        t = run_pspp(f"SET TVARS=NAMES TNUMBERS=VALUES.\nGET FILE='{path}'.\nDISPLAY DICTIONARY.\n", tmp)
        variables = t["Variables"]
        header = variables[0]
        li, mi = header.index("Label"), header.index("Measurement Level")
        seen = {row[0]: row for row in variables[1:]}
        for col in labelled.frame.columns:
            assert seen[col][li] == labelled.variable_labels[col][:256], col
            if col in labelled.measures:
                assert seen[col][mi].lower() == labelled.measures[col], col
        value_rows = t.get("Value Labels", [])
        current, pspp_vl = None, {}
        for row in value_rows[1:]:
            current = row[0] or current
            pspp_vl.setdefault(current, {})[num(row[1])] = row[2]
        for col, mapping in labelled.value_labels.items():
            for code, text in mapping.items():
                assert any(k == float(code) and v == text for k, v in pspp_vl.get(col, {}).items()), (col, code)

        res = run_r(R_HEADER + f"""
d <- read_sav('{path}')
for (v in names(d)) {{
  cat('label', v, '\\t', attr(d[[v]], 'label'), '\\n', sep = '')
  lab <- attr(d[[v]], 'labels')
  if (!is.null(lab)) for (i in seq_along(lab)) cat('vl', v, format(unname(lab[i])), '\\t', names(lab)[i], '\\n', sep = ' ')
}}
""", tmp)
        for col in labelled.frame.columns:
            assert res[f"label{col}"] == labelled.variable_labels[col][:256], col
        for col, mapping in labelled.value_labels.items():
            for code, text in mapping.items():
                key = f"vl {col} {int(code) if float(code).is_integer() else code} "
                assert str(res.get(key, "")).strip() == text, (col, code)


def test_peer_tests_fail_loudly_without_a_peer(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    with pytest.raises(pytest.fail.Exception, match="make peers"):
        need("pspp")
