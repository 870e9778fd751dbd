#!/usr/bin/env bash
# Creates a seeded Tryton 6.0 SQLite database named "bridge" and a server config in DIR.
#
# usage: setup-tryton.sh DIR PORT SESSION_MAX_AGE
#   TRYTON_ADMIN_PASSWORD  password given to the admin user (required)
#   TRYTON_SYNC_PASSWORD   password given to the sync user (required)
# Tool output goes to DIR/setup.log; the ids of the seeded records go to DIR/seed.json.
# No password is ever written to stdout, the log or the config.
set -euo pipefail

if [ $# -ne 3 ]; then
    echo "usage: $0 DIR PORT SESSION_MAX_AGE" >&2
    exit 2
fi
dir=$1
port=$2
max_age=$3
database=bridge
here=$(cd "$(dirname "$0")" && pwd)

: "${TRYTON_ADMIN_PASSWORD:?set TRYTON_ADMIN_PASSWORD to the password for the Tryton admin user}"
: "${TRYTON_SYNC_PASSWORD:?set TRYTON_SYNC_PASSWORD to the password for the Tryton sync user}"
for tool in trytond trytond-admin; do
    command -v "$tool" >/dev/null 2>&1 || {
        echo "$tool not found: run .ci/install-tryton.sh first" >&2
        exit 1
    }
done

mkdir -p "$dir/db"
dir=$(cd "$dir" && pwd)
if [ -e "$dir/db/$database.sqlite" ]; then
    echo "$dir/db/$database.sqlite already exists: use an empty directory" >&2
    exit 1
fi

cat > "$dir/trytond.conf" <<CONF
[web]
listen = 127.0.0.1:$port

[database]
uri = sqlite://
path = $dir/db

[session]
max_age = $max_age
CONF

# trytond-admin reads the admin password from a file; keep it private and short-lived.
passfile=$(mktemp "$dir/.adminpass.XXXXXX")
trap 'rm -f "$passfile"' EXIT
chmod 600 "$passfile"
printf '%s\n' "$TRYTON_ADMIN_PASSWORD" > "$passfile"

log=$dir/setup.log
: > "$log"
touch "$dir/db/$database.sqlite"

echo "Initialising Tryton database '$database' in $dir/db"
TRYTONPASSFILE=$passfile trytond-admin -c "$dir/trytond.conf" -d "$database" --all \
    --email admin@example.invalid >> "$log" 2>&1
trytond-admin -c "$dir/trytond.conf" -d "$database" -u sale stock --activate-dependencies \
    >> "$log" 2>&1

echo "Seeding Tryton database '$database'"
/usr/bin/python3 "$here/seed.py" "$database" "$dir/trytond.conf" > "$dir/seed.json" 2>> "$log"
echo "Tryton ready in $dir (listen 127.0.0.1:$port, session max_age ${max_age}s)"
