#!/usr/bin/env bash
# Prints the tables of a scripts/bench result file and draws its plots (gnuplot, PNG):
# scenario 1's throughput and latency percentiles against connections, next to the result as
# <result>-throughput.png and <result>-latency.png, copied to bench/results/latest-*.png
# unless it was a --quick run.
#   bench/report.sh bench/results/<date>-<host>.json
set -euo pipefail
result=${1:?usage: bench/report.sh RESULT.json}
dir=$(dirname "$result")
base=${result%.json}

jq -r '"\(.date)  \(.host)  \(.cores) cores  \(.cpu)  load average at the end \(.load_average_at_end)\(if .quick then "  (--quick)" else "" end)",
       (.notes[] | "note: \(.)")' "$result"

if jq -e '.scenario_1.points | length > 0' "$result" >/dev/null; then
  printf '\nScenario 1: POST / (server pinned to one core, loadgen on the other)\n'
  jq -r '
    def f(x): if x == null then "-" else (x * 10 | round / 10 | tostring) end;
    def ms(x): if x == null then "-" else ((x / 10 | round) / 100 | tostring) end;
    ["server", "conns", "req/s", "req/CPU-s", "p50 ms", "p99 ms", "p99.9 ms", "errors"],
    (.scenario_1.points[] | [.server, .connections, (.per_second | round), (if .per_cpu_second then (.per_cpu_second | round) else "-" end),
      ms(.latency_us.p50), ms(.latency_us.p99), ms(.latency_us.p99_9),
      ((.errors // {}) | to_entries | map(select(.value > 0) | "\(.key) \(.value)") | join(", ") | if . == "" then "0" else . end)])
    | @tsv' "$result" | column -t -s $'\t'
  printf '\nbroker per server CPU-second against the references:\n'
  jq -r '
    [.scenario_1.points[]] | group_by(.connections)[] |
    (map({(.server): .per_cpu_second}) | add) as $m |
    "  c=\(.[0].connections): broker/nginx \(if $m.nginx and $m.broker then ($m.broker / $m.nginx * 100 | round / 100) else "-" end)x, broker/go \(if $m["go-net-http"] and $m.broker then ($m.broker / $m["go-net-http"] * 100 | round / 100) else "-" end)x"' "$result"
  printf '\nThe generators on the same target (same run, 256 connections, best of their rounds):\n'
  jq -r '
    ["server", "tool", "rounds", "best req/s", "p99 ms (best round)", "loadgen/wrk", "req per generator CPU-s"],
    (.scenario_1.generators | group_by(.server)[] |
      (group_by(.tool) | map({n: length, best: max_by(.per_second),
        efficiency: (map(select((.generator_cpu_s // 0) > 0) | .per_second * (.seconds // $d) / .generator_cpu_s) | max)})) as $tools |
      ($tools | map({(.best.tool): .best.per_second}) | add) as $m |
      $tools[] | [.best.server, .best.tool, .n, (.best.per_second | round), ((.best.latency_us.p99 / 10 | round) / 100),
                  (if ($m.wrk // 0) > 0 then ($m.loadgen / $m.wrk * 100 | round / 100 | tostring) + "x" else "-" end),
                  (if .efficiency then (.efficiency | round) else "-" end)]) | @tsv' --argjson d "$(jq '.duration_s // 5' "$result")" "$result" |
    column -t -s $'\t'
fi

# Results written before the legs were measured hold the actions alone, as an array.
s2_actions='(if (.scenario_2 | type) == "array" then .scenario_2 else .scenario_2.actions end)'
if jq -e "$s2_actions | length > 0" "$result" >/dev/null; then
  printf '\nScenario 2: the chain (broker /handle, 64 connections)\n'
  jq -r '["action", "req/s", "p50 ms", "p99 ms", "status", "errors"],
    ('"$s2_actions"'[] | [.action, (.per_second | round), ((.latency_us.p50 / 10 | round) / 100), ((.latency_us.p99 / 10 | round) / 100),
      (.status | to_entries | map("\(.key):\(.value)") | join(" ")), (.errors | add)]) | @tsv' "$result" | column -t -s $'\t'
  if jq -e '(.scenario_2 | type) == "object" and (.scenario_2.legs | length > 0)' "$result" >/dev/null 2>&1; then
    printf '\nthe legs on their own:\n'
    jq -r '["leg", "per second", "p99 ms"],
      (.scenario_2.legs[] | [.leg, (if .per_second < 100 then (.per_second * 10 | round / 10) else (.per_second | round) end), (if .latency_us then ((.latency_us.p99 / 10 | round) / 100) else "-" end)]) | @tsv' "$result" |
      column -t -s $'\t'
  fi
fi

if jq -e '.scenario_3 | length > 0' "$result" >/dev/null; then
  printf '\nScenario 3: RPC RPCServer.LogInfo on one connection (server pinned to one core; best round)\n'
  jq -r '["server", "client", "codec", "in flight", "calls/s", "p50 ms", "p99 ms"],
    (.scenario_3 | group_by([.codec, .in_flight, .server, .client])[] | max_by(.per_second) |
      [.server, .client, .codec, .in_flight, (.per_second | round),
      ((.latency_us.p50 / 10 | round) / 100), ((.latency_us.p99 / 10 | round) / 100)]) | @tsv' "$result" | column -t -s $'\t'
fi

if jq -e '.scenario_4 != null' "$result" >/dev/null; then
  printf '\nScenario 4: gRPC (bench/grpc_bench.sh)\n'
  jq -r '.scenario_4.output' "$result"
fi

if jq -e '.scenario_5.workers | length > 0' "$result" >/dev/null; then
  printf '\nScenario 5: workers (256 connections; 2 workers share both cores with the generator)\n'
  jq -r '["workers", "req/s", "req/CPU-s", "p99 ms"],
    (.scenario_5.workers[] | [.workers, (.per_second | round), (.per_cpu_second // 0 | round), ((.latency_us.p99 / 10 | round) / 100)]) | @tsv' "$result" |
    column -t -s $'\t'
  jq -r '.scenario_5.idle | select(. != null) |
    "idle keep-alive: \(.open_connections) of \(.target_connections) open; broker RSS \(.rss_idle_kb / 1024 * 10 | round / 10) MiB idle, \(.rss_held_kb / 1024 * 10 | round / 10) MiB holding them; \(.fresh) (p99 \(.fresh_p99_ms) ms)"' "$result"
fi

if jq -e '.scenario_6_rss | length > 0' "$result" >/dev/null; then
  printf '\nScenario 6: RSS (MiB)\n'
  jq -r '["when", "process", "RSS MiB"], (.scenario_6_rss[] | [.scenario, .process, (.rss_kb / 1024 * 10 | round / 10)]) | @tsv' "$result" |
    column -t -s $'\t'
fi

# Plots of scenario 1.
if jq -e '[.scenario_1.points | group_by(.server)[] | length] | max > 1' "$result" >/dev/null 2>&1; then
  data=$(mktemp -d)
  trap 'rm -rf "$data"' EXIT
  for s in broker nginx go-net-http; do
    jq -r --arg s "$s" '.scenario_1.points[] | select(.server == $s) |
      "\(.connections) \(.per_second) \(.per_cpu_second // 0) \(.latency_us.p50 / 1000) \(.latency_us.p90 / 1000) \(.latency_us.p99 / 1000) \(.latency_us.p99_9 / 1000)"' \
      "$result" >"$data/$s.dat"
  done
  title=$(jq -r '"\(.host), \(.date[0:10])\(if .quick then " (quick)" else "" end)"' "$result")
  gnuplot <<GP
set terminal pngcairo size 900,560
set logscale x
set grid
set key top right
set xlabel "connections"
set xtics (1, 16, 64, 256, 1024, 10000)
set yrange [0:*]
set output "$base-throughput.png"
set title "POST / per server CPU-second and per second, one server core - $title"
set ylabel "requests"
plot "$data/broker.dat" using 1:3 with linespoints lc 1 lw 2 title "broker per CPU-s", \
     "$data/nginx.dat" using 1:3 with linespoints lc 2 lw 2 title "nginx per CPU-s", \
     "$data/go-net-http.dat" using 1:3 with linespoints lc 3 lw 2 title "Go net/http per CPU-s", \
     "$data/broker.dat" using 1:2 with linespoints lc 1 dt 2 title "broker per s", \
     "$data/nginx.dat" using 1:2 with linespoints lc 2 dt 2 title "nginx per s", \
     "$data/go-net-http.dat" using 1:2 with linespoints lc 3 dt 2 title "Go net/http per s"
set output "$base-latency.png"
set title "POST / latency percentiles (ms, log scale) - $title"
set ylabel "ms"
set logscale y
set yrange [*:*]
set key top left
plot "$data/broker.dat" using 1:4 with linespoints lc 1 dt 3 title "broker p50", \
     "$data/broker.dat" using 1:6 with linespoints lc 1 lw 2 title "broker p99", \
     "$data/broker.dat" using 1:7 with linespoints lc 1 dt 2 title "broker p99.9", \
     "$data/nginx.dat" using 1:4 with linespoints lc 2 dt 3 title "nginx p50", \
     "$data/nginx.dat" using 1:6 with linespoints lc 2 lw 2 title "nginx p99", \
     "$data/nginx.dat" using 1:7 with linespoints lc 2 dt 2 title "nginx p99.9", \
     "$data/go-net-http.dat" using 1:4 with linespoints lc 3 dt 3 title "Go p50", \
     "$data/go-net-http.dat" using 1:6 with linespoints lc 3 lw 2 title "Go p99", \
     "$data/go-net-http.dat" using 1:7 with linespoints lc 3 dt 2 title "Go p99.9"
GP
  printf '\nplots: %s-throughput.png %s-latency.png' "$base" "$base"
  # bench/README.md shows latest-*.png: a full run's, not a quick one's three points.
  if jq -e '.quick == false' "$result" >/dev/null; then
    cp "$base-throughput.png" "$dir/latest-throughput.png"
    cp "$base-latency.png" "$dir/latest-latency.png"
    printf ' (also %s/latest-*.png)' "$dir"
  fi
  printf '\n'
fi
