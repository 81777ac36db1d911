/* hubfetch.c — the hub's catalog and users taken by the till (hubfetch.h). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "app/hubfetch.h"
#include "app/i18n.h"
#include "app/pin.h"
#include "store/catalog.h"

#define HUBFETCH_CATALOG_PATH "/api/v1/catalog"
#define HUBFETCH_USERS_PATH "/api/v1/users"
#define HUBFETCH_USERS_MAX 10000

struct hubfetch {
	http_client *http;
	int64_t refused[2];        /* per kind: a version the till's rules refused, not asked again */
	bool away;                 /* this pass: no answer came at all */
};

bool hubfetch_open(const struct kp_config *cfg, hubfetch **out, char *why, size_t why_size)
{
	*out = NULL;
	hubfetch *f = calloc(1, sizeof *f);
	if (!f) {
		snprintf(why, why_size, "%s", _("out of memory"));
		return false;
	}
	if (!ship_client_new(cfg, &f->http, why, why_size)) {
		free(f);
		return false;
	}
	*out = f;
	return true;
}

void hubfetch_close(hubfetch *f)
{
	if (!f)
		return;
	http_client_free(f->http);
	free(f);
}

/* A whole number member of o, or -1. */
static int64_t hubfetch_int(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
	if (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble > 9e15 ||
	    v->valuedouble != (double)(int64_t)v->valuedouble)
		return -1;
	return (int64_t)v->valuedouble;
}

/* GET path?since=since. DONE with *o (the 200's JSON, the caller's to
 * delete) or NULL for a 304; else the outcome with why in k. */
static enum ship_outcome hubfetch_get(hubfetch *f, const char *path, int64_t since, cJSON **o,
                                      struct hubfetch_kind *k)
{
	char url[128];
	http_response r;
	*o = NULL;
	snprintf(url, sizeof url, "%s?since=%" PRId64, path, since);
	http_err e = http_request(f->http, HTTP_GET, url, NULL, NULL, 0, &r);
	if (e != HTTP_DONE) {
		f->away = true;
		snprintf(k->why, sizeof k->why, "%s",
		         e == HTTP_E_TLS      ? _("the hub's certificate is not trusted (see [hub] ca_file): the till keeps its catalog and users")
		         : e == HTTP_E_CONNECT ? _("the hub cannot be reached: the till keeps its catalog and users")
		                               : _("the hub's answer did not come: the till keeps its catalog and users"));
		return SHIP_RETRY;
	}
	if (r.status == 304)
		return SHIP_DONE;
	if (r.status == 200 && (*o = cJSON_ParseWithLength(r.body, r.body_len)) != NULL &&
	    hubfetch_int(*o, "version") >= 1)
		return SHIP_DONE;
	cJSON_Delete(*o);
	*o = NULL;
	if (r.status == 200) {
		snprintf(k->why, sizeof k->why, "%s", _("the hub's answer is not one: nothing taken"));
		return SHIP_RETRY;
	}
	if (r.status == 401) {
		snprintf(k->why, sizeof k->why, "%s",
		         _("the hub does not know this till's token: check [hub] token"));
		return SHIP_REFUSED;
	}
	if (r.status >= 400 && r.status < 500) {
		snprintf(k->why, sizeof k->why,
		         _("the hub refuses the request (HTTP %ld): is [hub] url the hub's address?"),
		         r.status);
		return SHIP_REFUSED;
	}
	snprintf(k->why, sizeof k->why, _("the hub failed (HTTP %ld): the till keeps its catalog and users"),
	         r.status);
	return SHIP_RETRY;
}

/* Whether text's SHA-256 is the hex digest hex. */
static bool hubfetch_sha_is(const char *text, size_t len, const char *hex)
{
	unsigned char md[EVP_MAX_MD_SIZE], want[32];
	unsigned int n = 0;
	size_t got = 0;
	if (!hex || strlen(hex) != 64 ||
	    OPENSSL_hexstr2buf_ex(want, sizeof want, &got, hex, '\0') != 1 || got != sizeof want ||
	    EVP_Digest(text, len, md, &n, EVP_sha256(), NULL) != 1 || n != sizeof want)
		return false;
	return CRYPTO_memcmp(md, want, sizeof want) == 0;
}

/* Takes the catalog answer o (version v). */
static enum ship_outcome hubfetch_catalog_take(hubfetch *f, store_db *db, const cJSON *o,
                                               int64_t v, struct hubfetch_result *out)
{
	struct hubfetch_kind *k = &out->catalog;
	struct catalog_import_stats st;
	store_err err;
	const char *csv = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "csv"));
	const char *sha = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "sha256"));
	if (!csv || !hubfetch_sha_is(csv, strlen(csv), sha)) {
		snprintf(k->why, sizeof k->why,
		         _("the hub's catalog version %lld is damaged (its checksum differs): not taken"),
		         (long long)v);
		return SHIP_RETRY;
	}
	store_status s = catalog_import_version(db, csv, strlen(csv), v, NULL, NULL, &st, &err);
	if (s == STORE_ERR_INPUT) {
		f->refused[0] = v;
		snprintf(k->why, sizeof k->why, _("the hub's catalog version %lld is refused by the till (%s): not taken"),
		         (long long)v, kp_msg_text(&err.msg));
		return SHIP_REFUSED;
	}
	if (s != STORE_OK) {
		snprintf(k->why, sizeof k->why, "%s", kp_msg_text(&err.msg));
		return SHIP_LOCAL;
	}
	k->version = v;
	k->taken = true;
	out->products = st.rows;
	return SHIP_DONE;
}

