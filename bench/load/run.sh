#!/usr/bin/env bash
# Speed under load, side by side in one run: the reference bot (botbuilder-js 4.23.3, ../shared/bench/botbuilder-js)
# and TriageBot with each storage (in-memory, SQLite, PostgreSQL), one after the other, each on 127.0.0.1, driven
# by the shared wrk driver (that folder's bench.sh and dialog.lua, called from there, not copied) at each
# concurrency level. TriageBot gets its own 3-turn path (bench/load/triagebot-path.txt), the reference its default one.
# Writes per-target results and one summary.md (table, ratios to the reference at 32 connections, targets) to $OUT.
#
#   bench/load/run.sh                                  # full run: REPS=3 DURATION=20 WARMUP=5, CONC="8 32 128" (about 20 min)
#   DURATION=5 WARMUP=2 REPS=1 CONC=32 bench/load/run.sh          # a quick look
#   TARGETS="reference memory" bench/load/run.sh                  # some targets only
#
# Settings (environment):
#   TARGETS   which targets, in this order ("reference memory sqlite postgres")
#   CONC REPS DURATION WARMUP THREADS TIMEOUT HOLD_MS   passed to bench.sh (see its README)
#   OUT       results folder (artifacts/bench/load-<date>, git-ignored)
#   BOT_DIR   an existing TriageBot build folder (TriageBot.dll, appsettings.json, knowledge/, dialogs/) to use
#             instead of publishing one in Release into $OUT/triagebot
#   REF_DIR   the reference folder (../shared/bench/botbuilder-js beside the clone). When it has no node_modules
#             (it may be read-only), bot.js and its package files are copied to REF_WORK
#             (artifacts/bench/botbuilder-js) and `npm ci` runs there, again only when the lock file changed.
#   BOT_ENV   extra environment for TriageBot, e.g. "DOTNET_gcServer=0"
# Everything listens on 127.0.0.1 only; every wrk run is bounded by its duration and each target by a timeout;
# the bots and the PostgreSQL cluster are stopped on exit, also on Ctrl-C.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
TARGETS=${TARGETS:-reference memory sqlite postgres}
export CONC=${CONC:-8 32 128} REPS=${REPS:-3} DURATION=${DURATION:-20} WARMUP=${WARMUP:-5}
STAMP=$(date +%Y%m%d-%H%M%S)
OUT=${OUT:-$ROOT/artifacts/bench/load-$STAMP}
REF_DIR=${REF_DIR:-$ROOT/../shared/bench/botbuilder-js}
REF_WORK=${REF_WORK:-$ROOT/artifacts/bench/botbuilder-js}
BOT_ENV=${BOT_ENV:-}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
log() { echo "== $*" >&2; }

# ---- tools -------------------------------------------------------------------------------------------------
[ -x "$REF_DIR/bench.sh" ] && [ -f "$REF_DIR/dialog.lua" ] || { echo "run.sh: the reference folder $REF_DIR (bench.sh, dialog.lua) is missing; set REF_DIR" >&2; exit 2; }
REF_DIR=$(cd "$REF_DIR" && pwd)
if ! command -v wrk >/dev/null; then
  if [ "$(id -u)" -eq 0 ]; then
    log "apt-get install wrk"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
  else
    echo "run.sh: wrk is missing and this is not root; run: sudo apt-get install -y wrk" >&2; exit 2
  fi
fi
for tool in node npm dotnet ss awk; do command -v "$tool" >/dev/null || { echo "run.sh: $tool is missing" >&2; exit 2; }; done

# ---- TriageBot's 3-turn path: one file, shared with LoadPathTests ---------------------------------------------
PATH_FILE=$ROOT/bench/load/triagebot-path.txt
path_value() { awk -v k="$1" 'index($0, k "=") == 1 { print substr($0, length(k) + 2); found = 1; exit } END { if (!found) exit 1 }' "$PATH_FILE" \
  || { echo "run.sh: $1 is missing in $PATH_FILE" >&2; exit 2; }; }
TB_TURN1=$(path_value TURN1); TB_TURN2=$(path_value TURN2); TB_TURN3=$(path_value TURN3)
TB_EXPECT1=$(path_value EXPECT1); TB_EXPECT2=$(path_value EXPECT2); TB_EXPECT3=$(path_value EXPECT3)

