#!/bin/sh
# The db-backup job: one custom-format pg_dump per database in BACKUP_DATABASES, uploaded to
# s3://$S3_BUCKET_BACKUPS/$S3_PREFIX_BACKUPS<database>/<UTC time>.dump only when pg_dump succeeded and the dump is
# not empty. Any failure stops the run with a one-line message on stderr and a non-zero exit (Railway's cron
# history shows it; the freshness alarm fires when no dump arrives). The dump is written to a private temporary
# folder of the container (never a pipe: a pg_dump that fails half-way must not leave a truncated, Object-Locked
# dump in the bucket) and removed on exit.
#
# Environment (written by this repository's stack, docs/operations/backups.md): PGHOST, PGUSER, PGPASSWORD,
# PGSSLMODE, PGSSLROOTCERT, PGCHANNELBINDING (libpq), BACKUP_DATABASES (space-separated), S3_BUCKET_BACKUPS,
# S3_PREFIX_BACKUPS, AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY. No encryption header is sent: the bucket
# encrypts with its own KMS key, and its policy refuses any other.
set -eu

fail() {
	printf 'db-backup: %s\n' "$*" >&2
	exit 1
}

for name in PGHOST PGUSER PGPASSWORD BACKUP_DATABASES S3_BUCKET_BACKUPS S3_PREFIX_BACKUPS; do
	eval "value=\${$name:-}"
	[ -n "$value" ] || fail "$name is not set"
done

stamp=$(date -u +%Y-%m-%dT%H%M%SZ)
umask 077
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
trap 'exit 1' HUP INT TERM

count=0
for database in $BACKUP_DATABASES; do
	dump="$work/$database.dump"
	target="s3://$S3_BUCKET_BACKUPS/$S3_PREFIX_BACKUPS$database/$stamp.dump"
	pg_dump --dbname="$database" --format=custom --no-owner --no-privileges --file="$dump" ||
		fail "pg_dump of $database failed (exit $?); nothing uploaded for it"
	[ -s "$dump" ] || fail "pg_dump of $database wrote an empty dump; nothing uploaded for it"
	aws s3 cp "$dump" "$target" --only-show-errors || fail "upload of $database to $target failed (exit $?)"
	rm -f "$dump"
	count=$((count + 1))
	printf 'db-backup: %s -> %s\n' "$database" "$target"
done
[ "$count" -gt 0 ] || fail "BACKUP_DATABASES names no database"
printf 'db-backup: %s database(s) dumped at %s\n' "$count" "$stamp"
