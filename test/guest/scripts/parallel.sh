# parallel.sh: N concurrent busybox workers, each creating, hashing, renaming and removing
# files in its own directory with pipelines (fork, exec, pipes and ext2 on all CPUs at once).
B=/bin/busybox
worker() {
  $B mkdir -p /p/$1
  for i in $($B seq 1 12); do
    echo "$1 $i" > /p/$1/f$i
    $B cat /p/$1/f$i | $B md5sum > /p/$1/m$i
    $B mv /p/$1/f$i /p/$1/g$i
  done
  $B rm /p/$1/g1*
  echo "worker $1 done $($B ls /p/$1 | $B wc -l)"
}
for w in $($B seq 1 ${1:-6}); do worker $w & done
wait
$B rm -r /p
echo parallel-done
