/*
 * flowtap_native: the few system calls Node cannot make.
 *
 *   tunOpen(name) -> { fd, name }      open /dev/net/tun, TUNSETIFF IFF_TUN|IFF_NO_PI, non-blocking
 *   tunSetPersist(fd, on)              TUNSETPERSIST
 *   close(fd)
 *   readBatch(fd, buf, offs, lens) -> n   read many packets per call into buf (contiguous),
 *                                         offsets/lengths into the Uint32Arrays; stops at EAGAIN,
 *                                         when the arrays are full, or when less than 64 KiB is left
 *   pollStart(fd, cb) -> handle        libuv poll for readability; cb() on each readiness
 *   pollStop(handle)
 *   rawOpen() -> fd                    AF_INET raw socket, IPPROTO_RAW (implies IP_HDRINCL), non-blocking
 *   sendBatch(fd, buf, offs, lens, dsts, n) -> sent   sendmmsg of n IPv4 packets (dst as u32 host order)
 *   netlinkExtAck(port) -> bool        enable NETLINK_EXT_ACK on this process's netlink socket bound to port
 *   netlinkQuietWatch(port, ownPort) -> bool   on this process's netlink socket bound to port (a
 *                                      notification listener): NETLINK_NO_ENOBUFS, and a socket
 *                                      filter that drops the notifications caused by requests from
 *                                      ownPort (their nlmsg_pid), so the agent's own bulk changes
 *                                      never reach (or overflow) it
 *   netlinkNoEnobufs(port) -> bool     NETLINK_NO_ENOBUFS on this process's netlink socket bound to port
 *                                      (the netlink package aborts the process on a receive overflow)
 *   flockExclusive(fd) -> bool         flock(LOCK_EX | LOCK_NB): true when taken, false when another
 *                                      open file description holds it (the data directory's lock)
 */
#define _GNU_SOURCE
#include <node_api.h>
#include <uv.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <stdlib.h>
#include <stdio.h>
#include <dirent.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <net/if.h>
#include <linux/if_tun.h>
#include <linux/netlink.h>
#include <linux/filter.h>

#define MAX_PKT 65536

static napi_value throw_errno(napi_env env, int err, const char *what) {
  char msg[256];
  snprintf(msg, sizeof msg, "%s: %s", what, strerror(err));
  napi_value m, code, e;
  napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &m);
  const char *name = err == EPERM ? "EPERM" : err == EBUSY ? "EBUSY" : err == ENOENT ? "ENOENT" : err == EINVAL ? "EINVAL" : err == EACCES ? "EACCES" : "ERRNO";
  napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &code);
  napi_create_error(env, code, m, &e);
  napi_value errno_v;
  napi_create_int32(env, err, &errno_v);
  napi_set_named_property(env, e, "errno", errno_v);
  napi_throw(env, e);
  return NULL;
}

static int arg_int(napi_env env, napi_value v, int32_t *out) {
  return napi_get_value_int32(env, v, out) == napi_ok;
}

static napi_value tun_open(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  char name[IFNAMSIZ + 1] = {0};
  size_t len = 0;
  if (argc < 1 || napi_get_value_string_utf8(env, argv[0], name, sizeof name, &len) != napi_ok || len == 0 || len >= IFNAMSIZ) {
    napi_throw_type_error(env, "EINVAL", "tunOpen: name must be 1 to 15 characters");
    return NULL;
  }
  int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return throw_errno(env, errno, "open /dev/net/tun");
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
  memcpy(ifr.ifr_name, name, len);
  if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
    int e = errno;
    close(fd);
    return throw_errno(env, e, "TUNSETIFF");
  }
  napi_value obj, vfd, vname;
  napi_create_object(env, &obj);
  napi_create_int32(env, fd, &vfd);
  napi_create_string_utf8(env, ifr.ifr_name, strnlen(ifr.ifr_name, IFNAMSIZ), &vname);
  napi_set_named_property(env, obj, "fd", vfd);
  napi_set_named_property(env, obj, "name", vname);
  return obj;
}

static napi_value tun_set_persist(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t fd;
  bool on = true;
  if (argc < 1 || !arg_int(env, argv[0], &fd)) {
    napi_throw_type_error(env, "EINVAL", "tunSetPersist(fd, on)");
    return NULL;
  }
  if (argc > 1) napi_get_value_bool(env, argv[1], &on);
  if (ioctl(fd, TUNSETPERSIST, on ? 1 : 0) < 0) return throw_errno(env, errno, "TUNSETPERSIST");
  return NULL;
}