# ---- cleanup -----------------------------------------------------------------------------------------------
PG_DIR=; PG_BIN=; PG_AS=()
cleanup() {
  if [ -n "$PG_DIR" ] && [ -f "$PG_DIR/data/postmaster.pid" ]; then
    "${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w -t 60 stop >/dev/null 2>&1 || true
  fi
  [ -n "$PG_DIR" ] && rm -rf "$PG_DIR"
  PG_DIR=
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { # a port nothing listens on, in 20000-59999
  local p
  for _ in $(seq 1 200); do
    p=$((20000 + RANDOM % 40000))
    [ -z "$(ss -ltnH "sport = :$p" 2>/dev/null)" ] && { echo "$p"; return 0; }
  done
  echo "run.sh: no free port found" >&2; exit 2
}

# ---- builds ------------------------------------------------------------------------------------------------
ensure_reference() {
  if [ -d "$REF_DIR/node_modules" ]; then REF_RUN=$REF_DIR; return; fi
  mkdir -p "$REF_WORK"
  if ! cmp -s "$REF_DIR/package-lock.json" "$REF_WORK/node_modules/.bench-lock" 2>/dev/null || ! cmp -s "$REF_DIR/bot.js" "$REF_WORK/bot.js"; then
    log "npm ci for the reference bot in $REF_WORK"
    cp "$REF_DIR/bot.js" "$REF_DIR/package.json" "$REF_DIR/package-lock.json" "$REF_WORK/"
    chmod u+w "$REF_WORK"/*
    (cd "$REF_WORK" && npm ci --no-audit --no-fund --loglevel=error && cp package-lock.json node_modules/.bench-lock)
  fi
  REF_RUN=$REF_WORK
}

ensure_triagebot() {
  if [ -n "${BOT_DIR:-}" ]; then
    BOT_DIR=$(cd "$BOT_DIR" && pwd)
  else
    BOT_DIR=$OUT/triagebot
    log "dotnet publish src/TriageBot -c Release -> $BOT_DIR"
    dotnet publish "$ROOT/src/TriageBot" -c Release -o "$BOT_DIR" -nologo -clp:ErrorsOnly >&2
  fi
  [ -f "$BOT_DIR/TriageBot.dll" ] || { echo "run.sh: $BOT_DIR has no TriageBot.dll" >&2; exit 2; }
}

# ---- PostgreSQL: a throwaway cluster like tests/TriageBot.Testing/PostgresTestServer.cs -----------------------
start_postgres() {
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -x "$PG_BIN/initdb" ] || { echo "run.sh: PostgreSQL server binaries (/usr/lib/postgresql/*/bin) are missing: run ./test.sh once (it installs Debian's postgresql); skipping postgres" >&2; return 1; }
  PG_DIR=$(mktemp -d /tmp/triagebot-bench-pg.XXXXXX)
  local password; password=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
  printf '%s\n' "$password" >"$PG_DIR/password"
  PG_AS=()
  if [ "$(id -u)" -eq 0 ]; then chown -R postgres: "$PG_DIR"; PG_AS=(runuser -u postgres --); fi  # initdb refuses root
  (cd "$PG_DIR" && LC_ALL=C "${PG_AS[@]}" "$PG_BIN/initdb" -D "$PG_DIR/data" -U triagebot -A scram-sha-256 --pwfile="$PG_DIR/password" -E UTF8 --no-locale >"$PG_DIR/initdb.log" 2>&1) \
    || { cat "$PG_DIR/initdb.log" >&2; return 1; }
  rm -f "$PG_DIR/password"
  # Production-like durability (fsync, synchronous_commit on: the defaults); loopback only, socket in its own folder.
  printf "\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '%s'\n" "$PG_DIR" >>"$PG_DIR/data/postgresql.conf"
  PG_PORT=$(free_port)
  (cd "$PG_DIR" && "${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/postgres.log" -w -t 60 -o "-p $PG_PORT" start >/dev/null) \
    || { cat "$PG_DIR/postgres.log" >&2; return 1; }
  PG_CONN="Host=127.0.0.1;Port=$PG_PORT;Database=postgres;Username=triagebot;Password=$password"
  log "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT ($PG_DIR)"
}

# ---- one target --------------------------------------------------------------------------------------------
run_target() { # $1 target
  local target=$1 port start turns=() expect=() envs
  port=$(free_port)
  # Auth off (no app id), production-like logging (Warning), loopback only, the ticket outbox dispatcher idle
  # (it looks once at start, then every hour; nothing is due: no ticket is created on this path).
  envs="ASPNETCORE_ENVIRONMENT=Production DOTNET_ENVIRONMENT=Production MicrosoftAppId= MicrosoftAppPassword= MicrosoftAppTenantId="
  envs+=" Urls=http://127.0.0.1:$port Logging__LogLevel__Default=Warning Logging__LogLevel__Microsoft.AspNetCore=Warning"
  envs+=" Escalation__DispatchInterval=01:00:00 Escalation__LeaseDuration=03:00:00 Escalation__HelpdeskChannelId= Escalation__WebhookUrl="
  case "$target" in
    reference)
      start="cd '$REF_RUN' && HOST=127.0.0.1 PORT=$port exec node bot.js" ;;
    memory)
      start="cd '$BOT_DIR' && exec env $envs Storage__Provider=Memory $BOT_ENV dotnet TriageBot.dll" ;;
    sqlite)
      # A new database file for every run (bench.sh starts a fresh bot per run).
      local db=$OUT/sqlite/triagebot-bench.db; mkdir -p "$OUT/sqlite"
      start="rm -f '$db' '$db-wal' '$db-shm'; cd '$BOT_DIR' && exec env $envs Storage__Provider=Sqlite Storage__DatabasePath='$db' $BOT_ENV dotnet TriageBot.dll" ;;
    postgres)
      # A new table for every run, in the one throwaway cluster.
      start="cd '$BOT_DIR' && exec env $envs Storage__Provider=Postgres 'Storage__ConnectionString=$PG_CONN' Storage__TableName=bench_\$(date +%s%N) $BOT_ENV dotnet TriageBot.dll" ;;
    *) echo "run.sh: unknown target $target (reference, memory, sqlite, postgres)" >&2; exit 2 ;;
  esac
  if [ "$target" = reference ]; then
    turns=("" "" ""); expect=("" "" "")   # dialog.lua's defaults: the reference's own path
  else
    turns=("$TB_TURN1" "$TB_TURN2" "$TB_TURN3"); expect=("$TB_EXPECT1" "$TB_EXPECT2" "$TB_EXPECT3")
  fi
  local levels; levels=$(wc -w <<<"$CONC")
  local limit=$(( REPS * levels * (WARMUP + DURATION + 120) + 60 ))
  log "$target on 127.0.0.1:$port (at most ${limit}s)"
  URL="http://127.0.0.1:$port/api/messages" LABEL="$target" OUT="$OUT/$target" START_CMD="$start" \
    TURN1="${turns[0]}" TURN2="${turns[1]}" TURN3="${turns[2]}" EXPECT1="${expect[0]}" EXPECT2="${expect[1]}" EXPECT3="${expect[2]}" \
    timeout --kill-after=30 "$limit" "$REF_DIR/bench.sh" >"$OUT/$target.log" 2>&1 \
    || { echo "run.sh: bench.sh failed for $target; see $OUT/$target.log" >&2; tail -20 "$OUT/$target.log" >&2; return 1; }
  grep -E '^c=' "$OUT/$target.log" >&2 || true
}

