#!/usr/bin/env bash
# Installs utxoracle-ops in place: checks Node, runs `npm ci` (which builds)
# and makes the code readable by every user but writable only by its owner,
# creates the data, log, backup and archive directories (mode 0750, owned by
# the service user with --user), copies .env.example to .env when there is none,
# creates the databases (init-db, as the service user) and prints the crontab
# lines to add. Safe to re-run: it never overwrites .env and init-db is idempotent.
set -euo pipefail

readonly MIN_NODE=20.18.1

usage() {
  cat <<EOF
Usage: scripts/install.sh [--home DIR] [--data-dir DIR] [--user NAME] [--skip-npm-ci] [-h|--help]

  --home DIR       the utxoracle-ops checkout (default: the one holding this script)
  --data-dir DIR   the data directory (default: UTXORACLE_DATA_DIR from the
                   environment, else from .env, else ./data under --home)
  --user NAME      run as root for a service user: the directories and the
                   databases become NAME's, .env readable by NAME's group, and
                   init-db runs as NAME (a check that NAME can run the jobs)
  --skip-npm-ci    do not run npm ci (dependencies installed and built already)

Environment: UTXORACLE_HOME, UTXORACLE_DATA_DIR, UTXORACLE_SKIP_NPM_CI=1, and
LOG_DIR, BACKUP_DIR, ARCHIVE_DIR, DUCKDB_* as in .env.example.
Exit codes: 0 installed, 1 a step failed, 2 bad usage.
EOF
}

die() { echo "install.sh: error: $1" >&2; exit "${2:-1}"; }
note() { echo "install.sh: $*" >&2; }

