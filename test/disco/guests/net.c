/* net.c: the virtual subnet from a bare test guest. cmdline "pong" (station 2) posts receive
 * descriptors, checks the frame it gets (header, a whole page-aligned page, an odd-sized
 * unaligned fragment) and sends it back; "ping" (station 1) also checks every bad NET_* call
 * (a hostile guest: errors, never a crash), sends the frame until the pong VM takes it, and
 * compares the echo. "flood" only sends frames at station 2 with fragments aimed at the
 * receiver's addresses and never posts a buffer. */
#include "dg.h"

struct frag { u32 pa, len; };
struct desc { u32 nfrag, len, remapped, from; struct frag f[NET_MAX_FRAGS]; };

static struct desc tx __attribute__((aligned(64)));
static struct desc rxd[4] __attribute__((aligned(64)));
static u8 hdrbuf[4][2048] __attribute__((aligned(16)));
static u8 pages[4][2][4096] __attribute__((aligned(4096)));
static u8 txpage[4096] __attribute__((aligned(4096)));
static u8 odd[2000];

static u32 pattern(u32 i, u32 seed) { return (i * 2654435761u + seed) >> 13; }

static void post(int k) {
  rxd[k].nfrag = 3;
  rxd[k].f[0].pa = KPA(hdrbuf[k]); rxd[k].f[0].len = 2048;
  rxd[k].f[1].pa = KPA(pages[k][0]); rxd[k].f[1].len = 4096;
  rxd[k].f[2].pa = KPA(pages[k][1]); rxd[k].f[2].len = 4096;
  dg_check_eq("post", (u32)mcall(MCALL_NET_RX_POST, KPA(&rxd[k]), 0), 0);
}

static struct desc *receive(u32 *len) {
  for (;;) {
    s32 d = mcall5(MCALL_NET_RECV, 0, 0, 0, 0, 0, len);
    if (d != 0) return (struct desc *)KVA(d);
    __asm__ volatile("wait");
  }
}

static void mac(u8 *p, u32 station) {
  p[0] = NET_MAC0; p[1] = NET_MAC1; p[2] = NET_MAC2; p[3] = NET_MAC3; p[4] = (u8)(station >> 8); p[5] = (u8)station;
}

static u8 hdr0[64];

static void build_frame(u32 to) {
  mac(hdr0, to);
  for (int i = 6; i < 12; i++) hdr0[i] = 0x77;     /* a forged source: the monitor overwrites it */
  hdr0[12] = 0x88; hdr0[13] = 0xb5;
  for (u32 i = 14; i < 64; i++) hdr0[i] = (u8)i;
  for (u32 i = 0; i < 1024; i++) ((u32 *)txpage)[i] = pattern(i, 1);
  for (u32 i = 0; i < 1001; i++) odd[i + 3] = (u8)pattern(i, 7);
  tx.nfrag = 3;
  tx.f[0].pa = KPA(hdr0); tx.f[0].len = 64;
  tx.f[1].pa = KPA(txpage); tx.f[1].len = 4096;
  tx.f[2].pa = KPA(odd + 3); tx.f[2].len = 1001;
}

static int frame_ok(struct desc *d, u8 *h, u8 *p1, u8 *p2, u32 from) {
  int ok = d->len == 64 + 4096 + 1001 && d->f[0].len == 64 && d->f[1].len == 4096 && d->f[2].len == 1001 && d->from == from;
  u8 m[6];
  mac(m, from);
  for (int i = 0; i < 6; i++) ok &= h[6 + i] == m[i];
  for (u32 i = 14; i < 64; i++) ok &= h[i] == (u8)i;
  for (u32 i = 0; i < 1024; i++) ok &= ((u32 *)p1)[i] == pattern(i, 1);
  for (u32 i = 0; i < 1001; i++) ok &= p2[i] == (u8)pattern(i, 7);
  return ok;
}

