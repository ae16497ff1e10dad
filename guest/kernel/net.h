/* net.h: the kernel's network stack (net.c: DGP datagrams with ports, RPC with
 * retransmission) and the file service over it (nfs.c). */
#ifndef NET_H
#define NET_H

#include "types.h"

#define NET_RX 16                 /* receive descriptors posted */
#define NET_PAGES 8               /* page fragments per frame (and per receive descriptor) */
#define NET_INLINE_MAX 1536       /* payload bytes inline in fragment 0 */
#define NET_PORT_CLIENT 1021      /* RPC replies */
#define NET_PORT_NFS 2049         /* the file service */

#define NET_SMALL_PAGES 8         /* pages of copied small datagrams (8 entries each) */
#define NET_SMALL_MAX 492         /* payload bytes a copied small datagram may have */

struct net_ep {                   /* a bound port: received datagrams queue here */
  u16 port;
  int head, tail, queued;         /* queue items: slot i >= 0, or copied entry -1 - k */
  struct net_ep *next;
};

struct net_msg {                  /* a received datagram, owned until net_release() */
  int slot;                       /* its receive slot, or -1 */
  int small;                      /* its copied entry (page-less datagrams), or -1 */
  u32 from;                       /* sender's station */
  u16 sport, dport;
  u32 xid;
  u8 *data;                       /* inline payload */
  u32 len;
  void *page[NET_PAGES];          /* page fragments (page-aligned kernel pages) */
  u32 pagelen[NET_PAGES];
  u32 npages;
  u32 remapped;                   /* bit 1 + k: page k arrived remapped */
};

struct net_stats {
  u32 frames_in, frames_out, bad, stale, no_port, post_failed, calls, retransmits, copied, ep_full;
};
extern struct net_stats net_stats;

int net_start(void);
u32 net_station(void);
void net_bind(struct net_ep *ep, u16 port);
int net_recv(struct net_ep *ep, struct net_msg *m);       /* sleeps (interruptible) */
void net_release(struct net_msg *m);
int net_send(u32 station, u16 dport, u16 sport, u32 xid, const void *data, u32 len, void *const *pages, u32 npages);
int rpc_call(u32 station, u16 port, const void *req, u32 len, struct net_msg *reply);

/* nfs.c */
struct inode;
struct stat64;
int nfs_fill(struct inode *ip);
struct inode *nfs_lookup(struct inode *dp, const char *name);
struct inode *nfs_cross(struct inode *ip);
int nfs_readi(struct inode *ip, bool user, u32 dst, u32 off, u32 n);
void *nfs_getpage(struct inode *ip, u32 off);
int nfs_readdir(struct inode *dp, u32 *pos, u8 *buf, u32 cap);
int nfs_readlink(struct inode *ip, char *buf, u32 cap);
int nfs_path(struct inode *ip, char *buf, u32 cap);
bool nfs_dev(u32 dev);

#endif
