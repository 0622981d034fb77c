# Shared by bench/gateway and bench/peer (sourced): CPU placement and reading wrk's output.

# The load generator and the servers under test each get a core of their own: on a shared pair of
# cores the 99th percentile measures the scheduler (nginx's own p99 is 5-8 ms unpinned, 1.5 ms
# pinned). The control plane is idle while wrk runs, but idle it still wakes up (perf sched saw
# apiserver and etcd take the server's core for up to 2.6 ms at a time): control_plane 0 moves it
# to wrk's core for the throughput rounds.
control_plane() { # cpu list
  local name
  for name in etcd kube-apiserver kube-controller-manager; do
    taskset -a -p -c "$1" "$(cat "$AIDEPLOY_CLUSTER_DIR/$name.pid")" >/dev/null
  done
}
if (($(nproc) >= 2)); then
  CLIENT=(taskset -c 0) SERVER=(taskset -c 1)
else
  CLIENT=() SERVER=()
fi

wrk_run() { "${CLIENT[@]}" wrk -t1 -c64 -d"$1" --latency "${@:2}" 2>&1; }
rps() { awk '/Requests\/sec/ { printf "%.0f", $2 }' <<<"$1"; }
requests() { awk '/requests in/ { print $1 }' <<<"$1"; }
pct() { awk -v p="$2" '$1 == p {print $2}' <<<"$1"; }
ms() { awk '/us$/ { printf "%.2f", $1 / 1000 } /ms$/ { printf "%.2f", $1 + 0 } /[0-9]s$/ && !/[mu]s$/ { printf "%.2f", $1 * 1000 }' <<<"$1"; }
non2xx() { awk '/Non-2xx/ { n = $NF } END { print n + 0 }' <<<"$1"; }
