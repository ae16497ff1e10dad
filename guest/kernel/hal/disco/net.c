/* net.c (Disco monitor): the VM's port on the monitor's virtual subnet. NET_INFO gives the
 * station number; a frame is a NET_DESC descriptor of guest physical fragments (struct
 * hal_netdesc has the ABI's layout) sent with one NET_SEND, delivered by the monitor at once
 * into a descriptor the receiver posted with NET_RX_POST; VIRQ NET says NET_RECV has filled
 * ones. REMAP is the paper's HAL remap: bcopy that shares whole aligned pages. */
#include "types.h"
#include "defs.h"
#include "hal.h"
#include "mcall.h"

_Static_assert(sizeof(struct hal_netdesc) == NET_DESC_BYTES, "descriptor layout");
_Static_assert(__builtin_offsetof(struct hal_netdesc, frag) == NET_DESC_FRAG, "descriptor layout");
_Static_assert(__builtin_offsetof(struct hal_netdesc, from) == NET_DESC_FROM, "descriptor layout");
_Static_assert(HAL_NET_FRAGS == NET_MAX_FRAGS && HAL_NET_HDR == NET_HDR_BYTES, "descriptor layout");

bool hal_net_present(void) {
  return mcall(MCALL_NET_INFO, 0, 0) > 0;
}

u32 hal_net_station(void) {
  long r = mcall(MCALL_NET_INFO, 0, 0);
  return r > 0 ? (u32)r : 0;
}

void hal_net_link_header(u8 *h, u32 station, u16 type) {
  h[0] = NET_MAC0; h[1] = NET_MAC1; h[2] = NET_MAC2; h[3] = NET_MAC3;
  h[4] = (u8)(station >> 8); h[5] = (u8)station;
  memset(h + 6, 0, 6);              /* the monitor writes the source address */
  h[12] = (u8)(type >> 8); h[13] = (u8)type;
}

int hal_net_send(struct hal_netdesc *d) {
  long r = mcall(MCALL_NET_SEND, KPA(d), 0);
  return r < 0 ? -EINVAL : (int)r;
}

int hal_net_post(struct hal_netdesc *d) {
  long r = mcall(MCALL_NET_RX_POST, KPA(d), 0);
  return r == MERR_BUSY ? -EBUSY : r < 0 ? -EINVAL : 0;
}

struct hal_netdesc *hal_net_recv(u32 *len) {
  u32 l;
  long pa = mcall5(MCALL_NET_RECV, 0, 0, 0, 0, 0, &l);
  if (pa <= 0) return NULL;
  *len = l;
  return KVA(pa);
}

u32 hal_remap(void *dst, const void *src, u32 len) {
  long r = mcall5(MCALL_REMAP, KPA(dst), KPA(src), len, 0, 0, NULL);
  if (r < 0) {
    memcpy(dst, src, len);
    return 0;
  }
  return (u32)r;
}
