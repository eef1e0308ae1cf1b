#!/usr/bin/env bash
# Renders the printed reports to look at before HR prints them: replays the example day, the
# management week and the compensation day, writes each one's 质量投诉处理流程表, monthly fine
# statement and weekly report as XLSX (and the texts beside them), and the replayed month's monthly
# summary, quarterly quality handbook and crisis report; converts the workbooks with LibreOffice
# (headless) to PDF and with pdftoppm to PNG.
#   bash scripts/render-reports.sh [OUT_DIR]          default OUT_DIR: build/render
# The binary is $BOT_BINARY, else build/complaint-bot (build it first: bash scripts/run test).
# Installs libreoffice-calc-nogui (or libreoffice-calc), poppler-utils, fonts-wqy-microhei (Chinese)
# and fonts-crosextra-carlito (Calibri's metrics, so columns come out as wide as in Excel) with
# apt when they are missing. Prints the PNG paths.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-build/render}
bot=${BOT_BINARY:-build/complaint-bot}

install_missing() {
    local missing=()
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo ">> installing: ${missing[*]}"
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null || { echo "need root or sudo to install: ${missing[*]}" >&2; exit 1; }
        sudo=(sudo)
    fi
    export DEBIAN_FRONTEND=noninteractive
    "${sudo[@]}" apt-get update -qq
    "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

if ! command -v soffice >/dev/null; then
    if apt-cache show libreoffice-calc-nogui >/dev/null 2>&1; then
        install_missing libreoffice-calc-nogui
    else
        install_missing libreoffice-calc
    fi
fi
install_missing poppler-utils fonts-wqy-microhei fonts-crosextra-carlito

[ -x "$bot" ] || { echo "no $bot: build it first (bash scripts/run test) or set BOT_BINARY" >&2; exit 1; }
mkdir -p "$out"
out=$(cd "$out" && pwd)

# name  config  script
runs=(
    "day       examples/company.yaml  examples/demo-day.jsonl"
    "week      config.example.yaml    examples/management-week.jsonl"
    "comp      config.example.yaml    examples/compensation-day.jsonl"
)
for run in "${runs[@]}"; do
    read -r name config script <<<"$run"
    db="$out/$name.db"
    rm -f "$db" "$db-wal" "$db-shm"
    "$bot" replay --config "$config" --script "$script" --db "$db" >/dev/null
    "$bot" report sheet --db "$db" --format xlsx --out "$out/$name-sheet.xlsx"
    "$bot" report statement --db "$db" --from 2026-11-01 --to 2026-11-30 --format xlsx \
        --out "$out/$name-statement.xlsx"
    "$bot" report weekly --db "$db" --to 2026-11-29 --format xlsx --out "$out/$name-weekly.xlsx"
    "$bot" report sheet --db "$db" --format text --out "$out/$name-sheet.txt"
    "$bot" report statement --db "$db" --from 2026-11-01 --to 2026-11-30 --format text \
        --out "$out/$name-statement.txt"
    "$bot" report weekly --db "$db" --to 2026-11-29 --out "$out/$name-weekly.txt"
done
# The replayed month: its monthly summary, the quarterly quality handbook and the crisis report.
db="$out/month.db"
rm -f "$db" "$db-wal" "$db-shm"
"$bot" replay --config examples/month.yaml --script examples/month.jsonl --db "$db" >/dev/null
"$bot" report monthly --db "$db" --from 2026-11-01 --out "$out/month-monthly.txt"
"$bot" report quarterly --db "$db" --from 2026-11-01 --format xlsx --out "$out/month-quarterly.xlsx"
"$bot" report quarterly --db "$db" --from 2026-11-01 --out "$out/month-quarterly.txt"
"$bot" report crisis --db "$db" --format xlsx --out "$out/month-crisis.xlsx"
"$bot" report weekly --db "$db" --from 2026-11-01 --to 2026-11-30 --format xlsx --out "$out/month-weekly.xlsx"
# The forms on a day without anything to print.
"$bot" report sheet --db "$out/day.db" --from 2026-11-24 --to 2026-11-24 --format xlsx --out "$out/empty-sheet.xlsx"
"$bot" report statement --db "$out/day.db" --from 2026-10-01 --to 2026-10-31 --format xlsx \
    --out "$out/empty-statement.xlsx"

# A private LibreOffice profile: no clash with a desktop session, nothing left in $HOME.
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
rm -f "$out"/*.pdf "$out"/*.png
soffice -env:UserInstallation="file://$profile" --headless --convert-to pdf --outdir "$out" "$out"/*.xlsx \
    >/dev/null 2>&1 || { echo "LibreOffice could not convert the workbooks in $out" >&2; exit 1; }
for pdf in "$out"/*.pdf; do
    pdftoppm -png -r 110 "$pdf" "${pdf%.pdf}"
done
ls "$out"/*.png
