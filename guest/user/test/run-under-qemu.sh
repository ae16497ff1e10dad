#!/bin/sh
# run-under-qemu.sh: a quick smoke test of build/bin under qemu-mipsel (`make check`); the
# full suite is test/guest-user/userland.spec.ts. qemu-user hands execve to the host kernel,
# so the guest's PATH is a directory of host scripts that re-enter qemu-mipsel.
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
bin=$here/build/bin
wrap=$(mktemp -d)
work=$(mktemp -d)
trap 'rm -rf "$wrap" "$work"' EXIT
for p in "$bin"/*; do
  printf '#!/bin/sh\nexec qemu-mipsel %s "$@"\n' "$p" > "$wrap/${p##*/}"
  chmod +x "$wrap/${p##*/}"
done
fails=0
# expect NAME EXPECTED-LAST-LINE-PATTERN COMMAND...: runs COMMAND in $work, checks the last line.
expect() {
  name=$1 pattern=$2
  shift 2
  last=$(cd "$work" && env -i PATH="$wrap:/usr/bin:/bin" HOME=/ "$@" 2>&1 | tail -n 1)
  case $last in
  $pattern) echo "ok   $name: $last" ;;
  *) echo "FAIL $name: got '$last'"; fails=$((fails + 1)) ;;
  esac
}
expect libctest 'libctest: OK *' qemu-mipsel "$here/build/bin-test/libctest" "$work"
expect sh-pipeline 3 qemu-mipsel "$bin/sh" -c 'echo a b c | cat | wc -w'
expect sh-status 'st=1 ok' qemu-mipsel "$bin/sh" -c 'false; S=$?; true && echo "st=$S ok"'
expect ls-grep 1 qemu-mipsel "$bin/sh" -c 'mkdir -p d/e && ls d | grep -c "^e$" && rm -r d'
expect pmake 'pmake: OK *' qemu-mipsel "$bin/pmake" -d "$work/pm"
expect engineering 'engineering: OK *' qemu-mipsel "$bin/engineering"
expect raytrace 'raytrace: OK *' qemu-mipsel "$bin/raytrace"
expect database 'database: OK *' qemu-mipsel "$bin/database"
[ "$fails" -eq 0 ] && echo "run-under-qemu: all passed" || echo "run-under-qemu: $fails failed"
exit "$fails"