/* One user of the hub's list into *u; false when it is not one. */
static bool hubfetch_user_read(const cJSON *j, struct hubver_user *u)
{
	const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "name"));
	const char *role = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "role"));
	const char *salt = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "pin_salt"));
	const char *hash = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "pin_hash"));
	int64_t rounds = hubfetch_int(j, "pin_iterations");
	size_t ns = 0, nh = 0;
	memset(u, 0, sizeof *u);
	if (!name || strlen(name) >= sizeof u->name || !users_role_parse(role, &u->role) ||
	    rounds < 1 || rounds > 100000000 || !salt || !hash ||
	    OPENSSL_hexstr2buf_ex(u->pin.salt, sizeof u->pin.salt, &ns, salt, '\0') != 1 ||
	    OPENSSL_hexstr2buf_ex(u->pin.hash, sizeof u->pin.hash, &nh, hash, '\0') != 1 ||
	    ns != USERS_SALT_LEN || nh != USERS_HASH_LEN)
		return false;
	snprintf(u->name, sizeof u->name, "%s", name);
	u->pin.iterations = (int)rounds;
	return true;
}

/* Takes the users answer o (version v). */
static enum ship_outcome hubfetch_users_take(hubfetch *f, store_db *db, const cJSON *o, int64_t v,
                                             struct hubfetch_result *out)
{
	struct hubfetch_kind *k = &out->users;
	const cJSON *list = cJSON_GetObjectItemCaseSensitive(o, "users");
	int n = cJSON_IsArray(list) ? cJSON_GetArraySize(list) : -1;
	struct hubver_user *users = n > 0 && n <= HUBFETCH_USERS_MAX ? calloc((size_t)n, sizeof *users) : NULL;
	enum ship_outcome oc = SHIP_DONE;
	store_err err;
	bool ok = n == 0 || users != NULL;
	int i = 0;
	for (const cJSON *j = ok && n > 0 ? list->child : NULL; ok && j; j = j->next)
		ok = hubfetch_user_read(j, &users[i++]);
	if (!ok) {
		snprintf(k->why, sizeof k->why, "%s", _("the hub's answer is not one: nothing taken"));
		oc = SHIP_RETRY;
	} else {
		store_status s = hubver_users_replace(db, users, n, v, &out->people, &err);
		if (s == STORE_ERR_INPUT) {
			f->refused[1] = v;
			snprintf(k->why, sizeof k->why,
			         _("the hub's users version %lld is refused by the till (%s): not taken"),
			         (long long)v, kp_msg_text(&err.msg));
			oc = SHIP_REFUSED;
		} else if (s != STORE_OK) {
			snprintf(k->why, sizeof k->why, "%s", kp_msg_text(&err.msg));
			oc = SHIP_LOCAL;
		} else {
			k->version = v;
			k->taken = true;
		}
	}
	if (users)
		pin_wipe(users, (size_t)n * sizeof *users);
	free(users);
	return oc;
}

/* One kind: the held version, the hub's answer, the taking. */
static enum ship_outcome hubfetch_kind(hubfetch *f, store_db *db, int kind,
                                       struct hubfetch_result *out)
{
	struct hubfetch_kind *k = kind == 0 ? &out->catalog : &out->users;
	store_err err;
	cJSON *o;
	if (hubver_get(db, kind == 0 ? HUBVER_CATALOG : HUBVER_USERS, &k->version, &err) != STORE_OK) {
		snprintf(k->why, sizeof k->why, "%s", kp_msg_text(&err.msg));
		return k->outcome = SHIP_LOCAL;
	}
	int64_t since = k->version > f->refused[kind] ? k->version : f->refused[kind];
	k->outcome = hubfetch_get(f, kind == 0 ? HUBFETCH_CATALOG_PATH : HUBFETCH_USERS_PATH, since,
	                          &o, k);
	if (k->outcome != SHIP_DONE || !o)
		return k->outcome;
	int64_t v = hubfetch_int(o, "version");
	k->outcome = kind == 0 ? hubfetch_catalog_take(f, db, o, v, out)
	                       : hubfetch_users_take(f, db, o, v, out);
	cJSON_Delete(o);
	http_response_wipe(f->http); /* the users' PIN hashes */
	return k->outcome;
}

enum ship_outcome hubfetch_pass(hubfetch *f, store_db *db, struct hubfetch_result *out)
{
	memset(out, 0, sizeof *out);
	f->away = false;
	enum ship_outcome a = hubfetch_kind(f, db, 0, out);
	if (f->away) { /* no second wait for a hub that is not there */
		out->users = out->catalog;
		out->users.version = 0;
		store_err err;
		if (hubver_get(db, HUBVER_USERS, &out->users.version, &err) != STORE_OK)
			out->users.version = 0;
		return a;
	}
	enum ship_outcome b = hubfetch_kind(f, db, 1, out);
	return a > b ? a : b;
}
