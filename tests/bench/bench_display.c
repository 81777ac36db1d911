/* bench_display.c — the customer display's latency: a publish on the UI
 * thread's side (display_publish) to its event arriving at an SSE client
 * over loopback, SAMPLES times, first with that client alone, then with
 * OTHERS more streams connected and reading too (a drain thread); and
 * what one display_publish costs the UI thread meanwhile. A view of 12
 * lines, as a busy basket. Prints "name value" lines.
 * usage: bench_display SAMPLES OTHERS */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "app/display.h"

#define TOKEN "bench-token-0123456789"
#define OTHERS_MAX 64
#define LINES_N 12

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* An event stream over a plain socket (HTTP/1.0: no chunks). */
static int stream_open(int port)
{
	char req[160];
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) != 0)
		return -1;
	int n = snprintf(req, sizeof req, "GET /display/events?token=%s HTTP/1.0\r\n\r\n", TOKEN);
	if (send(fd, req, (size_t)n, MSG_NOSIGNAL) != n) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Reads fd until the event of seq has come whole. */
static bool wait_event(int fd, unsigned long long seq)
{
	static char buf[1 << 20];
	static size_t len;
	char want[48];
	snprintf(want, sizeof want, "\nid: %llu\n", seq);
	for (;;) {
		char *at = len ? memmem(buf, len, want, strlen(want)) : NULL;
		char *end = at ? memmem(at, len - (size_t)(at - buf), "\n\n", 2) : NULL;
		if (end) {
			size_t used = (size_t)(end + 2 - buf);
			memmove(buf, end + 2, len - used);
			len -= used;
			return true;
		}
		if (len == sizeof buf)
			len = 0; /* older events: not wanted */
		struct pollfd p = {.fd = fd, .events = POLLIN};
		if (poll(&p, 1, 10000) <= 0)
			return false;
		ssize_t n = recv(fd, buf + len, sizeof buf - len, 0);
		if (n <= 0)
			return false;
		len += (size_t)n;
	}
}

/* The other streams, read and thrown away, as tablets do. */
static struct {
	int fd[OTHERS_MAX];
	int n;
	volatile int stop;
} others;

static void *drain(void *arg)
{
	static char sink[65536];
	(void)arg;
	while (!others.stop) {
		struct pollfd p[OTHERS_MAX];
		for (int i = 0; i < others.n; i++)
			p[i] = (struct pollfd){.fd = others.fd[i], .events = POLLIN};
		if (poll(p, (nfds_t)others.n, 100) <= 0)
			continue;
		for (int i = 0; i < others.n; i++)
			if (p[i].revents & POLLIN)
				(void)!recv(p[i].fd, sink, sizeof sink, 0);
	}
	return NULL;
}

/* SAMPLES publishes, each waited for on fd: the arrival times, and what
 * each publish call took. */
static bool run(struct display *d, struct display_view *v, int fd, int samples, double *arrive,
                double *publish)
{
	for (int i = 0; i < samples; i++) {
		v->total += 100;
		double t0 = now_ms();
		display_publish(d, v);
		double t1 = now_ms();
		if (!wait_event(fd, (unsigned long long)display_seq(d)))
			return false;
		arrive[i] = now_ms() - t0;
		publish[i] = t1 - t0;
	}
	return true;
}

static void report(const char *name, double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	int p99 = (int)(n * 0.99) - 1;
	printf("%s_median_ms %.4f\n%s_p99_ms %.4f\n%s_max_ms %.4f\n", name, v[(n - 1) / 2], name,
	       v[p99 < 0 ? 0 : p99], name, v[n - 1]);
}

int main(int argc, char **argv)
{
	static struct kp_config cfg;
	static struct display_line lines[LINES_N];
	struct display *d;
	char err[256];
	if (argc != 3) {
		fprintf(stderr, "usage: bench_display SAMPLES OTHERS\n");
		return 2;
	}
	int samples = atoi(argv[1]);
	others.n = atoi(argv[2]);
	if (samples < 1 || others.n < 0 || others.n > OTHERS_MAX) {
		fprintf(stderr, "bench_display: SAMPLES at least 1, OTHERS 0 to %d\n", OTHERS_MAX);
		return 2;
	}
	config_init(&cfg);
	snprintf(cfg.display.listen, sizeof cfg.display.listen, "127.0.0.1:0");
	snprintf(cfg.display.token, sizeof cfg.display.token, "%s", TOKEN);
	snprintf(cfg.store.name, sizeof cfg.store.name, "Магазин «Береке»");
	if (!display_start(&cfg, NULL, &d, err, sizeof err) || !d) {
		fprintf(stderr, "bench_display: %s\n", err);
		return 1;
	}
	int port = atoi(strrchr(display_url(d), ':') + 1);
	for (int i = 0; i < LINES_N; i++) {
		snprintf(lines[i].name_ru, KP_NAME_SIZE, "Товар номер %d, 1 кг", i + 1);
		snprintf(lines[i].name_kk, KP_NAME_SIZE, "Тауар нөмірі %d, 1 кг", i + 1);
		snprintf(lines[i].unit, BASKET_UNIT_SIZE, "шт");
		lines[i].qty = 1 + i % 3;
		lines[i].price = 54900 + i * 100;
		lines[i].sum = lines[i].qty * lines[i].price;
	}
	struct display_view v = {.screen = DISPLAY_BASKET, .lines = lines, .n_lines = LINES_N, .items = 24};
	double *arrive = calloc((size_t)samples, sizeof *arrive);
	double *publish = calloc((size_t)samples, sizeof *publish);
	int fd = stream_open(port);
	if (!arrive || !publish || fd < 0 || !wait_event(fd, (unsigned long long)display_seq(d)) ||
	    !run(d, &v, fd, samples, arrive, publish)) {
		fprintf(stderr, "bench_display: the stream failed\n");
		return 1;
	}
	printf("samples %d\n", samples);
	report("alone_event", arrive, samples);
	report("alone_publish", publish, samples);

	pthread_t th;
	for (int i = 0; i < others.n; i++)
		if ((others.fd[i] = stream_open(port)) < 0) {
			fprintf(stderr, "bench_display: stream %d did not open\n", i);
			return 1;
		}
	pthread_create(&th, NULL, drain, NULL);
	if (!run(d, &v, fd, samples, arrive, publish)) {
		fprintf(stderr, "bench_display: the stream failed with others\n");
		return 1;
	}
	others.stop = 1;
	pthread_join(th, NULL);
	printf("others %d\n", others.n);
	report("crowd_event", arrive, samples);
	report("crowd_publish", publish, samples);
	for (int i = 0; i < others.n; i++)
		close(others.fd[i]);
	close(fd);
	display_stop(d);
	free(arrive);
	free(publish);
	return 0;
}
