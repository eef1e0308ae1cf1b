#!/usr/bin/env bash
# The database of the scale benchmarks (bench/scale.sh, bench/dashboard.sh): COMPLAINTS complaints,
# the open ones with OPEN_DEADLINES open deadlines among them, RESERVE left for the caller to add.
#
#   bench/lib/scale_db.sh BUILD_DIR CONFIG DB COMPLAINTS OPEN_DEADLINES RESERVE [SPREAD_DAYS]
#
# The bot's own code (bench/gen_open_work) writes the open complaints (with an open deadline and as
# many again without); the rest are SQL copies of those without, closed (new id and seq, status
# closed, no stages left), which is what makes a million rows affordable to generate; the storage
# code then works out their facts (the dashboard's figures), as a save would have. The copies
# were posted and closed 60 days ago, or (SPREAD_DAYS) spread evenly over that many days before
# now, as a company's history is.
# It lives in bench/lib/ because scripts/run bench-tiny runs every bench/*.sh with --tiny.
set -euo pipefail
[ $# -ge 6 ] || { echo "usage: bench/lib/scale_db.sh BUILD_DIR CONFIG DB COMPLAINTS OPEN_DEADLINES RESERVE [SPREAD_DAYS]" >&2; exit 2; }
build=$1 config=$2 db=$3 complaints=$4 deadlines=$5 burst=$6 spread_days=${7:-0}
work=$(dirname "$db")

now_ms=$(( $(date +%s) * 1000 ))
old_ms=$((now_ms - 60 * 86400 * 1000))
# When a copy of round n was posted (SQL): 60 days ago, or spread over the days before now by its
# row and round; it was closed two hours later.
posted_sql() {
    if [ "$spread_days" -gt 0 ]; then
        echo "($now_ms - 3600000 - ((t.rowid * 7919 + $1 * 104729) % $((spread_days * 86400))) * 1000)"
    else
        echo "$old_ms"
    fi
}
real=$((deadlines > (complaints - burst) / 10 ? deadlines : (complaints - burst) / 10))
real=$((real < complaints - burst ? real : complaints - burst))
copies=$((complaints - burst - real))
echo ">> generating $complaints complaints, $((real + burst)) open with $deadlines open deadlines: $real through the bot's rules and"
echo "   storage code, $copies closed SQL copies of the ones without a deadline, $burst due in a burst"
timeout 1800 "$build/bench/gen_open_work" --config "$config" --db "$db" bulk "$real" \
    $((deadlines - burst))
if [ "$copies" -gt 0 ]; then
    # One plain INSERT … SELECT per copy round (no sort of the whole million), all in one transaction.
    {
        echo "PRAGMA synchronous = OFF; PRAGMA cache_size = -524288; BEGIN;"
        # NOT IN, not NOT EXISTS: without statistics the planner would scan deadlines_open per row.
        echo "CREATE TEMP TABLE template AS SELECT c.* FROM complaints c WHERE c.status = 'open' AND c.id NOT IN"
        echo "  (SELECT complaint_id FROM deadlines WHERE state = 'open') ORDER BY c.rowid;"
        echo "CREATE TEMP TABLE top AS SELECT kind, MAX(seq) AS mx FROM complaints GROUP BY kind;"
        left=$copies
        n=1
        templates=$(sqlite3 "$db" "SELECT COUNT(*) FROM complaints WHERE status = 'open' AND id NOT IN
            (SELECT complaint_id FROM deadlines WHERE state = 'open')")
        [ "$templates" -gt 0 ] || { echo "no complaint without a deadline to copy" >&2; exit 1; }
        while [ "$left" -gt 0 ]; do
            at=$(posted_sql "$n")
            echo "INSERT INTO complaints(id, kind, seq, status, posted_at, state, updated_at, rule_set)"
            echo "  SELECT substr(t.id, 1, 1) || (t.seq + $n * top.mx), t.kind, t.seq + $n * top.mx, 'closed',"
            echo "         $at, json_set(t.state, '\$.id', substr(t.id, 1, 1) || (t.seq + $n * top.mx),"
            echo "         '\$.seq', t.seq + $n * top.mx, '\$.status', 'closed', '\$.posted_at', $at,"
            echo "         '\$.closed_at', $at + 7200000, '\$.stages', json('[]'), '\$.departments', json('[]')),"
            echo "         $at + 7200000, t.rule_set"
            echo "  FROM template t JOIN top ON top.kind = t.kind LIMIT $left;"
            left=$((left - templates))
            n=$((n + 1))
        done
        echo "COMMIT;"
    } >"$work/copies.sql"
    timeout 1800 sqlite3 "$db" <"$work/copies.sql" >/dev/null
    have=$(sqlite3 "$db" "SELECT COUNT(*) FROM complaints")
    if [ "$have" -ne $((complaints - burst)) ]; then
        echo "copies: $have complaints instead of $((complaints - burst))" >&2
        exit 1
    fi
    # The facts beside each complaint (schema v7), as the bot would have written them at each save.
    echo ">> the facts of the copies: $(timeout 1800 "$build/bench/gen_open_work" --config "$config" --db "$db" facts)"
fi
