// Many SSE subscribers on one thread, in C: the tick bench's light client (bench/okx/native.ts).
//
// Compiled at run time by Bun's built-in TinyCC (bun:ffi cc), so it needs no compiler and no
// libc headers on the machine: the few libc functions and structs it uses are declared here
// (x86-64 / aarch64 Linux layouts). One epoll loop reads every socket as soon as it is
// readable, stamps the read (CLOCK_MONOTONIC) before looking at the bytes, undoes HTTP chunked
// framing and finds each ticker event's instrument and ts {ex, rx, pub}. A read costs a
// syscall and a scan: the 100th client of a fan-out is not read later because the 99 before
// it went through a JavaScript socket callback each (what the JS client costs, ~3.5 µs each).

typedef unsigned long size_t;
typedef long ssize_t;
struct timespec_ { long tv_sec; long tv_nsec; };
extern int socket(int, int, int);
extern int connect(int, const void *, unsigned int);
extern int setsockopt(int, int, int, const void *, unsigned int);
extern ssize_t write(int, const void *, size_t);
extern ssize_t read(int, void *, size_t);
extern int close(int);
extern int fcntl(int, int, ...);
extern int epoll_create1(int);
extern int epoll_ctl(int, int, int, void *);
extern int epoll_wait(int, void *, int, int);
extern int clock_gettime(int, struct timespec_ *);
extern void *memmem(const void *, size_t, const void *, size_t);
extern void *memchr(const void *, int, size_t);
extern void *memmove(void *, const void *, size_t);
extern void *memcpy(void *, const void *, size_t);
extern int memcmp(const void *, const void *, size_t);
extern void *calloc(size_t, size_t);
extern void free(void *);
extern int *__errno_location(void);

#define BUF 262144
#define MAXC 4096

enum { HEAD, SIZE, DATA, TAIL, END };

typedef struct {
  int fd;
  int state;
  long remaining; // bytes left in the current chunk (DATA) or CRLF bytes to skip (TAIL)
  int inLen; // raw bytes kept: the head being read, or a cut chunk-size line
  int payLen; // de-chunked SSE text not yet split into events
  char in[4096];
  char pay[BUF];
} Conn;

static Conn *conns[MAXC];
static int nconns = 0;

