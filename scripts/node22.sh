# Source this file: puts a Node >= 22 first on PATH.
# Our machines ship Node 20; the npm package `node@22` carries a real Node 22 binary (DESIGN §4).
# It must be on PATH *before* `npm ci` so native addons are built for the Node that runs them.
_bs_need_major=22
_bs_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if [ "$(_bs_major)" -lt "$_bs_need_major" ]; then
  _bs_cache="${BUDGET_SYNC_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/budget-sync/node22}"
  if [ ! -x "$_bs_cache/node_modules/node/bin/node" ]; then
    echo "budget-sync: Node $(node --version 2>/dev/null || echo none) is too old; installing Node 22 from the npm package node@22 into $_bs_cache" >&2
    mkdir -p "$_bs_cache"
    # The package `node` sets its binary up in a preinstall script: approve it here (npm 11's allowScripts),
    # or npm warns that it ran an install script nobody approved.
    [ -f "$_bs_cache/package.json" ] || printf '%s\n' '{"name":"budget-sync-node22","private":true,"allowScripts":{"node":true}}' > "$_bs_cache/package.json"
    npm install --loglevel=warn --no-audit --no-fund --prefix "$_bs_cache" node@22 >&2 || {
      echo "budget-sync: could not install node@22; install Node >= 22.12 yourself and retry" >&2
      return 1 2>/dev/null || exit 1
    }
  fi
  export PATH="$_bs_cache/node_modules/node/bin:$PATH"
fi
unset -f _bs_major
