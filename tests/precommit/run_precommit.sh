#!/usr/bin/env bash
# The pre-commit hooks of .pre-commit-hooks.yaml, end to end: a throwaway git
# repository uses them from this checkout, a bad template cannot be
# committed (the hook prints the finding), a good one can, and YAML files
# that are not templates pass untouched.
#
# usage: run_precommit.sh TENET_BINARY SOURCE_DIR
# Exits 77 (skipped) when pre-commit or git is not installed. No network:
# pre-commit clones the hook repository from a local path.
set -euo pipefail

tenet=$(realpath "$1")
src=$(realpath "$2")
for tool in pre-commit git; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "SKIP: $tool is not installed"
        exit 77
    fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/tenet-precommit.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# Keep the user's git and pre-commit configuration and caches out of it.
export PRE_COMMIT_HOME="$tmp/cache"
export GIT_CONFIG_GLOBAL="$tmp/gitconfig"
export GIT_CONFIG_NOSYSTEM=1
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE
git config --global user.name "tenet test"
git config --global user.email "tenet-test@example.invalid"
git config --global init.defaultBranch main
git config --global commit.gpgsign false
git config --global safe.directory '*'
# `language: system`: the hook runs the tenet found on PATH.
mkdir "$tmp/bin"
ln -s "$tenet" "$tmp/bin/tenet"
export PATH="$tmp/bin:$PATH"

# The hook repository: this checkout at HEAD when HEAD holds the hooks file
# as it is in the working tree (CI); else (uncommitted work) a copy of the
# file committed into a scratch repository.
if git -C "$src" rev-parse -q --verify HEAD >/dev/null 2>&1 &&
    git -C "$src" cat-file -e HEAD:.pre-commit-hooks.yaml 2>/dev/null &&
    git -C "$src" diff --quiet HEAD -- .pre-commit-hooks.yaml; then
    hooks_repo=$src
else
    hooks_repo=$tmp/hooks
    git init -q "$hooks_repo"
    cp "$src/.pre-commit-hooks.yaml" "$hooks_repo/"
    git -C "$hooks_repo" add .pre-commit-hooks.yaml
    git -C "$hooks_repo" commit -q -m "hooks"
fi
rev=$(git -C "$hooks_repo" rev-parse HEAD)
echo "hooks from $hooks_repo at $rev"

work=$tmp/work
git init -q "$work"
cd "$work"
cat > .pre-commit-config.yaml <<CONFIG
repos:
  - repo: $hooks_repo
    rev: $rev
    hooks:
      - id: tenet
        args: [--region, us-east-1]
      - id: tenet-plan
        args: [--region, us-east-1]
CONFIG
pre-commit install >/dev/null

failures=0
fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

# commit MESSAGE: commits the staged files; the hook output goes to $tmp/out.
commit() {
    git commit -q -m "$1" >"$tmp/out" 2>&1
}

# 1. The configuration itself is YAML but not a template: the hook skips it.
git add .pre-commit-config.yaml
commit "pre-commit configuration" || fail "committing .pre-commit-config.yaml was refused: $(cat "$tmp/out")"

# 2. A template with an error: refused, and the finding is printed.
cat > cache.yaml <<'TEMPLATE'
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Cache:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties:
      ReplicationGroupDescription: sessions
      Engine: redis
      EngineVersion: 3.2.10
      CacheNodeType: cache.r5.large
      CacheSubnetGroupName: private
      NumCacheClusters: 2
      AtRestEncryptionEnabled: true
TEMPLATE
git add cache.yaml
if commit "bad template"; then
    fail "a template with an error was committed"
fi
grep -q "cache.yaml:8:22: error: .*\[EC-AR-001\]" "$tmp/out" ||
    fail "the hook did not print the finding: $(cat "$tmp/out")"
cat "$tmp/out"

# 3. Fixed: committed.
sed -i 's/EngineVersion: 3.2.10/EngineVersion: "7.1"/' cache.yaml
git add cache.yaml
commit "good template" || fail "a good template was refused: $(cat "$tmp/out")"

# 4. Other YAML and JSON files pass untouched.
printf 'name: service\nreplicas: 3\n' > settings.yaml
printf '{"Name": "x", "Version": "1"}\n' > package.json
git add settings.yaml package.json
commit "not templates" || fail "files that are not templates were refused: $(cat "$tmp/out")"

# 5. A Terraform plan with an error: refused by the plan hook too.
cat > prod.plan.json <<'PLAN'
{"format_version": "1.2", "resource_changes": [{
  "address": "aws_elasticache_replication_group.g", "type": "aws_elasticache_replication_group",
  "name": "g", "mode": "managed",
  "change": {"actions": ["create"], "before": null, "after_unknown": {},
    "after": {"engine": "redis", "engine_version": "3.2.10", "node_type": "cache.r5.large",
              "subnet_group_name": "private", "at_rest_encryption_enabled": true}}}]}
PLAN
git add prod.plan.json
if commit "bad plan"; then
    fail "a plan with an error was committed"
fi
grep -q "tenet (Terraform plans)\.*Failed" "$tmp/out" ||
    fail "the plan hook did not fail: $(cat "$tmp/out")"
grep -q "prod.plan.json:.*\[EC-AR-001\]" "$tmp/out" ||
    fail "the plan hook did not print the finding: $(cat "$tmp/out")"

if [ "$failures" -ne 0 ]; then
    exit 1
fi
echo "PASS: pre-commit refuses the bad template and plan, accepts the rest"
