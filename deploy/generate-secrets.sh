#!/usr/bin/env bash
# Writes the secrets a deployment needs, with fresh random values, to files git ignores:
#
#   deploy/.env                                        for compose.yaml (keys documented in .env.example)
#   deploy/kubernetes/components/secrets/agora.env     the agora-secrets Secret of the Kubernetes manifests
#
# A file that exists is kept (a new cookie key signs everyone out; a new database password locks Agora
# out of its data): pass --force to replace both. Values you already have are taken from the environment
# instead of generated: DATABASE_URL, REDIS_URL, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY for
# Kubernetes (generated ones point at in-namespace postgresql, redis and minio Services, whose charts you
# then give the same credentials), AGORA_ADMIN_EMAIL for compose's first admin. Needs only coreutils.
set -euo pipefail
umask 077
cd "$(dirname "$0")"

force=0
case "${1:-}" in
  --force) force=1 ;;
  "") ;;
  *) echo "usage: $0 [--force]" >&2; exit 2 ;;
esac

# Hex, so a value can sit in a URL unescaped.
random_hex() { od -An -tx1 -N"$1" /dev/urandom | tr -d ' \n'; }
# The storefront's cookie key: base64 of 64 random bytes.
cookie_key() { head -c 64 /dev/urandom | base64 -w0; }

write() { # file, then the content on stdin
  local file=$1
  if [ -e "$file" ] && [ "$force" = 0 ]; then
    cat >/dev/null
    echo "kept $file (--force replaces it)"
    return
  fi
  mkdir -p "$(dirname "$file")"
  cat >"$file.tmp"
  mv "$file.tmp" "$file"
  echo "wrote $file"
}

write .env <<ENV
# Written by generate-secrets.sh for compose.yaml; not committed. Keys: .env.example.
POSTGRES_PASSWORD=$(random_hex 24)
REDIS_PASSWORD=$(random_hex 24)
AGORA_COOKIE_KEY=$(cookie_key)
AGORA_PAYMENT_WEBHOOK_SECRET=$(random_hex 32)
AGORA_ADMIN_EMAIL=${AGORA_ADMIN_EMAIL:-admin@agora.localhost}
AGORA_ADMIN_PASSWORD=$(random_hex 16)
ENV

postgres_password=$(random_hex 24)
redis_password=$(random_hex 24)
write kubernetes/components/secrets/agora.env <<ENV
# Written by generate-secrets.sh: the agora-secrets Secret. Not committed.
DATABASE_URL=${DATABASE_URL:-postgres://agora:$postgres_password@postgresql:5432/agora}
REDIS_URL=${REDIS_URL:-redis://:$redis_password@redis:6379}
AWS_ACCESS_KEY_ID=${AWS_ACCESS_KEY_ID:-agora$(random_hex 8)}
AWS_SECRET_ACCESS_KEY=${AWS_SECRET_ACCESS_KEY:-$(random_hex 24)}
AGORA_SETTINGS__STOREFRONT__COOKIE_KEY=$(cookie_key)
AGORA_SETTINGS__PAYMENT__SIMULATED__WEBHOOK_SECRET=$(random_hex 32)
AGORA_SETTINGS__IDENTITY__BOOTSTRAP_ADMIN_PASSWORD=$(random_hex 16)
ENV

echo "The first admin's password is AGORA_ADMIN_PASSWORD in .env (compose) and"
echo "AGORA_SETTINGS__IDENTITY__BOOTSTRAP_ADMIN_PASSWORD in kubernetes/components/secrets/agora.env."
