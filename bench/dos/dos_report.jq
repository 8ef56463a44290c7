# The table and verdict of dos_run.sh, from its results (one JSON object per
# phase and round, slurped). --argjson limit: the allowed RSS growth (MiB)
# of ikev2d from before the flood to its peak.
def mib: . / 1024 | . * 10 | round / 10;
def pad($n): tostring | if length < $n then (" " * ($n - length)) + . else . end;
def udp: [.udp_before, .udp_after] | map(split(" ") | map(tonumber))
  | {in: (.[1][0] - .[0][0]), dropped: (.[1][1] - .[0][1])};
def mean: if length == 0 then 0 else add / length end;

. as $all
| [.[] | select(.phase == "undisturbed") | .load.handshakes_per_second] as $quiet
| [.[] | select(.phase == "flood") | .load.handshakes_per_second] as $flooded
| [.[] | select(.phase == "flood")] as $floods
| ($quiet | mean) as $quiet_rate
| ($flooded | mean) as $flood_rate
| ($floods | all((.flood.answers.cookie // 0) > 0 or .load.cookies_received > 0)) as $cookies
| ($floods | all(((.rss_peak_kib - .rss_before_kib) / 1024) <= $limit
                 and .rss_last5_growth_kib <= 2048)) as $bounded
| ($flood_rate > $quiet_rate / 2) as $rate_ok
| [
    "phase        rnd  hs/s  estab/req   p50 ms   p99 ms  cookies(load)  flood/s  flood answers (cookie/accepted/other)  ikev2d CPU s  RSS MiB before/peak/final  half-open warm/after/end  UDP in / rcvbuf drops  machine load (1 min)",
    ($all[] | (udp) as $u
     | "\(.phase | . + " " * (11 - length)) \(.round | pad(3)) \(.load.handshakes_per_second | floor | pad(5)) \("\(.load.established)/\(.load.requested)" | pad(10)) \(.load.ike_latency.p50_ms | . * 10 | round / 10 | pad(8)) \(.load.ike_latency.p99_ms | . * 10 | round / 10 | pad(8)) \(.load.cookies_received | pad(14)) \((.flood.sent_per_second // 0) | floor | pad(8))  \(if .flood then "\(.flood.answers.cookie // 0)/\(.flood.answers.accepted // 0)/\(([.flood.answers | to_entries[] | select(.key != "cookie" and .key != "accepted") | .value] | add) // 0)" else "-" end | pad(37))  \(.cpu_seconds | . * 100 | round / 100 | pad(12))  \("\(.rss_before_kib | mib)/\(.rss_peak_kib | mib)/\(.rss_final_kib | mib)" | pad(25))  \(if .half_open then "\(.half_open.flood_warm)/\(.half_open.after_load)/\(.half_open.flood_end)" else "-" end | pad(24))  \($u.in) / \($u.dropped)  \(.loadavg_1m)"),
    "",
    "legitimate handshakes/s: undisturbed \($quiet_rate | floor) (mean of \($quiet | map(floor))), under flood \($flood_rate | floor) (mean of \($flooded | map(floor))): \(if $quiet_rate > 0 then ($flood_rate / $quiet_rate * 100 | round) else 0 end) %",
    "flood: \($floods | map(.flood.sent_per_second | floor)) requests/s sent; ikev2d answered \($floods | map(.flood.answers.cookie // 0)) with COOKIE and accepted \($floods | map(.flood.answers.accepted // 0)) (half-open SAs created); CPU seconds per flood phase: ikev2d \($floods | map(.cpu_seconds)), ikev2d-flood \($floods | map(.flood.tool_cpu_seconds // "?")), over \($floods | map(.flood.seconds | floor)) s",
    "",
    "cookies engaged:            \(if $cookies then "yes" else "NO" end) (COOKIE answers to the flood or to ikev2d-load in every flood phase)",
    "memory bounded:             \(if $bounded then "yes" else "NO" end) (RSS peak - before <= \($limit) MiB, and <= 2 MiB growth over the flood's last 5 s)",
    "legitimate rate > 1/2:      \(if $rate_ok then "yes" else "NO" end)",
    "verdict: \(if $cookies and $bounded and $rate_ok then "PASS" else "FAIL" end)"
  ]
| .[]
