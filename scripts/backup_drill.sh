#!/usr/bin/env bash
# Backup drill (docs/operations.md, "Backups and restore"): dump a Crosspaths database
# with pg_dump, restore it into a fresh database with pg_restore, compare the row count
# of every table, check the restored schema has no unapplied migration, then draft and
# publish a round on the restored copy (new rows: the sequences came back too).
#
#   scripts/backup_drill.sh [SOURCE_DATABASE]
#
# Without a source it makes one (crosspaths_drill_source, the demo organization).
# PostgreSQL server: DRILL_POSTGRES (default postgres://postgres@127.0.0.1:5432). The
# restored copy, crosspaths_drill_restored, is dropped at the end; so is a made source.
# The round: DRILL_PROGRAM of DRILL_ORG (default: the demo's "Virtual coffee").
set -euo pipefail
cd "$(dirname "$0")/.."

pg=${DRILL_POSTGRES:-postgres://postgres@127.0.0.1:5432}
source_db=${1:-}
restored=crosspaths_drill_restored
work=$(mktemp -d)
made_source=
cleanup() {
  psql -q "$pg/postgres" -c "DROP DATABASE IF EXISTS $restored WITH (FORCE)"
  if [ -n "$made_source" ]; then
    psql -q "$pg/postgres" -c "DROP DATABASE IF EXISTS $made_source WITH (FORCE)"
  fi
  rm -rf "$work"
}
trap cleanup EXIT
export DEBUG=1 CROSSPATHS_VAR_DIR="$work"   # manage.py on scratch databases only
export PGOPTIONS="--client-min-messages=warning"   # no NOTICE for a database not there
started=$(date +%s)
say() { printf '  ok  %s (%d s)\n' "$1" "$(($(date +%s) - started))"; }
fresh() { psql -q "$pg/postgres" -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" -c "CREATE DATABASE $1"; }

# Exact row counts of every table in the database (one query, no estimates).
counts() {
  psql -At "$pg/$1" -c "
    SELECT table_name, (xpath('/row/c/text()', query_to_xml(
      format('SELECT count(*) AS c FROM %I.%I', table_schema, table_name), false, true, '')))[1]::text
    FROM information_schema.tables
    WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1"
}

if [ -z "$source_db" ]; then
  source_db=crosspaths_drill_source
  made_source=$source_db
  fresh "$source_db"
  DATABASE_URL="$pg/$source_db" .venv/bin/python manage.py migrate --no-input -v 0
  DATABASE_URL="$pg/$source_db" .venv/bin/python manage.py demo >/dev/null
  say "source database $source_db with the demo organization"
fi

# The documented backup and restore commands.
pg_dump --format=custom --file "$work/crosspaths.dump" "$pg/$source_db"
say "pg_dump of $source_db: $(du -h "$work/crosspaths.dump" | cut -f1)"
fresh "$restored"
pg_restore --no-owner --exit-on-error --dbname "$pg/$restored" "$work/crosspaths.dump"
say "pg_restore into $restored"

counts "$source_db" >"$work/source.counts"
counts "$restored" >"$work/restored.counts"
if ! diff -u "$work/source.counts" "$work/restored.counts"; then
  echo "DRILL FAILED: row counts differ between $source_db and $restored" >&2
  exit 1
fi
tables=$(wc -l <"$work/source.counts")
rows=$(awk -F'|' '{s += $2} END {print s}' "$work/source.counts")
people=$(awk -F'|' '$1 == "people_person" {print $2}' "$work/source.counts")
if [ "${people:-0}" -eq 0 ]; then
  echo "DRILL FAILED: the source has no people; nothing was really tested" >&2
  exit 1
fi
say "row counts equal in all $tables tables ($rows rows, $people people)"

export DATABASE_URL="$pg/$restored"
.venv/bin/python manage.py migrate --check -v 0
on=$(.venv/bin/python -c 'import datetime; print(datetime.date.today() + datetime.timedelta(days=45))')
out=$(.venv/bin/python manage.py crosspaths_round "${DRILL_PROGRAM:-Virtual coffee}" \
  --org "${DRILL_ORG:-demo}" --date "$on" --publish)
round_id=$(printf '%s\n' "$out" | sed -n 's/^round \([0-9]*\) .*/\1/p')
state=$(psql -At "$DATABASE_URL" -c "
  SELECT r.status, count(m.id) FROM programs_round r
  JOIN programs_match x ON x.round_id = r.id
  JOIN notify_message m ON m.match_id = x.id AND m.kind = 'intro'
  WHERE r.id = ${round_id:-0} GROUP BY r.status")
case "$state" in
  published\|[1-9]*) say "a round drafted and published on the restored copy: ${state#*|} introductions queued" ;;
  *) echo "DRILL FAILED: round ${round_id:-?} on the restored copy: '$state' ($out)" >&2; exit 1 ;;
esac
echo "backup drill passed in $(($(date +%s) - started)) s"