static napi_value close_fd(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t fd;
  if (argc < 1 || !arg_int(env, argv[0], &fd)) {
    napi_throw_type_error(env, "EINVAL", "close(fd)");
    return NULL;
  }
  if (close(fd) < 0) return throw_errno(env, errno, "close");
  return NULL;
}

static int get_u32_array(napi_env env, napi_value v, uint32_t **data, size_t *len) {
  napi_typedarray_type t;
  void *d;
  size_t l;
  if (napi_get_typedarray_info(env, v, &t, &l, &d, NULL, NULL) != napi_ok || t != napi_uint32_array) return 0;
  *data = d;
  *len = l;
  return 1;
}

static napi_value read_batch(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t fd;
  uint8_t *buf;
  size_t cap;
  uint32_t *offs, *lens;
  size_t no, nl;
  if (argc < 4 || !arg_int(env, argv[0], &fd) || napi_get_buffer_info(env, argv[1], (void **)&buf, &cap) != napi_ok ||
      !get_u32_array(env, argv[2], &offs, &no) || !get_u32_array(env, argv[3], &lens, &nl)) {
    napi_throw_type_error(env, "EINVAL", "readBatch(fd, buffer, Uint32Array offsets, Uint32Array lengths)");
    return NULL;
  }
  size_t max = no < nl ? no : nl, n = 0, used = 0;
  while (n < max && cap - used >= MAX_PKT) {
    ssize_t r = read(fd, buf + used, MAX_PKT);
    if (r < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      if (n > 0) break;
      return throw_errno(env, errno, "read");
    }
    if (r == 0) break;
    offs[n] = (uint32_t)used;
    lens[n] = (uint32_t)r;
    n++;
    used += ((size_t)r + 7) & ~(size_t)7;
  }
  napi_value res;
  napi_create_uint32(env, (uint32_t)n, &res);
  return res;
}

typedef struct {
  uv_poll_t poll;
  napi_env env;
  napi_ref cb;
  int closing;
} poll_ctx;

static void on_poll_closed(uv_handle_t *h) {
  poll_ctx *c = (poll_ctx *)h->data;
  free(c);
}

static void on_poll(uv_poll_t *h, int status, int events) {
  poll_ctx *c = (poll_ctx *)h->data;
  if (c->closing) return;
  napi_handle_scope scope;
  napi_open_handle_scope(c->env, &scope);
  napi_value cb, global, st;
  napi_get_reference_value(c->env, c->cb, &cb);
  napi_get_global(c->env, &global);
  napi_create_int32(c->env, status, &st);
  napi_value res;
  if (napi_call_function(c->env, global, cb, 1, &st, &res) != napi_ok) {
    bool pending = false;
    napi_is_exception_pending(c->env, &pending);
    if (pending) {
      napi_value ex;
      napi_get_and_clear_last_exception(c->env, &ex);
      napi_fatal_exception(c->env, ex);
    }
  }
  napi_close_handle_scope(c->env, scope);
}

static void poll_finalize(napi_env env, void *data, void *hint) {
  /* the JS handle object went away; the poll itself is stopped by pollStop */
}

static napi_value poll_start(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t fd;
  napi_valuetype t;
  if (argc < 2 || !arg_int(env, argv[0], &fd) || napi_typeof(env, argv[1], &t) != napi_ok || t != napi_function) {
    napi_throw_type_error(env, "EINVAL", "pollStart(fd, callback)");
    return NULL;
  }
  uv_loop_t *loop;
  napi_get_uv_event_loop(env, &loop);
  poll_ctx *c = calloc(1, sizeof *c);
  c->env = env;
  int r = uv_poll_init(loop, &c->poll, fd);
  if (r < 0) {
    free(c);
    return throw_errno(env, -r, "uv_poll_init");
  }
  c->poll.data = c;
  napi_create_reference(env, argv[1], 1, &c->cb);
  r = uv_poll_start(&c->poll, UV_READABLE, on_poll);
  if (r < 0) {
    napi_delete_reference(env, c->cb);
    uv_close((uv_handle_t *)&c->poll, on_poll_closed);
    return throw_errno(env, -r, "uv_poll_start");
  }
  napi_value ext;
  napi_create_external(env, c, poll_finalize, NULL, &ext);
  return ext;
}

