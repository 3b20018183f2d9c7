#!/usr/bin/env bash
# Integration test: a real single-node Slurm cluster on localhost runs a bootstrap as
# a job array; `cofail merge` of the shards must equal the unsharded run bit for bit.
# Needs root and Debian's slurm-wlm + munge (.ci/run installs them); skips when they are absent.
# Stops every daemon it started.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null || [ "$(id -u)" -ne 0 ]; then
  echo "slurm-integration: skipped (needs root, slurm-wlm and munge)"
  exit 0
fi
swift build -c release --product cofail >/dev/null
COFAIL="$PWD/.build/release/cofail"
MATRIX="$PWD/examples/zeroeval_math_l5/matrix.csv"
DIR=$(mktemp -d /tmp/cofail-slurm.XXXXXX)
chmod 0755 "$DIR"
HOST=$(hostname -s)
PIDS=()
cleanup() {
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  [ -f "$DIR/munge/munged.pid" ] && kill "$(cat "$DIR/munge/munged.pid")" 2>/dev/null || true
  sleep 1
}
trap cleanup EXIT

# munge: its own socket, key, pid and log under $DIR
install -d -m 0755 -o munge -g munge "$DIR/munge"
[ -f /etc/munge/munge.key ] || { mungekey --create --keyfile=/etc/munge/munge.key && chown munge:munge /etc/munge/munge.key; }
runuser -u munge -- munged --socket="$DIR/munge/munge.socket" --pid-file="$DIR/munge/munged.pid" --log-file="$DIR/munge/munged.log" --seed-file="$DIR/munge/seed"
export MUNGE_SOCKET="$DIR/munge/munge.socket"

mkdir -p "$DIR/state" "$DIR/spool"
cat > "$DIR/slurm.conf" <<CONF
ClusterName=cofailci
SlurmctldHost=$HOST
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$DIR/munge/munge.socket
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/slurmctld.pid
SlurmdPidFile=$DIR/slurmd.pid
SlurmctldLogFile=$DIR/slurmctld.log
SlurmdLogFile=$DIR/slurmd.log
SlurmctldPort=16817
SlurmdPort=16818
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
NodeName=$HOST CPUs=$(nproc) State=UNKNOWN
PartitionName=ci Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$DIR/slurm.conf"
slurmctld -D -f "$SLURM_CONF" >"$DIR/slurmctld.out" 2>&1 & PIDS+=($!)
slurmd -D -f "$SLURM_CONF" >"$DIR/slurmd.out" 2>&1 & PIDS+=($!)
for _ in $(seq 60); do sinfo -h -o %T 2>/dev/null | grep -qE "idle|mixed" && break; sleep 1; done
sinfo -h -o "%N %T" || { cat "$DIR"/*.log "$DIR"/*.out; exit 1; }

# the sharded run: a 3-task job array; each task reads SLURM_ARRAY_TASK_ID/COUNT
sbatch --wait --array=0-2 --output="$DIR/task-%a.log" --chdir="$DIR" \
  --wrap="$COFAIL bootstrap $MATRIX --replicates 90 --seed 7 --threads 1 -o $DIR/shard-\${SLURM_ARRAY_TASK_ID}.units" \
  || { cat "$DIR"/task-*.log "$DIR/slurmctld.log" "$DIR/slurmd.log"; exit 1; }
"$COFAIL" merge "$DIR"/shard-0.units "$DIR"/shard-1.units "$DIR"/shard-2.units --format csv | grep '^bootstrap,' > "$DIR/merged.csv"
# the same run unsharded, with 2 threads
"$COFAIL" bootstrap "$MATRIX" --replicates 90 --seed 7 --threads 2 --format csv | grep '^bootstrap,' > "$DIR/whole.csv"
if cmp -s "$DIR/merged.csv" "$DIR/whole.csv"; then
  echo "1 passed, 0 failed: slurm job array merge equals the unsharded bootstrap ($(wc -l <"$DIR/whole.csv") values)"
else
  diff "$DIR/merged.csv" "$DIR/whole.csv" | head -20
  echo "0 passed, 1 failed: slurm job array merge differs from the unsharded bootstrap"
  exit 1
fi
