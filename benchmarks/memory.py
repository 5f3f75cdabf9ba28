"""Worker memory over a benchmark: the peak resident set (``VmRSS``) of each app worker, from the samples
``benchmarks.serve.MemorySampler`` takes of every worker of the gunicorn master while the phases run.

The memory section of ``python -m benchmarks`` is the largest of these peaks per dataset scale, over the
HTTP phases (both databases) and the browser phase: what one worker needs at that scale.
"""

from __future__ import annotations

TARGET_MB_AT_SCALE_1 = 400.0


def peak(samples: dict[int, list[tuple[float, float]]]) -> dict:
    """Per worker, its peak and last RSS in MB; and the largest peak of all."""
    workers = {str(pid): {"peak_mb": round(max(mb for _, mb in series), 1), "last_mb": round(series[-1][1], 1),
                          "samples": len(series)}
               for pid, series in samples.items() if series}
    return {"workers": workers, "peak_mb": max((w["peak_mb"] for w in workers.values()), default=None)}


def describe(rss: dict) -> str:
    workers = ", ".join(f"{w['peak_mb']:.0f} MB" for w in rss["workers"].values())
    return f"{rss['peak_mb']} MB (per worker: {workers})" if workers else "not sampled"


def by_scale(phases: dict[str, dict[str, dict]]) -> dict:
    """``{scale: {phase: peak(...)}}`` → per scale, the largest worker peak and the phase it was seen in."""
    result = {}
    for scale, runs in phases.items():
        peaks = {phase: rss["peak_mb"] for phase, rss in runs.items() if rss.get("peak_mb") is not None}
        worst = max(peaks, key=peaks.get) if peaks else None
        result[scale] = {"peak_mb": peaks.get(worst), "phase": worst, "phases": peaks}
    return result


def render(result: dict) -> str:
    lines = ["Memory — peak RSS of one app worker (gunicorn worker, gunicorn.conf.py; sampled every 0.5 s from /proc)",
             f"{'scale':<8}{'peak MB':>9}  seen in"]
    for scale, one in result.items():
        phases = ", ".join(f"{phase} {mb:.0f}" for phase, mb in one["phases"].items())
        lines.append(f"{scale:<8}{one['peak_mb'] or 0:>9.0f}  {one['phase']} (all phases, MB: {phases})")
    return "\n".join(lines)


def targets(result: dict) -> list[dict]:
    return [{"target": "worker peak RSS at scale 1", "value": result["1"]["peak_mb"], "limit": TARGET_MB_AT_SCALE_1,
             "higher_is_better": False, "unit": "MB"}] if "1" in result else []