# ---- summary -----------------------------------------------------------------------------------------------
median() { sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) print 0; else if (NR % 2) print a[(NR + 1) / 2]; else printf "%.2f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
col() { awk -F'\t' -v c="$2" -v k="$3" 'NR > 1 && $1 == c { print $k }' "$OUT/$1/runs.tsv" | median; }
# Sum of one error counter over a target's runs at one level, from the RESULT lines.
errsum() { cat "$OUT/$1"/wrk-c"$2"-r*.txt 2>/dev/null | grep '^RESULT ' | grep -o "\"$3\":[0-9]*" | cut -d: -f2 | awk '{ s += $1 } END { print s + 0 }'; }

summarize() {
  local sum=$OUT/summary.md c t
  {
    echo "# Speed under load: TriageBot and the botbuilder-js reference, one run"
    echo
    echo "$(date -u '+%Y-%m-%d %H:%M UTC'); $(nproc) cores ($(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)); load average at start $LOAD_START, at end $(cut -d' ' -f1-3 /proc/loadavg);"
    echo "TriageBot $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null)$(git -C "$ROOT" diff --quiet HEAD -- src 2>/dev/null || echo '+changes'), .NET $(dotnet --version), node $(node --version), $(wrk -v 2>&1 | head -1 | awk '{print $1, $2}')."
    echo "Each figure: median of $REPS run(s) of ${DURATION}s after ${WARMUP}s warm-up, a fresh bot per run, wrk -t${THREADS:-1} unpinned on the same cores;"
    echo "errors = transport errors + non-200 (wrk/dialog.lua), mismatches = 200 replies without the expected fragment, summed over the runs."
    echo
    echo "| target | conc | turns/s | p50 ms | p99 ms | errors | mismatches | RSS idle MB | RSS end MB | peak RSS MB | bot CPU ms/turn |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    for t in $TARGETS; do
      [ -f "$OUT/$t/runs.tsv" ] || continue
      for c in $CONC; do
        local all mism
        all=$(awk -F'\t' -v c="$c" 'NR > 1 && $1 == c { s += $9 } END { print s + 0 }' "$OUT/$t/runs.tsv")
        mism=$(errsum "$t" "$c" mismatch)
        echo "| $t | $c | $(col "$t" "$c" 3) | $(col "$t" "$c" 5) | $(col "$t" "$c" 7) | $((all - mism)) | $mism | $(col "$t" "$c" 10) | $(col "$t" "$c" 12) | $(col "$t" "$c" 13) | $(col "$t" "$c" 15) |"
      done
    done
    if [ -f "$OUT/reference/runs.tsv" ] && grep -qw 32 <<<"$CONC"; then
      local ref; ref=$(col reference 32 3)
      echo
      echo "At 32 connections, against the reference's $ref turns/s (issue 7's targets):"
      echo
      echo "| target | turns/s ratio | needed | p99 ms | RSS peak MB (< 200) | errors + mismatches (all levels) | met |"
      echo "|---|---:|---:|---:|---:|---:|---|"
      for t in memory sqlite postgres; do
        [ -f "$OUT/$t/runs.tsv" ] || continue
        local need tps p99 peak bad=0 ok=yes
        case $t in memory) need=5;; sqlite) need=3;; postgres) need=2;; esac
        tps=$(col "$t" 32 3); p99=$(col "$t" 32 7)
        peak=$(awk -F'\t' 'NR > 1 && $13 > m { m = $13 } END { print m + 0 }' "$OUT/$t/runs.tsv")
        bad=$(awk -F'\t' 'NR > 1 { s += $9 } END { print s + 0 }' "$OUT/$t/runs.tsv")
        local ratio; ratio=$(awk -v a="$tps" -v b="$ref" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
        awk -v r="$ratio" -v n="$need" 'BEGIN { exit !(r >= n) }' || ok=no
        awk -v p="$peak" 'BEGIN { exit !(p < 200) }' || ok=no
        [ "$bad" -eq 0 ] || ok=no
        if [ "$t" = memory ]; then awk -v p="$p99" 'BEGIN { exit !(p < 10) }' || ok=no; fi
        echo "| $t | ${ratio}x | ${need}x$([ "$t" = memory ] && echo ', p99 < 10 ms') | $p99 | $peak | $bad | $ok |"
      done
    fi
    echo
    echo "Per-run rows: <target>/runs.tsv; wrk output with per-turn latencies: <target>/wrk-c*-r*.txt; bot logs: <target>/bot-c*-r*.log."
  } >"$sum"
  cat "$sum"
}

LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
log "targets [$TARGETS], conc [$CONC], reps $REPS, ${DURATION}s + ${WARMUP}s warm-up; load average $LOAD_START; out $OUT"
for t in $TARGETS; do
  case $t in reference) ensure_reference;; memory|sqlite|postgres) [ -n "${BOT_DIR_READY:-}" ] || { ensure_triagebot; BOT_DIR_READY=1; };; esac
done
status=0
for t in $TARGETS; do
  if [ "$t" = postgres ] && ! start_postgres; then status=1; cleanup; continue; fi
  run_target "$t" || status=1
  [ "$t" = postgres ] && cleanup
done
summarize
exit $status
