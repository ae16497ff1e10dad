# fsstress.sh: file-system workout for the guest kernel's ext2 (run with busybox sh): many
# files in one directory (it grows past one block), a file with double-indirect blocks,
# truncation, hard and symbolic links (fast and slow), renames of files and directories
# across parents (replacing a target), recursive removal. e2fsck checks the result.
set -e
B=/bin/busybox
$B mkdir -p /d/a/b /d/e
for i in $($B seq 1 300); do echo "file $i" > /d/f$i; done
$B dd if=/dev/zero of=/d/big bs=1024 count=3000 2>/dev/null
$B rm /d/f1*
$B mv /d/f2 /d/a/b/g
$B mv /d/a /d/c
$B mv /d/e /d/c/b/
$B rmdir /d/c/b/e
$B truncate -s 100000 /d/big
$B ln /d/f3 /d/hard
$B ln -s /d/f3 /d/sym
$B ln -s /d/this/is/a/very/long/symlink/target/that/does/not/fit/in/the/inode/itself/really /d/longsym
$B cp /bin/busybox /d/bb2
$B cmp /bin/busybox /d/bb2
$B cat /d/sym
$B readlink /d/longsym
$B mkdir /d/x /d/y
$B mv /d/f5 /d/x/
$B mv /d/x /d/y/x
$B mkdir /d/z
$B mv /d/y/x /d/z
$B ls /d/z/x
$B echo replaced > /d/r1; $B echo old > /d/r2; $B mv /d/r1 /d/r2; $B cat /d/r2
$B rm -r /d/c /d/y
$B ls /d | $B wc -l
$B stat -c '%h %s' /d/f3 /d/big
$B rm -r /d
echo fsstress-done