static napi_value poll_stop(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  poll_ctx *c;
  if (argc < 1 || napi_get_value_external(env, argv[0], (void **)&c) != napi_ok || !c) {
    napi_throw_type_error(env, "EINVAL", "pollStop(handle)");
    return NULL;
  }
  if (c->closing) return NULL;
  c->closing = 1;
  uv_poll_stop(&c->poll);
  napi_delete_reference(env, c->cb);
  uv_close((uv_handle_t *)&c->poll, on_poll_closed);
  return NULL;
}

static napi_value raw_open(napi_env env, napi_callback_info info) {
  int fd = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_RAW);
  if (fd < 0) return throw_errno(env, errno, "socket(AF_INET, SOCK_RAW, IPPROTO_RAW)");
  int one = 1;
  setsockopt(fd, IPPROTO_IP, IP_HDRINCL, &one, sizeof one);
  int sz = 4 << 20;
  setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof sz);
  napi_value v;
  napi_create_int32(env, fd, &v);
  return v;
}

#define SEND_MAX 256
static napi_value send_batch(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t fd, count;
  uint8_t *buf;
  size_t cap;
  uint32_t *offs, *lens, *dsts;
  size_t no, nl, nd;
  if (argc < 6 || !arg_int(env, argv[0], &fd) || napi_get_buffer_info(env, argv[1], (void **)&buf, &cap) != napi_ok ||
      !get_u32_array(env, argv[2], &offs, &no) || !get_u32_array(env, argv[3], &lens, &nl) || !get_u32_array(env, argv[4], &dsts, &nd) ||
      !arg_int(env, argv[5], &count) || count < 0 || (size_t)count > no || (size_t)count > nl || (size_t)count > nd) {
    napi_throw_type_error(env, "EINVAL", "sendBatch(fd, buffer, offsets, lengths, destinations, count)");
    return NULL;
  }
  struct mmsghdr msgs[SEND_MAX];
  struct iovec iov[SEND_MAX];
  struct sockaddr_in sa[SEND_MAX];
  int done = 0;    /* packets handled: sent, or skipped after a per-packet error */
  int sent_ok = 0; /* packets the kernel took */
  while (done < count) {
    int k = count - done;
    if (k > SEND_MAX) k = SEND_MAX;
    for (int i = 0; i < k; i++) {
      int j = done + i;
      if ((size_t)offs[j] + lens[j] > cap) {
        napi_throw_range_error(env, "EINVAL", "sendBatch: packet outside the buffer");
        return NULL;
      }
      iov[i].iov_base = buf + offs[j];
      iov[i].iov_len = lens[j];
      memset(&sa[i], 0, sizeof sa[i]);
      sa[i].sin_family = AF_INET;
      sa[i].sin_addr.s_addr = htonl(dsts[j]);
      memset(&msgs[i], 0, sizeof msgs[i]);
      msgs[i].msg_hdr.msg_name = &sa[i];
      msgs[i].msg_hdr.msg_namelen = sizeof sa[i];
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
    }
    int r = sendmmsg(fd, msgs, k, 0);
    if (r < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS) break;
      /* a per-packet error (no route, message too long): skip that packet, not counted as sent */
      done++;
      continue;
    }
    done += r;
    sent_ok += r;
    if (r < k) {
      /* the next packet failed; skip it so one bad packet cannot stall the batch */
      done++;
    }
  }
  napi_value res;
  napi_create_int32(env, sent_ok, &res);
  return res;
}

/* The fd of this process's netlink socket bound to port, or -1. */
static int netlink_fd_by_port(uint32_t port) {
  int found = -1;
  DIR *d = opendir("/proc/self/fd");
  if (!d) return -1;
  struct dirent *de;
  while ((de = readdir(d))) {
    if (de->d_name[0] < '0' || de->d_name[0] > '9') continue;
    int fd = atoi(de->d_name);
    struct sockaddr_nl nl;
    socklen_t len = sizeof nl;
    memset(&nl, 0, sizeof nl);
    if (getsockname(fd, (struct sockaddr *)&nl, &len) == 0 && nl.nl_family == AF_NETLINK && nl.nl_pid == port) {
      found = fd;
      break;
    }
  }
  closedir(d);
  return found;
}