double tw_now(void) {
  struct timespec_ t;
  clock_gettime(1 /* CLOCK_MONOTONIC */, &t);
  return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/** Connects to 127.0.0.1:port, sends the request; returns the connection's index or -errno. */
int tw_open(int port, const char *req, int reqLen) {
  if (nconns >= MAXC) return -24;
  int fd = socket(2 /* AF_INET */, 1 /* SOCK_STREAM */, 0);
  if (fd < 0) return -*__errno_location();
  unsigned char sa[16] = {0};
  sa[0] = 2; // sin_family (little-endian u16)
  sa[2] = (unsigned char)(port >> 8);
  sa[3] = (unsigned char)(port & 255);
  sa[4] = 127;
  sa[7] = 1;
  if (connect(fd, sa, 16) != 0) {
    int e = *__errno_location();
    close(fd);
    return -e;
  }
  int one = 1;
  setsockopt(fd, 6 /* IPPROTO_TCP */, 1 /* TCP_NODELAY */, &one, 4);
  int off = 0;
  while (off < reqLen) {
    ssize_t w = write(fd, req + off, (size_t)(reqLen - off));
    if (w <= 0) {
      int e = *__errno_location();
      close(fd);
      return -e;
    }
    off += (int)w;
  }
  fcntl(fd, 4 /* F_SETFL */, fcntl(fd, 3 /* F_GETFL */) | 04000 /* O_NONBLOCK */);
  Conn *c = (Conn *)calloc(1, sizeof(Conn));
  if (c == 0) {
    close(fd);
    return -12;
  }
  c->fd = fd;
  c->state = HEAD;
  conns[nconns] = c;
  return nconns++;
}

static double num(const char *p, const char *end) {
  double v = 0, scale = 0;
  int neg = 0;
  if (p < end && *p == '-') {
    neg = 1;
    p++;
  }
  for (; p < end; p++) {
    char ch = *p;
    if (ch >= '0' && ch <= '9') {
      if (scale == 0) v = v * 10 + (ch - '0');
      else {
        v += (ch - '0') / scale;
        scale *= 10;
      }
    } else if (ch == '.' && scale == 0) scale = 10;
    else break;
  }
  return neg ? -v : v;
}

static double field(const char *s, const char *end, const char *key, int keyLen) {
  const char *p = (const char *)memmem(s, (size_t)(end - s), key, (size_t)keyLen);
  return p == 0 ? -1 : num(p + keyLen, end);
}

// out: per ticker delivery 5 doubles: instrument index, ex, rx, pub, read time (monotonic ms).
static double *out;
static int outCap, outLen;
#define MAXN 1024
static const char *nameAt[MAXN]; // the instrument ids (split once, in tw_run)
static int nameLen[MAXN], nnames;
static int *stats; // [0] ready, [1] reads, [2] bytes, [3] events, [4] tickers, [5] unknown instrument, [6] closed, [7] bad head, [8] records dropped (full)

static const char NEEDLE[] = "\"channel\":\"tickers:";

static void event(const char *s, const char *e, double at) {
  stats[3]++;
  const char *k = (const char *)memmem(s, (size_t)(e - s), NEEDLE, sizeof(NEEDLE) - 1);
  if (k == 0) return;
  stats[4]++;
  const char *id = k + sizeof(NEEDLE) - 1;
  const char *q = (const char *)memchr(id, '"', (size_t)(e - id));
  if (q == 0) return;
  const char *close_ = (const char *)memchr(q, '}', (size_t)(e - q)); // end of "ts":{"ex":..,"rx":..,"pub":..}
  if (close_ == 0) return;
  int len = (int)(q - id), idx = -1;
  for (int i = 0; i < nnames; i++)
    if (nameLen[i] == len && memcmp(nameAt[i], id, (size_t)len) == 0) {
      idx = i;
      break;
    }
  if (idx < 0) {
    stats[5]++;
    return;
  }
  if (outLen >= outCap) {
    stats[8]++;
    return;
  }
  double *r = out + (size_t)outLen * 5;
  r[0] = idx;
  r[1] = field(k, close_, "\"ex\":", 5);
  r[2] = field(k, close_, "\"rx\":", 5);
  r[3] = field(k, close_, "\"pub\":", 6);
  r[4] = at;
  outLen++;
}

/** Splits the de-chunked text into SSE events (blank-line ended); keeps a cut one. */
static void events(Conn *c, double at) {
  char *s = c->pay, *end = c->pay + c->payLen, *p = s;
  for (;;) {
    char *b = (char *)memmem(p, (size_t)(end - p), "\n\n", 2);
    if (b == 0) break;
    event(p, b, at);
    p = b + 2;
  }
  c->payLen = (int)(end - p);
  if (p != s && c->payLen > 0) memmove(s, p, (size_t)c->payLen);
}

static void feed(Conn *c, const char *d, int n, double at) {
  int i = 0;
  while (i < n) {
    if (c->state == HEAD || c->state == SIZE) {
      int room = (int)sizeof(c->in) - c->inLen, take = n - i < room ? n - i : room;
      if (take <= 0) {
        stats[7]++;
        c->state = END;
        return;
      }
      memcpy(c->in + c->inLen, d + i, (size_t)take);
      const char *mark = c->state == HEAD ? "\r\n\r\n" : "\r\n";
      int ml = c->state == HEAD ? 4 : 2;
      char *m = (char *)memmem(c->in, (size_t)(c->inLen + take), mark, (size_t)ml);
      if (m == 0) {
        c->inLen += take;
        i += take;
        continue;
      }
      int used = (int)(m - c->in) + ml - c->inLen; // bytes of d this line took
      i += used;
      if (c->state == HEAD) {
        if (c->inLen + used < 12 || memcmp(c->in + 9, "200", 3) != 0 || memmem(c->in, (size_t)(m - c->in), "chunked", 7) == 0) {
          stats[7]++;
          c->state = END;
          return;
        }
        stats[0]++;
        c->state = SIZE;
      } else {
        long size = 0;
        for (char *h = c->in; h < m; h++) {
          char ch = *h;
          int v = ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10 : -1;
          if (v < 0) break;
          size = size * 16 + v;
        }
        if (size == 0) {
          c->state = END;
          return;
        }
        c->state = DATA;
        c->remaining = size;
      }
      c->inLen = 0;
    } else if (c->state == DATA) {
      long take = n - i < c->remaining ? n - i : c->remaining;
      if (take > BUF - c->payLen) take = BUF - c->payLen;
      if (take <= 0) { // one event larger than the buffer: drop what is kept
        c->payLen = 0;
        continue;
      }
      memcpy(c->pay + c->payLen, d + i, (size_t)take);
      c->payLen += (int)take;
      i += (int)take;
      c->remaining -= take;
      if (c->remaining == 0) {
        c->state = TAIL;
        c->remaining = 2;
      }
    } else if (c->state == TAIL) {
      long take = n - i < c->remaining ? n - i : c->remaining;
      i += (int)take;
      c->remaining -= take;
      if (c->remaining == 0) c->state = SIZE;
    } else return;
  }
  events(c, at);
}

/**
 * Reads every connection opened so far until *stop is non-zero (checked at least every 5 ms).
 * Records go to outBuf (5 doubles each, at most cap); returns how many.
 */
int tw_run(volatile int *stop, double *outBuf, int cap, const char *ids, int idsLen, int *statBuf) {
  out = outBuf;
  outCap = cap;
  outLen = 0;
  nnames = 0; // ids: each followed by '\n'
  for (const char *n = ids; n < ids + idsLen && nnames < MAXN;) {
    const char *nl = (const char *)memchr(n, '\n', (size_t)(ids + idsLen - n));
    if (nl == 0) break;
    nameAt[nnames] = n;
    nameLen[nnames++] = (int)(nl - n);
    n = nl + 1;
  }
  stats = statBuf;
  int ep = epoll_create1(0);
  if (ep < 0) return -*__errno_location();
  unsigned char ev[12];
  for (int i = 0; i < nconns; i++) {
    unsigned int in = 1; // EPOLLIN
    unsigned long data = (unsigned long)i;
    memcpy(ev, &in, 4);
    memcpy(ev + 4, &data, 8);
    epoll_ctl(ep, 1 /* EPOLL_CTL_ADD */, conns[i]->fd, ev);
  }
  unsigned char evs[12 * 256];
  static char rbuf[65536];
  while (*stop == 0) {
    int n = epoll_wait(ep, evs, 256, 5);
    for (int k = 0; k < n; k++) {
      unsigned long data;
      memcpy(&data, evs + k * 12 + 4, 8);
      Conn *c = conns[data];
      for (;;) {
        ssize_t r = read(c->fd, rbuf, sizeof(rbuf));
        double at = tw_now();
        if (r > 0) {
          stats[1]++;
          stats[2] += (int)r;
          feed(c, rbuf, (int)r, at);
          if (r < (ssize_t)sizeof(rbuf)) break;
          continue;
        }
        if (r == 0 || *__errno_location() != 11 /* EAGAIN */) {
          stats[6]++;
          epoll_ctl(ep, 2 /* EPOLL_CTL_DEL */, c->fd, ev);
        }
        break;
      }
    }
  }
  close(ep);
  return outLen;
}

/** Closes and forgets every connection. */
void tw_close_all(void) {
  for (int i = 0; i < nconns; i++) {
    close(conns[i]->fd);
    free(conns[i]);
    conns[i] = 0;
  }
  nconns = 0;
}
