"""`tradeclaims-serve`: the main flow on a schedule, plus an ad-hoc deployment.

One long-lived process (Prefect's `serve`) registers two deployments of the
flow "tradeclaims-run" and runs whatever the server schedules for them:

- `tradeclaims-run/scheduled`: a cron (or interval) schedule over one input
  and output folder;
- `tradeclaims-run/adhoc`: no schedule, for `prefect deployment run
  'tradeclaims-run/adhoc' --param ...` or the UI's "Run" button.

Schedules need a real Prefect server (`prefect server start`) and
PREFECT_API_URL pointing at it: Prefect's temporary API runs no scheduler, so
this command refuses to start without PREFECT_API_URL rather than serve a
schedule that never fires.

Settings come from the command line, else from the environment
(TRADECLAIMS_INPUT, TRADECLAIMS_OUT, TRADECLAIMS_CRON, TRADECLAIMS_TIMEZONE).
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import timedelta
from pathlib import Path

from flows import env

SCHEDULED = "scheduled"
ADHOC = "adhoc"
DEFAULT_CRON = "0 6 * * *"  # every day at 06:00 in --timezone


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="tradeclaims-serve", description=__doc__.splitlines()[0])
    p.add_argument("--input", default=os.environ.get("TRADECLAIMS_INPUT", "seeds"),
                   help="input folder of the runs (env TRADECLAIMS_INPUT)")
    p.add_argument("--out", default=os.environ.get("TRADECLAIMS_OUT", "data/out"),
                   help="output folder of the runs (env TRADECLAIMS_OUT)")
    p.add_argument("--cron", default=os.environ.get("TRADECLAIMS_CRON", DEFAULT_CRON),
                   help=f"cron schedule of the scheduled deployment (env TRADECLAIMS_CRON; default {DEFAULT_CRON!r})")
    p.add_argument("--timezone", default=os.environ.get("TRADECLAIMS_TIMEZONE", "UTC"),
                   help="time zone of the cron schedule (env TRADECLAIMS_TIMEZONE)")
    p.add_argument("--interval", type=float, default=None,
                   help="run every N seconds instead of the cron schedule (for trials and tests)")
    p.add_argument("--limit", type=int, default=None,
                   help="most flow runs this process executes at once (default: no limit)")
    return p


def deployment_parameters(input_dir: str, out_dir: str) -> dict:
    """The flow's parameters for a scheduled run: absolute folders, so a run does
    not depend on the serving process's working directory; a scheduled run
    waits for one still writing the same folder instead of failing."""
    return {"input_dir": str(Path(input_dir).resolve()), "out_dir": str(Path(out_dir).resolve()),
            "wait_for_lock": True}


def build_deployments(args: argparse.Namespace) -> list:
    from flows.pipeline import run_pipeline

    params = deployment_parameters(args.input, args.out)
    if args.interval:
        schedule = {"interval": timedelta(seconds=args.interval)}
    else:
        from prefect.schedules import Cron

        schedule = {"schedules": [Cron(args.cron, timezone=args.timezone)]}
    scheduled = run_pipeline.to_deployment(
        name=SCHEDULED, parameters=params, tags=["tradeclaims", "scheduled"],
        description="tradeclaims on a schedule: new and changed documents of the input folder", **schedule)
    adhoc = run_pipeline.to_deployment(
        name=ADHOC, parameters={k: v for k, v in params.items() if k != "wait_for_lock"},
        tags=["tradeclaims", "adhoc"],
        description="tradeclaims by hand: prefect deployment run 'tradeclaims-run/adhoc' --param out_dir=...")
    return [scheduled, adhoc]


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if not os.environ.get("PREFECT_API_URL"):
        print("tradeclaims-serve: PREFECT_API_URL is not set. Schedules do nothing on Prefect's temporary API:\n"
              "  start a server with `prefect server start`, then\n"
              "  export PREFECT_API_URL=http://127.0.0.1:4200/api", file=sys.stderr)
        return 2
    if not Path(args.input).is_dir():
        print(f"tradeclaims-serve: input folder {args.input!r} does not exist", file=sys.stderr)
        return 2
    # the flow runs inherit this: their INFO logs are what the UI shows of a run
    # (flows/env.py's WARNING default suits one-shot console runs)
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO")
    env.apply()
    from prefect import serve

    deployments = build_deployments(args)
    print(f"tradeclaims-serve: serving {', '.join('tradeclaims-run/' + d.name for d in deployments)} "
          f"against {os.environ['PREFECT_API_URL']}", file=sys.stderr)
    serve(*deployments, limit=args.limit)
    return 0


if __name__ == "__main__":
    sys.exit(main())
