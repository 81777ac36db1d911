/* owner.h — the owner's read-only page: today's sales per store and
 * till, refreshed by server-sent events (the hub's push streams under a
 * key no till can have, OWNER_STREAM), pending receipts and unfinished
 * orders in red. Routes, each with the owner's token (kaspi-hub owner
 * add) as ?token= (a browser's EventSource sends no header):
 *   GET /owner          the page (owner_page.c; it reads GET /api/v1/report
 *                       with the token as its bearer)
 *   GET /owner/events   "ready" at once, then "changed" after every batch
 *                       the hub stores, a keep-alive every 15 s */
#ifndef KP_HUB_OWNER_H
#define KP_HUB_OWNER_H

#define OWNER_STREAM "*owner" /* tills' ids are letters, digits, - and _ */

extern const char owner_page_html[];

#endif