home="${UTXORACLE_HOME:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
skip_npm_ci="${UTXORACLE_SKIP_NPM_CI:-0}"
service_user=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --home) [[ $# -ge 2 ]] || die "--home needs a directory" 2; home="$2"; shift 2 ;;
    --data-dir) [[ $# -ge 2 ]] || die "--data-dir needs a directory" 2; export UTXORACLE_DATA_DIR="$2"; shift 2 ;;
    --user) [[ $# -ge 2 ]] || die "--user needs a user name" 2; service_user="$2"; shift 2 ;;
    --skip-npm-ci) skip_npm_ci=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" 2 ;;
  esac
done
[[ -f "$home/package.json" && -d "$home/bin" ]] || die "--home $home is not a utxoracle-ops checkout (no package.json and bin/)" 2
home="$(cd "$home" && pwd)"
cd "$home"
if [[ -n "$service_user" ]]; then
  id -u "$service_user" >/dev/null 2>&1 || die "--user $service_user: no such user" 2
  [[ $EUID -eq 0 ]] || die "--user needs root (it hands the directories to $service_user)" 2
  service_group="$(id -gn "$service_user")"
fi
# The code (node_modules, dist, bin) must be readable by the user the jobs run as, and writable by its
# owner only: npm ci runs under umask 022 whatever the caller's umask is (a 027 one made node_modules
# 0750, and every job of another user died in a stack trace).
umask 022

# 1. Node >= MIN_NODE (the version @duckdb/node-api and the code need).
command -v node >/dev/null 2>&1 || die "node not found in PATH; install Node.js >= $MIN_NODE"
node_version="$(node -p 'process.versions.node')"
version_ge() { # $1 >= $2, both x.y.z
  local IFS=. a b i
  read -r -a a <<<"$1"; read -r -a b <<<"$2"
  for i in 0 1 2; do
    if (( ${a[i]:-0} != ${b[i]:-0} )); then (( ${a[i]:-0} > ${b[i]:-0} )); return; fi
  done
  return 0
}
version_ge "$node_version" "$MIN_NODE" || die "Node.js $node_version at $(command -v node) is too old; need >= $MIN_NODE"
note "Node.js $node_version OK"

# 2. Dependencies and the build (npm ci runs the prepare script, which compiles to dist/).
if [[ "$skip_npm_ci" == 1 ]]; then
  note "skipping npm ci (UTXORACLE_SKIP_NPM_CI=1 or --skip-npm-ci)"
else
  command -v npm >/dev/null 2>&1 || die "npm not found in PATH (it ships with Node.js)"
  note "running npm ci in $home"
  npm ci >&2 || die "npm ci failed in $home (see its output above)"
fi
[[ -f dist/src/cli/initDb.js ]] || die "the build is missing ($home/dist/src/cli/initDb.js); run npm ci or npm run build"
# Databases, backups and .env hold prices, addresses and credentials: not for other users.
umask 027

# 3. .env from the template, never over an existing one.
if [[ -e .env ]]; then
  note ".env exists; left as it is"
elif [[ -f .env.example ]]; then
  cp .env.example .env
  if [[ -n "$service_user" ]]; then
    # The jobs run as the service user and must read it; only the owner may change it.
    chgrp "$service_group" .env && chmod 640 .env
    note "created .env from .env.example (mode 640, group $service_group); edit it for your node"
  else
    chmod 600 .env # it will hold the RPC password and the webhook secret
    note "created .env from .env.example (mode 600); edit it for your node"
  fi
else
  note "warning: no .env.example in $home; the jobs will use the environment and defaults"
fi

# 4. Directories, resolved by the suite's own settings code (environment > .env > defaults),
# so they are exactly the ones the jobs will use. A bad .env is reported here, exit 2.
# (Loading the settings creates the data directory itself, mode 0750 under this umask.)
dirs="$(node --input-type=module -e '
  const { loadSettings } = await import(process.cwd() + "/dist/src/config/load.js");
  const path = await import("node:path");
  try {
    const s = loadSettings();
    const out = [s.dataDir, s.logDir, s.backupDir, s.archiveDir, s.lockDir, path.dirname(s.duckdbBackupPath)];
    process.stdout.write(out.join("\n") + "\n");
  } catch (err) {
    process.stderr.write(String(err.message) + "\n");
    process.exit(2);
  }
')" || die "the settings are not valid (message above); fix .env or the environment" 2
mapfile -t dir_list <<<"$dirs"
data_dir="${dir_list[0]}"
log_dir="${dir_list[1]}"

# A checkout cloned under a strict umask is as unreadable as a strict npm ci: open the code up (read,
# and traverse directories, for all; write for the owner only), never .env or the data directories.
prune=(-path ./.env)
for d in "${dir_list[@]}"; do
  case "$d" in "$home"/*) prune+=(-o -path "./${d#"$home"/}") ;; esac
done
find . \( "${prune[@]}" \) -prune -o -exec chmod go+rX,go-w {} +
note "the code is readable by all users, writable by $(stat -c %U .) only"
for d in "${dir_list[@]}"; do
  if [[ -d "$d" ]]; then
    # Existing directories are the operator's: report a loose mode instead of changing it.
    mode="$(stat -c %a "$d")"
    if (( 8#$mode & 8#022 )); then
      note "warning: $d is group- or world-writable (mode $mode); logrotate refuses such a log directory"
    fi
  else
    if ! { mkdir -p "$d" && chmod 0750 "$d"; }; then
      die "cannot create $d (check the parent's owner and permissions)"
    fi
    note "created $d (mode 0750)"
  fi
  if [[ -n "$service_user" ]]; then chown -R "$service_user:$service_group" "$d"; fi
done

# 5. The databases (idempotent; migrates an older schema in place), as the user the jobs run as.
# Its report goes to stderr with the other notes (stdout carries only the crontab lines); its logs
# only when something is wrong, so each database is named once.
if [[ -n "$service_user" ]]; then
  if ! runuser -u "$service_user" -- test -r "$home/bin/analyze.js"; then
    die "$service_user cannot reach $home (a parent directory is not open to it: check with namei -l $home/bin)" 2
  fi
  if [[ -e .env ]] && ! runuser -u "$service_user" -- test -r .env; then
    die "$service_user cannot read $home/.env: chgrp $service_group $home/.env && chmod 640 $home/.env" 2
  fi
  runuser -u "$service_user" -- env PATH="$PATH" LOG_LEVEL=warn ./bin/init-db.js >&2 ||
    die "init-db as $service_user failed (exit $?); see its message above"
else
  LOG_LEVEL=warn ./bin/init-db.js >&2 || die "init-db failed (exit $?); see its message above"
fi

# 6. The crontab, from crontab.example with this install's paths.
[[ -f crontab.example ]] || die "crontab.example is missing from $home"
cron_user="${service_user:-$(id -un)}"
if [[ $EUID -eq 0 && -z "$service_user" ]]; then
  note "warning: running as root without --user: the directories and databases are root's; re-run with --user <the user that runs the jobs>"
fi
# cron's PATH must reach this node (nvm and friends install outside /usr/bin).
node_dir="$(dirname "$(command -v node)")"
echo
echo "# Add these lines with 'crontab -e -u $cron_user':"
while IFS= read -r line; do
  case "$line" in
    ''|'#'*) continue ;;
    PATH=*)
      cron_path="${line#PATH=}"
      if [[ ":$cron_path:" != *":$node_dir:"* ]]; then cron_path="$node_dir:$cron_path"; fi
      echo "PATH=$cron_path" ;;
    UTXORACLE_HOME=*) echo "UTXORACLE_HOME=$home" ;;
    UTXORACLE_DATA_DIR=*) echo "UTXORACLE_DATA_DIR=$data_dir" ;;
    LOG_DIR=*) echo "LOG_DIR=$log_dir" ;;
    *) echo "$line" ;;
  esac
done <crontab.example
# cron exports UTXORACLE_DATA_DIR to the jobs; a hand-run job reads .env instead.
if [[ -n "${UTXORACLE_DATA_DIR:-}" ]] && ! grep -qxF "UTXORACLE_DATA_DIR=$data_dir" .env 2>/dev/null; then
  note "note: add UTXORACLE_DATA_DIR=$data_dir to $home/.env so jobs run by hand use the same data"
fi
echo
echo "# And rotate the logs: sudo install -m 0644 -o root -g root $home/logrotate/utxoracle /etc/logrotate.d/utxoracle"
echo "# then set its path to $log_dir/*.log"
