/* net.c: the network stack over the HAL's link (a virtual subnet port). Two layers:
 *  - DGP datagrams: a 20-byte header after the link header (destination and source ports, a
 *    transaction id, inline payload bytes, page count) with the payload inline in fragment 0
 *    and up to NET_PAGES whole pages as fragments 1..n, so page data keeps its alignment end to
 *    end and the monitor can remap it. Receive descriptors (NET_RX of them, each a header buffer
 *    and NET_PAGES pages) are posted to the HAL; the interrupt hands a filled one to the
 *    endpoint bound to its destination port, which gives it back with net_release(). A
 *    datagram without pages and with at most NET_SMALL_MAX payload bytes (every DNFS request)
 *    is instead copied into one of 64 small entries and its descriptor posted again at once,
 *    so a server's queue of requests does not hold receive descriptors (with 8 clients and
 *    two calls each outstanding, a queue of NET_RX / 2 descriptors dropped requests, and each
 *    drop cost the client a whole retransmit timeout). Descriptors still queue (at most
 *    NET_RX / 2 per endpoint) when no entry is free.
 *  - RPC: rpc_call() sends a request from the client port and waits for the reply with the
 *    same transaction id, retransmitting with a doubling timeout (lost frames, a busy server),
 *    -EIO after RPC_TRIES tries; servers reply with net_send() to the request's source.
 * Started on first use (net_start), so a machine that never uses the network pays nothing.
 * docs/guest.md ("Network and file service") describes the wire format. */
#include "types.h"
#include "defs.h"
#include "hal.h"
#include "net.h"
#include "proc.h"

#define HDR_OFF 2                 /* link header at +2: the DGP header and payload are aligned */
#define HDRBUF_OFF 2048           /* the header buffer's place in its slot page */
#define ETHERTYPE_DGP 0x88b5
#define RPC_TRIES 16
#define RPC_FIRST_MS 30
#define RPC_MAX_MS 1000

struct dgp_hdr {
  u16 dport, sport;
  u32 xid;
  u32 len;                        /* payload bytes inline after this header */
  u32 npages;                     /* page fragments that follow */
  u32 magic;
};
#define DGP_MAGIC 0x44475031u    /* "DGP1" */
#define PAYLOAD_OFF (HDR_OFF + HAL_NET_HDR + sizeof(struct dgp_hdr))

struct rxslot {
  struct hal_netdesc *d;          /* in the slot page, with the header buffer */
  u8 *hdr;
  void *page[NET_PAGES];
  int qnext;                      /* endpoint queue link */
};

struct pending {
  u32 xid;
  int slot;                       /* the reply, or -1 */
  struct pending *next;
};

static struct spinlock lock = SPINLOCK_INIT("net");
static struct rxslot slots[NET_RX];
static struct net_ep *eps;
static struct pending *calls;
static struct net_ep client_ep;
static u32 next_xid = 1;
static volatile int started;      /* 0 no, 1 yes, -1 no network */
static struct sleeplock start_lock;
static bool start_lock_init;
static void *txbuf[NCPU];
struct net_stats net_stats;

struct small {                    /* a copied page-less datagram, 512 bytes */
  int qnext;                      /* endpoint queue or free list link */
  u32 from, xid, len;
  u16 sport, dport;
  u8 data[NET_SMALL_MAX];
};
_Static_assert(sizeof(struct small) == 512, "small entry size");
#define SMALL_PER_PAGE (PGSIZE / sizeof(struct small))
#define NSMALL (NET_SMALL_PAGES * SMALL_PER_PAGE)
#define QEND (-1 - (int)NSMALL)       /* end of an endpoint queue (no item has this number) */
static struct small *smalls[NET_SMALL_PAGES];
static int small_free = -1;

static struct small *small_at(int k) {
  return &smalls[k / SMALL_PER_PAGE][k % SMALL_PER_PAGE];
}

/* The queue link of item q (slot q >= 0, or small entry -1 - q). */
static int *qlink(int q) {
  return q >= 0 ? &slots[q].qnext : &small_at(-1 - q)->qnext;
}

u32 net_station(void) {
  return hal_net_station();
}

/* Give slot i back to the link (its descriptor rewritten: the monitor filled in lengths). */
static void post(int i) {
  struct rxslot *s = &slots[i];
  struct hal_netdesc *d = s->d;
  d->nfrag = 1 + NET_PAGES;
  d->len = d->remapped = d->from = 0;
  d->frag[0].pa = KPA(s->hdr + HDR_OFF);
  d->frag[0].len = PGSIZE - HDRBUF_OFF - HDR_OFF;
  for (int k = 0; k < NET_PAGES; k++) {
    d->frag[1 + k].pa = KPA(s->page[k]);
    d->frag[1 + k].len = PGSIZE;
  }
  if (hal_net_post(d) < 0) net_stats.post_failed++;
}

