#!/usr/bin/env bash
# Watch `specctl reconcile` converge, offline: the shop example with discount codes missing,
# in a fresh git repository in a temporary folder, reconciled by a scripted demo agent.
# Usage: bash examples/reconcile-demo/run.sh   (SPECCTL=path/to/specctl to use a built binary)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cp -R "$repo/examples/shop/." "$work/"
rm -rf "$work/.specctl"
cp "$here/specctl.yaml" "$work/specctl.yaml"
cp "$here/shop-without-discounts.py" "$work/src/shop.py"
cp "$here/demo-agent" "$work/demo-agent"
export DEMO_FIX="$repo/examples/shop/src/shop.py"
git -C "$work" init -q
git -C "$work" add -A
git -C "$work" -c user.name=demo -c user.email=demo@localhost commit -qm "the shop, before"

specctl=${SPECCTL:-}
if [[ -z $specctl ]]; then
  cargo build --quiet --manifest-path "$repo/Cargo.toml" --bin specctl
  specctl="$repo/target/debug/specctl"
fi
echo "== specctl check: what does not hold"
"$specctl" -C "$work" check || true
echo
echo "== specctl reconcile"
"$specctl" -C "$work" reconcile
echo
echo "== what the agent changed"
git -C "$work" diff --stat
