/* reboot: flush the file systems and restart the machine (reboot(2) with
 * LINUX_REBOOT_CMD_RESTART). */
#include <stdio.h>
#include <unistd.h>
#include <sys/reboot.h>

int main(void)
{
  sync();
  reboot(RB_AUTOBOOT);
  perror("reboot");
  return 1;
}
