/* ticket.c — the receipt's own data: its TicketUrl, the Cashbox object,
 * and the receipt in printer columns for PrintFormat (receipt.h). Labels
 * are Kazakh and Russian side by side, as on the printed fiscal receipt
 * (FISCAL.md, "What the printed fiscal receipt carries"). */
#include "sandbox/kassa/receipt.h"

#include "core/money.h"
#include "core/timeutil.h"
#include "core/validate.h"
#include "sandbox/kassa/decimal.h"
#include "sandbox/kassa/wk.h"

#include <stdio.h>
#include <string.h>

#define TICKET_LINE_MAX 512  /* bytes of one printed line */

void receipt_ticket_url(const struct receipt *r, const struct cashbox *cb, char *buf, size_t size)
{
	char total[DEC_TEXT_MAX], when[20];
	dec_format_fixed(total, sizeof total, r->total, 2);
	time_t t = (time_t)(r->at_ms / 1000);
	if (kp_almaty_strftime(when, sizeof when, "%Y%m%dT%H%M%S", t) == 0)
		when[0] = '\0';
	snprintf(buf, size, "http://%s?i=%s&f=%s&s=%s&t=%s", cb->ofd_host, r->number, cb->rn, total, when);
}

cJSON *cashbox_json(const struct cashbox *cb)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "UniqueNumber", cb->znk);
	cJSON_AddStringToObject(o, "RegistrationNumber", cb->rn);
	cJSON_AddStringToObject(o, "IdentityNumber", cb->in);
	cJSON_AddStringToObject(o, "Address", cb->address);
	cJSON_AddStringToObject(o, "AddressKz", cb->address_kz);
	cJSON *ofd = cJSON_AddObjectToObject(o, "Ofd");
	cJSON_AddStringToObject(ofd, "Name", cb->ofd_name);
	cJSON_AddStringToObject(ofd, "NameKz", cb->ofd_name_kz);
	cJSON_AddStringToObject(ofd, "Host", cb->ofd_host);
	cJSON_AddNumberToObject(ofd, "Code", cb->ofd_code);
	return o;
}

/* ---- lines in columns -------------------------------------------------- */

/* The Lines array being written. */
struct ticket {
	cJSON *lines;
	int order;        /* the last Order given */
	size_t columns;
};

/* Characters of UTF-8 text (valid: the receipt's strings were checked). */
static size_t chars(const char *s)
{
	long n = kp_utf8_length(s);
	return n > 0 ? (size_t)n : 0;
}

static void emit(struct ticket *t, int type, const char *value)
{
	cJSON *l = cJSON_CreateObject();
	cJSON_AddNumberToObject(l, "Order", ++t->order);
	cJSON_AddNumberToObject(l, "Type", type);
	cJSON_AddStringToObject(l, "Value", value);
	cJSON_AddNumberToObject(l, "Style", 0);
	cJSON_AddItemToArray(t->lines, l);
}

/* text over as many lines as it needs, broken at spaces where it can. */
static void wrap(struct ticket *t, const char *text)
{
	char line[TICKET_LINE_MAX];
	while (*text == ' ')
		text++;
	while (*text) {
		size_t cut = strlen(text);
		if (chars(text) > t->columns) {
			cut = kp_utf8_prefix_len(text, t->columns);  /* bytes of a full line */
			if (text[cut] != ' ') {
				size_t k = cut;
				while (k > 0 && text[k - 1] != ' ')
					k--;
				if (k > 1)
					cut = k - 1;  /* before the last space that fits */
			}
		}
		snprintf(line, sizeof line, "%.*s", (int)cut, text);
		emit(t, 0, line);
		text += cut;
		while (*text == ' ')
			text++;
	}
}

static void center(struct ticket *t, const char *text)
{
	char line[TICKET_LINE_MAX];
	size_t n = chars(text);
	if (n > t->columns) {
		wrap(t, text);
		return;
	}
	snprintf(line, sizeof line, "%*s%s", (int)((t->columns - n) / 2), "", text);
	emit(t, 0, line);
}

/* left, then right at the right edge: on one line when both fit (with a
 * space between), else left wrapped and right on a line of its own. */
static void pair(struct ticket *t, const char *left, const char *right)
{
	char line[TICKET_LINE_MAX];
	size_t l = chars(left), r = chars(right);
	if (r > t->columns) {
		wrap(t, left);
		wrap(t, right);
		return;
	}
	if (l + 1 + r > t->columns) {
		wrap(t, left);
		left = "";
		l = 0;
	}
	snprintf(line, sizeof line, "%s%*s%s", left, (int)(t->columns - l - r), "", right);
	emit(t, 0, line);
}

static void rule(struct ticket *t)
{
	char line[TICKET_LINE_MAX];
	size_t n = t->columns < sizeof line ? t->columns : sizeof line - 1;
	memset(line, '-', n);
	line[n] = '\0';
	emit(t, 0, line);
}

static const char *unit_name(int unit)
{
	switch (unit) {
	case UNIT_KG:
		return "кг";
	case UNIT_LITRE:
		return "л";
	case UNIT_METRE:
		return "м";
	default:
		return "дана/шт";
	}
}