static void hostile(u32 mem) {
  u32 mtu;
  dg_check_eq("station", (u32)mcall5(MCALL_NET_INFO, 0, 0, 0, 0, 0, &mtu), 1);
  dg_check_eq("mtu", mtu, NET_MTU);
  dg_check_eq("desc 0", (u32)mcall(MCALL_NET_SEND, 0, 0), (u32)MERR_INVALID);
  dg_check_eq("desc unaligned", (u32)mcall(MCALL_NET_SEND, KPA(&tx) + 2, 0), (u32)MERR_INVALID);
  dg_check_eq("desc beyond memory", (u32)mcall(MCALL_NET_SEND, mem - 8, 0), (u32)MERR_BAD_ADDRESS);
  dg_check_eq("desc far away", (u32)mcall(MCALL_NET_SEND, 0xfffffff0u, 0), (u32)MERR_BAD_ADDRESS);
  build_frame(2);
  tx.nfrag = 0;
  dg_check_eq("nfrag 0", (u32)mcall(MCALL_NET_SEND, KPA(&tx), 0), (u32)MERR_INVALID);
  tx.nfrag = NET_MAX_FRAGS + 1;
  dg_check_eq("nfrag too many", (u32)mcall(MCALL_NET_SEND, KPA(&tx), 0), (u32)MERR_INVALID);
  tx.nfrag = 3;
  tx.f[2].pa = mem - 100;
  dg_check_eq("fragment beyond memory", (u32)mcall(MCALL_NET_SEND, KPA(&tx), 0), (u32)MERR_BAD_ADDRESS);
  tx.f[2].pa = 0xfffff000u; tx.f[2].len = 0x2000;
  dg_check_eq("fragment wrapping", (u32)mcall(MCALL_NET_SEND, KPA(&tx), 0), (u32)MERR_BAD_ADDRESS);
  tx.f[2].pa = KPA(odd + 3); tx.f[2].len = 1001;
  tx.f[0].len = 10;
  dg_check_eq("header fragment too short", (u32)mcall(MCALL_NET_SEND, KPA(&tx), 0), (u32)MERR_INVALID);
  tx.f[0].len = 64;
  tx.f[1].len = NET_MTU;
  dg_check_eq("frame above the MTU", (u32)mcall(MCALL_NET_SEND, KPA(&tx), 0), (u32)MERR_INVALID);
  tx.f[1].len = 4096;
  mac(hdr0, 99);
  dg_check_eq("no such station: dropped", (u32)mcall(MCALL_NET_SEND, KPA(&tx), 0), 0);
  hdr0[0] = 0x12;
  dg_check_eq("foreign address: dropped", (u32)mcall(MCALL_NET_SEND, KPA(&tx), 0), 0);
  dg_check_eq("recv with nothing", (u32)mcall(MCALL_NET_RECV, 0, 0), 0);
  dg_check_eq("post beyond memory", (u32)mcall(MCALL_NET_RX_POST, mem - 4, 0), (u32)MERR_BAD_ADDRESS);
  rxd[3].nfrag = 1; rxd[3].f[0].pa = KPA(hdrbuf[3]); rxd[3].f[0].len = 8;
  dg_check_eq("post: header fragment too short", (u32)mcall(MCALL_NET_RX_POST, KPA(&rxd[3]), 0), (u32)MERR_INVALID);
  rxd[3].f[0].pa = mem - 16; rxd[3].f[0].len = 2048;
  dg_check_eq("post: fragment beyond memory", (u32)mcall(MCALL_NET_RX_POST, KPA(&rxd[3]), 0), (u32)MERR_BAD_ADDRESS);
  dg_check_eq("remap beyond memory", (u32)mcall5(MCALL_REMAP, mem, KPA(txpage), 4096, 0, 0, 0), (u32)MERR_BAD_ADDRESS);
  dg_check_eq("remap overlapping", (u32)mcall5(MCALL_REMAP, KPA(txpage) + 8, KPA(txpage), 64, 0, 0, 0), (u32)MERR_INVALID);
  dg_check_eq("remap too long", (u32)mcall5(MCALL_REMAP, 0x100000, 0x200000, 0x100000, 0, 0, 0), (u32)MERR_INVALID);
  /* REMAP as bcopy: an unaligned piece is copied, a whole page is remapped or copied. */
  for (u32 i = 0; i < 1024; i++) ((u32 *)txpage)[i] = pattern(i, 3);
  s32 r = mcall5(MCALL_REMAP, KPA(pages[3][0]), KPA(txpage), 4096, 0, 0, 0);
  dg_check("remap a page", r == 0 || r == 1);
  s32 r2 = mcall5(MCALL_REMAP, KPA(pages[3][1]) + 5, KPA(txpage) + 9, 777, 0, 0, 0);
  dg_check_eq("remap an unaligned piece", (u32)r2, 0);
  u32 ok = 1;
  for (u32 i = 0; i < 1024; i++) ok &= ((u32 *)pages[3][0])[i] == pattern(i, 3);
  for (u32 i = 0; i < 777; i++) ok &= pages[3][1][5 + i] == txpage[9 + i];
  dg_check("remapped data", ok);
  pages[3][0][100] ^= 0xff;   /* writing the remapped copy leaves the source alone */
  dg_check("source intact after a write to the copy", ((u32 *)txpage)[25] == pattern(25, 3));
}

