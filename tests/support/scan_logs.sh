#!/bin/sh
# The suite's last test: every log written by a bot process of the test suite (under $1) is
# searched for every test secret (one a line in $2). Fails naming the file and line; the secret
# itself is not printed.
set -u
dir=$1
secrets=$2
[ -s "$secrets" ] || { echo "no secrets list at $secrets"; exit 1; }
files=$(find "$dir" -type f -name '*.log' 2>/dev/null | sort)
n=$(printf '%s\n' "$files" | grep -c . || true)
hits=0
for f in $files; do
    for line in $(grep -nF -f "$secrets" "$f" | cut -d: -f1); do
        echo "$f:$line: a test secret is in the log"
        hits=$((hits + 1))
    done
done
echo "scanned $n bot logs under $dir for $(grep -c . "$secrets") secrets: $hits hits"
[ "$hits" -eq 0 ]
