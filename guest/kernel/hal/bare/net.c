/* net.c (bare machine): no virtual subnet here (the machine's NIC is not driven by this
 * kernel yet), so the network calls report its absence and remap is a plain copy. */
#include "types.h"
#include "defs.h"
#include "hal.h"

bool hal_net_present(void) { return false; }
u32 hal_net_station(void) { return 0; }
void hal_net_link_header(u8 *h, u32 station, u16 type) { memset(h, 0, HAL_NET_HDR); }
int hal_net_send(struct hal_netdesc *d) { return -ENODEV; }
int hal_net_post(struct hal_netdesc *d) { return -ENODEV; }
struct hal_netdesc *hal_net_recv(u32 *len) { return NULL; }

u32 hal_remap(void *dst, const void *src, u32 len) {
  memcpy(dst, src, len);
  return 0;
}
