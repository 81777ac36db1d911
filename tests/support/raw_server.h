/* raw_server.h — a tiny HTTP/1.1 responder on a loopback port for tests
 * that must see the client's exact request bytes or feed it answers no
 * real server would send (over-long bodies, lying Content-Length, no
 * HTTP at all). It serves one connection at a time from its own thread,
 * keeps the last request, and answers every request with the same bytes. */
#ifndef KP_TESTS_RAW_SERVER_H
#define KP_TESTS_RAW_SERVER_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#define RAW_REQUEST_MAX 65536

/* How the responder behaves (flags of raw_server_start). */
enum {
	RAW_KEEP_ALIVE = 0,      /* answer each request, keep the connection */
	RAW_CLOSE_AFTER = 1,     /* close the connection after each answer */
	RAW_ANSWER_FIRST = 2     /* send the answer on accept, read nothing, close
	                            (what a client speaking TLS to plain TCP meets) */
};

typedef struct raw_server {
	int listen_fd;               /* bound to 127.0.0.1:port */
	int stop_pipe[2];            /* a byte here ends the thread */
	int port;
	pthread_t thread;
	pthread_mutex_t lock;        /* guards the fields below */
	const char *answer;          /* bytes sent for each request (not copied) */
	size_t answer_len;
	int flags;                   /* RAW_* */
	char request[RAW_REQUEST_MAX + 1]; /* the last request: head and body, NUL-terminated */
	size_t request_len;
	int requests;                /* requests read so far */
	int connections;             /* connections accepted so far */
} raw_server;

/* Starts listening on a free loopback port; `answer` must outlive the server. */
bool raw_server_start(raw_server *s, const char *answer, size_t answer_len, int flags);
/* Stops the thread and closes everything. */
void raw_server_stop(raw_server *s);
/* Copies the last request into buf (NUL-terminated); returns its length. */
size_t raw_server_request(raw_server *s, char *buf, size_t size);

#endif