int net_start(void) {
  if (started != 0) return started > 0 ? 0 : -ENODEV;
  push_off();
  if (!start_lock_init) {
    initsleeplock(&start_lock, "netstart");
    start_lock_init = true;
  }
  pop_off();
  acquiresleep(&start_lock);
  int r = 0;
  if (started == 0) {
    if (!hal_net_present()) {
      started = -1;
      r = -ENODEV;
    } else {
      for (int c = 0; c < hal_ncpu() && r == 0; c++)
        if ((txbuf[c] = kalloc()) == NULL) r = -ENOMEM;
      for (int i = 0; i < NET_RX && r == 0; i++) {
        void *pg = kzalloc_page();
        if (pg == NULL) { r = -ENOMEM; break; }
        slots[i].d = pg;
        slots[i].hdr = (u8 *)pg + HDRBUF_OFF;
        for (int k = 0; k < NET_PAGES; k++)
          if ((slots[i].page[k] = kalloc()) == NULL) r = -ENOMEM;
      }
      for (int p = 0; p < NET_SMALL_PAGES && r == 0; p++)
        if ((smalls[p] = kalloc()) == NULL) r = -ENOMEM;
      for (int k = (int)NSMALL - 1; k >= 0 && r == 0; k--) {
        small_at(k)->qnext = small_free;
        small_free = k;
      }
      if (r == 0) {
        net_bind(&client_ep, NET_PORT_CLIENT);
        for (int i = 0; i < NET_RX; i++) post(i);
        started = 1;
      }
    }
  }
  releasesleep(&start_lock);
  return r;
}

void net_bind(struct net_ep *ep, u16 port) {
  acquire(&lock);
  ep->port = port;
  ep->head = ep->tail = QEND;
  ep->queued = 0;
  ep->next = eps;
  eps = ep;
  release(&lock);
}

static void fill_msg(int i, struct net_msg *m) {
  struct rxslot *s = &slots[i];
  struct dgp_hdr *h = (struct dgp_hdr *)(s->hdr + HDR_OFF + HAL_NET_HDR);
  m->slot = i;
  m->small = -1;
  m->from = s->d->from;
  m->sport = h->sport;
  m->dport = h->dport;
  m->xid = h->xid;
  m->data = s->hdr + PAYLOAD_OFF;
  m->len = h->len;
  m->npages = 0;
  for (u32 k = 0; k < h->npages && k < NET_PAGES && k + 1 < s->d->nfrag; k++) {
    m->page[k] = s->page[k];
    m->pagelen[k] = s->d->frag[1 + k].len;
    m->npages++;
  }
  m->remapped = s->d->remapped;
}

/* Filled descriptors: hand each to its endpoint or pending call, else post it again. */
void net_interrupt(void) {
  if (started <= 0) return;
  acquire(&lock);
  u32 len;
  struct hal_netdesc *d;
  while ((d = hal_net_recv(&len)) != NULL) {
    int i = 0;
    while (i < NET_RX && slots[i].d != d) i++;
    if (i == NET_RX) continue;               /* not ours: never posted by this kernel */
    net_stats.frames_in++;
    struct dgp_hdr *h = (struct dgp_hdr *)(slots[i].hdr + HDR_OFF + HAL_NET_HDR);
    u8 *lh = slots[i].hdr + HDR_OFF;
    u32 f0 = d->frag[0].len;
    if (f0 < PAYLOAD_OFF - HDR_OFF || lh[12] != (ETHERTYPE_DGP >> 8) || lh[13] != (ETHERTYPE_DGP & 0xff) ||
        h->magic != DGP_MAGIC || h->len > f0 - (PAYLOAD_OFF - HDR_OFF) || h->npages > NET_PAGES) {
      net_stats.bad++;
      post(i);
      continue;
    }
    if (h->dport == NET_PORT_CLIENT) {
      struct pending *c = calls;
      while (c != NULL && (c->xid != h->xid || c->slot >= 0)) c = c->next;
      if (c == NULL) {                       /* a late duplicate reply */
        net_stats.stale++;
        post(i);
        continue;
      }
      c->slot = i;
      wakeup(c);
      continue;
    }
    struct net_ep *ep = eps;
    while (ep != NULL && ep->port != h->dport) ep = ep->next;
    if (ep == NULL) {
      net_stats.no_port++;
      post(i);
      continue;
    }
    int q = i;
    if (h->npages == 0 && h->len <= NET_SMALL_MAX && small_free >= 0) {
      int k = small_free;                    /* copy it out, give the descriptor back */
      struct small *e = small_at(k);
      small_free = e->qnext;
      e->from = d->from;
      e->xid = h->xid;
      e->len = h->len;
      e->sport = h->sport;
      e->dport = h->dport;
      memcpy(e->data, slots[i].hdr + PAYLOAD_OFF, h->len);
      post(i);
      net_stats.copied++;
      q = -1 - k;
    } else if (ep->queued >= NET_RX / 2) {
      net_stats.ep_full++;
      post(i);
      continue;
    } else {
      ep->queued++;                          /* descriptors held by this endpoint */
    }
    *qlink(q) = QEND;
    if (ep->tail != QEND) *qlink(ep->tail) = q;
    else ep->head = q;
    ep->tail = q;
    wakeup(ep);
  }
  release(&lock);
}

