"""`tradeclaims`: the console command (run, validate, report).

Results go to stdout, progress and logs to stderr. Exit codes: 0 success,
1 a data-quality gate failed, 2 unusable input or usage, 3 another run holds
the output folder.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

EXIT_OK, EXIT_QUALITY, EXIT_USAGE, EXIT_LOCKED = 0, 1, 2, 3


def _cmd_run(args: argparse.Namespace) -> int:
    from flows import env

    env.apply()
    if not Path(args.input).is_dir():
        print(f"tradeclaims: input folder {args.input!r} does not exist", file=sys.stderr)
        return EXIT_USAGE
    if args.reference is not None and not Path(args.reference).is_dir():
        print(f"tradeclaims: reference folder {args.reference!r} does not exist", file=sys.stderr)
        return EXIT_USAGE
    if args.dask_address and args.runner != "dask":
        print("tradeclaims: --dask-address needs --runner dask", file=sys.stderr)
        return EXIT_USAGE
    from flows import temporary_api

    if not args.dask_address:  # (a remote scheduler's workers could not reach it)
        # the server boots on the other core while Prefect, pandas and GX are imported here
        temporary_api.start_for_this_process()
    from flows.locking import OutputLocked, output_lock
    from stages.ingest import InputUnusable
    from stages.reference_tables import ReferenceUnreadable
    from flows.pipeline import QualityGateFailed, run_with_runner
    try:
        # the output lock first: a second run refuses (or waits) before Prefect starts
        with output_lock(Path(args.out), wait=args.wait):
            summary = run_with_runner(args.runner, args.dask_address, input_dir=args.input, out_dir=args.out,
                                      full_refresh=args.full_refresh, batch_size=args.batch_size,
                                      progress=sys.stderr.isatty() or args.progress, wait_for_lock=args.wait,
                                      reference_dir=args.reference)
    except (InputUnusable, OutputLocked, QualityGateFailed, ReferenceUnreadable) as exc:
        print(f"tradeclaims: {exc}", file=sys.stderr)
        return {OutputLocked: EXIT_LOCKED, QualityGateFailed: EXIT_QUALITY}.get(type(exc), EXIT_USAGE)
    if args.json:
        print(json.dumps(summary, default=str))
    else:
        for key in ("run_id", "files_seen", "files_documents", "files_quarantined", "duplicates", "files_skipped",
                    "documents_new", "documents_skipped", "quarantined", "facts_written", "mentions_written",
                    "validation"):
            print(f"{key:18} {summary[key]}")
        if summary.get("reconciliation"):
            verdicts = ", ".join(f"{v} {n}" for v, n in summary["reconciliation"].items())
            print(f"{'reconciliation':18} {verdicts}")
        print(f"{'output':18} {args.out}")
        if summary.get("report"):
            print(f"{'report':18} {summary['report']}")
    return EXIT_OK


def _cmd_validate(args: argparse.Namespace) -> int:
    from flows import env

    env.apply()
    from expectations.runner import validate_directory

    if not Path(args.dir).is_dir():
        print(f"tradeclaims: {args.dir!r} is not a folder", file=sys.stderr)
        return EXIT_USAGE
    code, lines = validate_directory(args.dir)
    for line in lines:
        print(line)
    if code == 0:
        print(f"all expectations passed in {args.dir}", file=sys.stderr)
    return EXIT_OK if code == 0 else EXIT_QUALITY


def _cmd_report(args: argparse.Namespace) -> int:
    from flows.report_cmd import write_report

    if not Path(args.out).is_dir():
        print(f"tradeclaims: {args.out!r} is not a folder", file=sys.stderr)
        return EXIT_USAGE
    path = write_report(Path(args.out), Path(args.html) if args.html else None)
    print(path)
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="tradeclaims", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="process an input folder into validated Parquet tables")
    run.add_argument("--input", default="seeds", help="folder of .txt files (any depth) and manifest.csv")
    run.add_argument("--out", default="data/out", help="output folder for the tables")
    run.add_argument("--full-refresh", action="store_true", help="reprocess every document")
    run.add_argument("--batch-size", type=int, default=None,
                     help="documents per task (default: four batches per worker, 500 to 2000 documents each)")
    run.add_argument("--runner", choices=("default", "threads", "dask"), default="default",
                     help="where batches run: default = one process per core; threads = this process; "
                          "dask = a local Dask cluster, or the scheduler at --dask-address")
    run.add_argument("--dask-address", help="address of an existing Dask scheduler (tcp://host:8786)")
    run.add_argument("--reference", metavar="DIR",
                     help="folder of reference statistics (*.csv) to check claims against "
                          "(default: the copy shipped in stages/reference/)")
    run.add_argument("--wait", action="store_true", help="wait for another run on the same output to end")
    run.add_argument("--progress", action="store_true", help="show progress even when stderr is not a TTY")
    run.add_argument("--json", action="store_true", help="print the run summary as JSON")
    run.set_defaults(func=_cmd_run)
    val = sub.add_parser("validate", help="check published tables against the current expectation suites")
    val.add_argument("dir", help="output folder holding the tables")
    val.set_defaults(func=_cmd_validate)
    rep = sub.add_parser("report", help="write an HTML page of the extracted claims")
    rep.add_argument("out", help="output folder holding the tables")
    rep.add_argument("--html", help="where to write the page (default OUT/report.html)")
    rep.set_defaults(func=_cmd_report)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