int main(int vcpu, const char *cmdline, u32 mem) {
  (void)vcpu;
  mtc0(12, 0, mfc0(12, 0) | (1 << 10));  /* IM2: `wait` returns on VIRQ NET (IE stays 0) */
  if (dg_streq(cmdline, "pong")) {
    u32 mtu;
    dg_check_eq("station", (u32)mcall5(MCALL_NET_INFO, 0, 0, 0, 0, 0, &mtu), 2);
    post(0);
    post(1);
    u32 len;
    struct desc *d = receive(&len);
    dg_check_eq("frame length", len, 64 + 4096 + 1001);
    dg_check("first descriptor filled", d == &rxd[0]);
    dg_check("frame contents", frame_ok(d, hdrbuf[0], pages[0][0], pages[0][1], 1));
    dg_puts("remapped mask "); dg_puthex(d->remapped); dg_puts("\n");
    /* echo it back from the receive buffers */
    mac(hdrbuf[0], 1);
    tx.nfrag = 3;
    tx.f[0].pa = KPA(hdrbuf[0]); tx.f[0].len = d->f[0].len;
    tx.f[1].pa = KPA(pages[0][0]); tx.f[1].len = d->f[1].len;
    tx.f[2].pa = KPA(pages[0][1]); tx.f[2].len = d->f[2].len;
    s32 n;
    while ((n = mcall(MCALL_NET_SEND, KPA(&tx), 0)) == 0) for (volatile int i = 0; i < 2000; i++) {}
    dg_check_eq("echo delivered", (u32)n, 1);
    return dg_result();
  }
  if (dg_streq(cmdline, "flood")) {
    build_frame(2);
    /* fragments that point at guest physical addresses where the receiver keeps its data:
     * they name this VM's own memory, never the receiver's */
    for (int i = 0; i < 2000; i++) mcall(MCALL_NET_SEND, KPA(&tx), 0);
    dg_check("flood done", 1);
    return dg_result();
  }
  hostile(mem);
  post(0);
  build_frame(2);
  s32 n;
  u32 tries = 0;
  while ((n = mcall(MCALL_NET_SEND, KPA(&tx), 0)) == 0) { tries++; for (volatile int i = 0; i < 2000; i++) {} }
  dg_check_eq("delivered to one station", (u32)n, 1);
  u32 len;
  struct desc *d = receive(&len);
  dg_check("echo contents", frame_ok(d, hdrbuf[0], pages[0][0], pages[0][1], 2));
  dg_puts("remapped mask "); dg_puthex(d->remapped); dg_puts("\n");
  /* Posting more than RX_MAX descriptors: the excess is refused. The same descriptor may be
   * posted again (the guest only hurts itself). */
  rxd[2].nfrag = 1; rxd[2].f[0].pa = KPA(hdrbuf[2]); rxd[2].f[0].len = 2048;
  s32 last = 0;
  for (int i = 0; i < NET_RX_MAX; i++) last = mcall(MCALL_NET_RX_POST, KPA(&rxd[2]), 0);
  dg_check_eq("RX_MAX posted", (u32)last, 0);
  dg_check_eq("one more: busy", (u32)mcall(MCALL_NET_RX_POST, KPA(&rxd[2]), 0), (u32)MERR_BUSY);
  return dg_result();
}
