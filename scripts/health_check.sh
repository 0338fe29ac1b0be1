#!/usr/bin/env bash
# The runbook's hourly health check, for cron:
#   5 * * * *  /opt/utxoracle-ops/scripts/health_check.sh
# Runs bin/health-check.js with --alert (webhook when not healthy). The job itself writes the
# node_exporter textfile when HEALTH_PROMETHEUS_FILE is set, in .env or in the environment (a
# setting like any other, so this script passes nothing for it). $LOG_DIR/health-check.log gets JSON
# lines only, like every other job's log: the report as one document (--json: each check's state,
# figure and message, and the overall status) and the job's own log lines (LOG_FORMAT=json), so
# `jq` reads the whole file. Run by hand on a terminal, it prints the report there (the runbook's
# lines: one per check and `Overall Status: …`) and still logs: the job's JSON log lines go to the
# file. The script exits with the job's code (0 healthy, 3 degraded, 1 unhealthy, 2 usage, 4 already
# running) so cron's MAILTO or a wrapper can act on it. Extra arguments are passed on.
set -euo pipefail

home="${UTXORACLE_HOME:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
log_dir="${LOG_DIR:-${UTXORACLE_DATA_DIR:-$home/data}/logs}"
node_bin="${NODE:-node}"

if ! mkdir -p "$log_dir" 2>/dev/null || [ ! -w "$log_dir" ]; then
  echo "health_check.sh: LOG_DIR $log_dir cannot be created or written" >&2
  exit 2
fi

log="$log_dir/health-check.log"
# The job reads .env from the working directory, as every job run from cron does.
cd "$home" || exit 2
# Not healthy is an exit code to pass on, not an error to stop at: capture it.
status=0
if [ -t 1 ]; then
  # A person at a terminal: the report on the screen, the job's log lines in the file.
  LOG_FORMAT=json "$node_bin" "$home/bin/health-check.js" --alert "$@" 2>>"$log" || status=$?
else
  LOG_FORMAT=json "$node_bin" "$home/bin/health-check.js" --alert --json "$@" >>"$log" 2>&1 || status=$?
fi
exit "$status"
