/* poweroff: flush the file systems and switch the machine off (reboot(2) with
 * LINUX_REBOOT_CMD_POWER_OFF; only the kernel's init-privileged caller may do this). */
#include <stdio.h>
#include <unistd.h>
#include <sys/reboot.h>

int main(void)
{
  sync();
  reboot(RB_POWER_OFF);
  perror("poweroff");
  return 1;
}