static const char *pay_name(int type)
{
	switch (type) {
	case PAY_CASH:
		return "Қолма-қол/Наличные";
	case PAY_CARD:
		return "Картамен/Картой";
	default:
		return "Мобильді/Мобильный";
	}
}

/* Tiyn as people read them on a receipt: "1 099,80". */
static const char *amount(char buf[48], int64_t tiyn)
{
	money_format_plain(buf, 48, tiyn);
	return buf;
}

static void ticket_line(struct ticket *t, size_t i, const struct receipt_line *l)
{
	char text[TICKET_LINE_MAX], qty[DEC_TEXT_MAX], a[48], b[64];
	int64_t gross = l->cost + l->discount - l->markup;

	snprintf(text, sizeof text, "%zu. %s", i + 1, l->name);
	wrap(t, text);
	dec_format(qty, sizeof qty, l->count, 3);
	char *dot = strchr(qty, '.');
	if (dot)
		*dot = ',';
	snprintf(text, sizeof text, "   %s %s x %s", qty, unit_name(l->unit), amount(a, l->price));
	pair(t, text, amount(b, gross));
	if (l->discount) {
		snprintf(b, sizeof b, "-%s", amount(a, l->discount));
		pair(t, "   Жеңілдік/Скидка", b);
	}
	if (l->markup) {
		snprintf(b, sizeof b, "+%s", amount(a, l->markup));
		pair(t, "   Үстеме/Наценка", b);
	}
	if (l->discount || l->markup)
		pair(t, "   Құны/Стоимость", amount(a, l->cost));
}

/* VAT per rate, in ascending rate order, of the lines with VAT. */
static void ticket_vat(struct ticket *t, const struct receipt *r)
{
	char label[64], a[48];
	int last = 0;
	for (;;) {
		int rate = 0;
		int64_t vat = 0;
		for (size_t i = 0; i < r->nlines; i++)
			if (r->lines[i].rate > last && (!rate || r->lines[i].rate < rate))
				rate = r->lines[i].rate;
		if (!rate)
			break;
		for (size_t i = 0; i < r->nlines; i++)
			if (r->lines[i].rate == rate)
				vat += r->lines[i].tax;
		snprintf(label, sizeof label, "ҚҚС/НДС %d%%", rate);
		pair(t, label, amount(a, vat));
		last = rate;
	}
}

cJSON *ticket_lines(const struct receipt *r, const struct cashbox *cb, int columns)
{
	char text[TICKET_LINE_MAX], a[48], url[RECEIPT_URL_SIZE], when[WK_TIME_LEN];
	struct ticket t = {.lines = cJSON_CreateArray(), .columns = (size_t)columns};
	if (!t.lines)
		return NULL;

	center(&t, cb->org_name);
	snprintf(text, sizeof text, "ЖСН/БСН ИИН/БИН %s", cb->org_in);
	center(&t, text);
	snprintf(text, sizeof text, "№%u", r->shift);
	pair(&t, "Ауысым/Смена", text);
	snprintf(text, sizeof text, "№%u", r->order);
	pair(&t, "Чек нөмірі/Номер чека", text);
	pair(&t, "Кассир/Кассир", cb->employee);
	center(&t, r->op == CHECK_RETURN ? "САТУДЫ ҚАЙТАРУ/ВОЗВРАТ ПРОДАЖИ" : "САТУ/ПРОДАЖА");
	if (r->offline)
		center(&t, "АВТОНОМДЫ РЕЖИМ/АВТОНОМНЫЙ РЕЖИМ");
	rule(&t);
	for (size_t i = 0; i < r->nlines; i++)
		ticket_line(&t, i, &r->lines[i]);
	rule(&t);
	bool cash = false;
	for (size_t i = 0; i < r->npay; i++) {
		pair(&t, pay_name(r->pay[i].type), amount(a, r->pay[i].sum));
		cash = cash || r->pay[i].type == PAY_CASH;
	}
	if (cash || r->change)
		pair(&t, "Қайтарым/Сдача", amount(a, r->change));
	pair(&t, "БАРЛЫҒЫ/ИТОГО", amount(a, r->total));
	ticket_vat(&t, r);
	rule(&t);
	pair(&t, "ФБ/ФП", r->number);
	wk_time(r->at_ms, when);
	pair(&t, "Уақыты/Время", when);
	wrap(&t, cb->address_kz);
	wrap(&t, cb->address);
	snprintf(text, sizeof text, "ФДО/ОФД %s", cb->ofd_name);
	wrap(&t, text);
	snprintf(text, sizeof text, "Чекті тексеру/Проверка чека: %s", cb->ofd_host);
	wrap(&t, text);
	center(&t, "ФИСКАЛДЫҚ ЧЕК/ФИСКАЛЬНЫЙ ЧЕК");
	receipt_ticket_url(r, cb, url, sizeof url);
	emit(&t, 2, url);
	pair(&t, "ИНК", cb->in);
	pair(&t, "РНМ", cb->rn);
	pair(&t, "ЗНМ", cb->znk);
	return t.lines;
}
