#!/usr/bin/env bash
# Builds the Sheets add-on and pushes it to its Apps Script project, or says exactly what is missing:
#   npm run addon:deploy [-- --script-id ID] [-- --project .clasp.staging.json]
# --script-id writes the id of an existing Apps Script project into the project file (.clasp.json by
# default) when it has none. What is left to do in the browser is printed at the end (README: "Google
# Sheets add-on", "From zero to a working add-on").
set -euo pipefail
cd "$(dirname "$0")/.."
project=.clasp.json
script_id=""
while [ "$#" -gt 0 ]; do
  case "$1" in
    --script-id) script_id="${2:-}"; shift 2 ;;
    --project) project="${2:-}"; shift 2 ;;
    *) echo "budget-sync addon:deploy: unknown option $1 (use --script-id ID, --project FILE)" >&2; exit 2 ;;
  esac
done
. scripts/node22.sh
[ -f "$project" ] || { echo "budget-sync addon:deploy: $project does not exist; create it with: echo '{ \"scriptId\": \"<id>\", \"rootDir\": \"addon/dist\" }' > $project" >&2; exit 1; }
current="$(node -p "JSON.parse(require('fs').readFileSync('$project', 'utf8')).scriptId || ''")"
if [ -z "$current" ] && [ -n "$script_id" ]; then
  if ! [[ "$script_id" =~ ^[A-Za-z0-9_-]{20,}$ ]]; then
    echo "budget-sync addon:deploy: \"$script_id\" is not an Apps Script id (Project Settings → IDs → Script ID: a long string of letters, digits, - and _)" >&2
    exit 1
  fi
  node -e "const f='$project',fs=require('fs');const p=JSON.parse(fs.readFileSync(f,'utf8'));p.scriptId=process.argv[1];fs.writeFileSync(f,JSON.stringify(p,null,2)+'\n')" "$script_id"
  current="$script_id"
  echo "budget-sync: $project now names the Apps Script project $script_id (keep it out of commits: it is yours)" >&2
fi
if [ -z "$current" ]; then
  cat >&2 <<MSG
budget-sync addon:deploy: $project names no Apps Script project yet ("scriptId" is empty), so clasp would only say "Project settings not found". Either:
  - create one: npx clasp create-script --type standalone --title "Budget Sync" --rootDir addon/dist
    (in an empty folder, then copy the scriptId it writes), or script.google.com → New project → Project Settings → Script ID;
  - then: npm run addon:deploy -- --script-id <that id>
MSG
  exit 1
fi
if npx clasp show-authorized-user 2>/dev/null | grep -q "Not logged in"; then
  echo "budget-sync addon:deploy: clasp is not signed in to Google: run npx clasp login (once per machine), and turn on the Apps Script API at https://script.google.com/home/usersettings, then run this again." >&2
  exit 1
fi
npm run --silent addon:build
npx clasp -P "$project" push --force
cat <<MSG
Pushed the add-on to Apps Script project $current. Next, in the browser:
  1. npx clasp -P $project open-script  → Deploy → Test deployments → Application: Editor add-on → Create new test → pick a spreadsheet → Save, then Execute.
  2. In that spreadsheet: Extensions → Budget Sync → Settings: the API address (a public https:// address: Google's
     servers run the add-on and cannot reach localhost or a private network) and an API key with imports:read and imports:write.
  3. Extensions → Budget Sync → Open sidebar.
MSG