int net_recv(struct net_ep *ep, struct net_msg *m) {
  acquire(&lock);
  while (ep->head == QEND) {
    int r = sleep_on(ep, &lock, true, 0);
    if (r < 0) {
      release(&lock);
      return r;
    }
  }
  int q = ep->head;
  ep->head = *qlink(q);
  if (ep->head == QEND) ep->tail = QEND;
  if (q >= 0) {
    ep->queued--;
    fill_msg(q, m);
  } else {
    struct small *e = small_at(-1 - q);
    m->slot = -1;
    m->small = -1 - q;
    m->from = e->from;
    m->sport = e->sport;
    m->dport = e->dport;
    m->xid = e->xid;
    m->data = e->data;
    m->len = e->len;
    m->npages = 0;
    m->remapped = 0;
  }
  release(&lock);
  return 0;
}

void net_release(struct net_msg *m) {
  if (m->slot < 0 && m->small < 0) return;
  acquire(&lock);
  if (m->slot >= 0) post(m->slot);
  if (m->small >= 0) {
    small_at(m->small)->qnext = small_free;
    small_free = m->small;
  }
  release(&lock);
  m->slot = m->small = -1;
}

int net_send(u32 station, u16 dport, u16 sport, u32 xid, const void *data, u32 len, void *const *pages, u32 npages) {
  if (started <= 0) return -ENODEV;
  if (len > NET_INLINE_MAX || npages > NET_PAGES) return -EINVAL;
  struct hal_netdesc d;
  push_off();                     /* this CPU's transmit buffer until the send returns */
  u8 *b = txbuf[hal_cpu_id()];
  hal_net_link_header(b + HDR_OFF, station, ETHERTYPE_DGP);
  struct dgp_hdr *h = (struct dgp_hdr *)(b + HDR_OFF + HAL_NET_HDR);
  h->dport = dport;
  h->sport = sport;
  h->xid = xid;
  h->len = len;
  h->npages = npages;
  h->magic = DGP_MAGIC;
  memcpy(b + PAYLOAD_OFF, data, len);
  d.nfrag = 1 + npages;
  d.len = d.remapped = d.from = 0;
  d.frag[0].pa = KPA(b + HDR_OFF);
  d.frag[0].len = PAYLOAD_OFF - HDR_OFF + len;
  for (u32 k = 0; k < npages; k++) {
    d.frag[1 + k].pa = KPA(pages[k]);
    d.frag[1 + k].len = PGSIZE;
  }
  int r = hal_net_send(&d);
  pop_off();
  net_stats.frames_out++;
  return r;
}

int rpc_call(u32 station, u16 port, const void *req, u32 len, struct net_msg *reply) {
  int r = net_start();
  if (r < 0) return r;
  struct pending c = { .slot = -1 };
  acquire(&lock);
  c.xid = next_xid++;
  c.next = calls;
  calls = &c;
  release(&lock);
  u32 ms = RPC_FIRST_MS;
  r = -EIO;
  for (int t = 0; t < RPC_TRIES; t++) {
    if (t > 0) net_stats.retransmits++;
    net_send(station, port, NET_PORT_CLIENT, c.xid, req, len, NULL, 0);
    u64 deadline = hal_cycles() + (u64)ms * (hal_cycles_hz() / 1000);
    acquire(&lock);
    while (c.slot < 0 && hal_cycles() < deadline)
      if (sleep_on(&c, &lock, false, deadline) == -ETIMEDOUT) break;
    bool got = c.slot >= 0;
    release(&lock);
    if (got) {
      r = 0;
      break;
    }
    ms = ms * 2 > RPC_MAX_MS ? RPC_MAX_MS : ms * 2;
  }
  acquire(&lock);
  struct pending **pp = &calls;
  while (*pp != &c) pp = &(*pp)->next;
  *pp = c.next;
  if (c.slot >= 0) {            /* also a reply that came after the last timeout */
    fill_msg(c.slot, reply);
    r = 0;
  }
  release(&lock);
  if (r == 0) net_stats.calls++;
  return r;
}