static napi_value netlink_quiet_watch(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  uint32_t port, own;
  if (argc < 2 || napi_get_value_uint32(env, argv[0], &port) != napi_ok || napi_get_value_uint32(env, argv[1], &own) != napi_ok) {
    napi_throw_type_error(env, "EINVAL", "netlinkQuietWatch(port, ownPort)");
    return NULL;
  }
  int fd = netlink_fd_by_port(port);
  bool ok = false;
  if (fd >= 0) {
    int one = 1;
    ok = setsockopt(fd, SOL_NETLINK, NETLINK_NO_ENOBUFS, &one, sizeof one) == 0;
    /* nlmsg_pid is at offset 12, host order (little-endian here); BPF loads big-endian */
    uint32_t be = __builtin_bswap32(own);
    struct sock_filter code[] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 12),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, be, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, 0),
      BPF_STMT(BPF_RET | BPF_K, 0xffffffff),
    };
    struct sock_fprog prog = { .len = sizeof code / sizeof code[0], .filter = code };
    ok = ok && setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog) == 0;
  }
  napi_value res;
  napi_get_boolean(env, ok, &res);
  return res;
}

static napi_value netlink_no_enobufs(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  uint32_t port;
  if (argc < 1 || napi_get_value_uint32(env, argv[0], &port) != napi_ok) {
    napi_throw_type_error(env, "EINVAL", "netlinkNoEnobufs(port)");
    return NULL;
  }
  int fd = netlink_fd_by_port(port);
  int one = 1;
  bool ok = fd >= 0 && setsockopt(fd, SOL_NETLINK, NETLINK_NO_ENOBUFS, &one, sizeof one) == 0;
  napi_value res;
  napi_get_boolean(env, ok, &res);
  return res;
}

static napi_value netlink_ext_ack(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  uint32_t port;
  if (argc < 1 || napi_get_value_uint32(env, argv[0], &port) != napi_ok) {
    napi_throw_type_error(env, "EINVAL", "netlinkExtAck(port)");
    return NULL;
  }
  bool found = false;
  DIR *d = opendir("/proc/self/fd");
  if (d) {
    struct dirent *de;
    while ((de = readdir(d))) {
      int fd = atoi(de->d_name);
      if (fd <= 2 && de->d_name[0] != '0') continue;
      struct sockaddr_nl nl;
      socklen_t len = sizeof nl;
      memset(&nl, 0, sizeof nl);
      if (getsockname(fd, (struct sockaddr *)&nl, &len) == 0 && nl.nl_family == AF_NETLINK && nl.nl_pid == port) {
        int one = 1;
        setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof one);
        found = true;
        break;
      }
    }
    closedir(d);
  }
  napi_value res;
  napi_get_boolean(env, found, &res);
  return res;
}

static napi_value flock_exclusive(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t fd;
  if (argc < 1 || !arg_int(env, argv[0], &fd)) return throw_errno(env, EINVAL, "flockExclusive(fd)");
  int r;
  do r = flock(fd, LOCK_EX | LOCK_NB);
  while (r < 0 && errno == EINTR);
  if (r < 0 && errno != EWOULDBLOCK) return throw_errno(env, errno, "flock");
  napi_value res;
  napi_get_boolean(env, r == 0, &res);
  return res;
}

/* native/background_threads.cc */
napi_value idle_background_threads(napi_env env, napi_callback_info info);

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
    {"tunOpen", NULL, tun_open, NULL, NULL, NULL, napi_enumerable, NULL},
    {"tunSetPersist", NULL, tun_set_persist, NULL, NULL, NULL, napi_enumerable, NULL},
    {"close", NULL, close_fd, NULL, NULL, NULL, napi_enumerable, NULL},
    {"readBatch", NULL, read_batch, NULL, NULL, NULL, napi_enumerable, NULL},
    {"pollStart", NULL, poll_start, NULL, NULL, NULL, napi_enumerable, NULL},
    {"pollStop", NULL, poll_stop, NULL, NULL, NULL, napi_enumerable, NULL},
    {"rawOpen", NULL, raw_open, NULL, NULL, NULL, napi_enumerable, NULL},
    {"sendBatch", NULL, send_batch, NULL, NULL, NULL, napi_enumerable, NULL},
    {"netlinkExtAck", NULL, netlink_ext_ack, NULL, NULL, NULL, napi_enumerable, NULL},
    {"netlinkQuietWatch", NULL, netlink_quiet_watch, NULL, NULL, NULL, napi_enumerable, NULL},
    {"netlinkNoEnobufs", NULL, netlink_no_enobufs, NULL, NULL, NULL, napi_enumerable, NULL},
    {"idleBackgroundThreads", NULL, idle_background_threads, NULL, NULL, NULL, napi_enumerable, NULL},
    {"flockExclusive", NULL, flock_exclusive, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
