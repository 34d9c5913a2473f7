#!/usr/bin/env bash
# Nightly backup of a Xiaoyou installation: PostgreSQL dump and local media.
# Usage (as root or the xiaoyou user, e.g. from /etc/cron.d):  deploy/backup.sh /var/backups/xiaoyou
# Reads DATABASE_URL, XIAOYOU_VAR_DIR and S3_BUCKET from /etc/xiaoyou/xiaoyou.env (or the
# environment). Keeps BACKUP_KEEP_DAYS days (default 14). Copy the directory off the machine.
set -euo pipefail
target=${1:?usage: backup.sh DIRECTORY}
env_file=${XIAOYOU_ENV_FILE:-/etc/xiaoyou/xiaoyou.env}
# shellcheck disable=SC1090
[ -f "$env_file" ] && set -a && . "$env_file" && set +a
: "${DATABASE_URL:?DATABASE_URL is not set}"
keep=${BACKUP_KEEP_DAYS:-14}
stamp=$(date +%Y%m%d-%H%M%S)
mkdir -p "$target"
umask 077

# 1. Database: custom format (compressed, restorable table by table with pg_restore).
pg_dump --format=custom --no-owner --dbname="$DATABASE_URL" --file="$target/xiaoyou-$stamp.dump"

# 2. Media: only when kept on local disk; an S3 bucket is backed up by the store's own
#    versioning/replication (see docs/operations.md).
if [ -z "${S3_BUCKET:-}" ]; then
  media="${XIAOYOU_VAR_DIR:-/srv/xiaoyou/var}/media"
  [ -d "$media" ] && tar --create --gzip --file="$target/media-$stamp.tar.gz" -C "$media" .
fi

find "$target" -maxdepth 1 \( -name 'xiaoyou-*.dump' -o -name 'media-*.tar.gz' \) -mtime +"$keep" -delete
echo "backup written to $target ($stamp)"
