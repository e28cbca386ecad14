#!/bin/sh
# Builds the server of an older commit into dist/at-COMMIT/ (using this checkout's
# node_modules), so that `npm run bench` can measure it against the same echo:
#   sh bench/build-at.sh a675d04
#   BENCH_SERVER=dist/at-a675d04/src/server.js BENCH_LABEL=a675d04 BENCH_ONLY=w1,w2,w3 npx tsx bench/http.ts
set -eu
commit=$1
root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/dist/at-$commit"
src=$(mktemp -d)
trap 'rm -rf "$src"' EXIT
git -C "$root" archive "$commit" src schemas tsconfig.json package.json | tar -x -C "$src"
ln -s "$root/node_modules" "$src/node_modules"
cat > "$src/tsconfig.at.json" <<JSON
{ "extends": "./tsconfig.json", "compilerOptions": { "outDir": "$out", "rootDir": ".", "sourceMap": false }, "include": ["src", "schemas"] }
JSON
rm -rf "$out"
(cd "$src" && "$root/node_modules/.bin/tsc" -p tsconfig.at.json)
cp "$src/package.json" "$out/package.json"
echo "built $out/src/server.js"
