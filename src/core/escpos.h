/* escpos.h — UTF-8 receipt text to the bytes an ESC/POS printer takes,
 * and back. Pure C, no I/O: src/app/print.c sends what this builds.
 *
 * A job is: ESC @ (initialise), ESC t n (select the character code table),
 * the text in the printer's code page with LF line ends, ESC d n (feed n
 * lines), then a cut. Two code pages:
 *
 *   CP866   (IBM/DOS Cyrillic): ASCII, А–я, Ё ё, Є є Ї ї Ў ў, ° · № and
 *           the box-drawing block. No Kazakh letters: they are spelt with
 *           the nearest Russian letter (see "Transliteration" below).
 *   KZ-1048 (STRK 1048-2002, the Kazakh Windows page; glibc's RK1048): 1251
 *           with Ә ә Ғ ғ Қ қ Ң ң Ө ө Ұ ұ Ү ү Һ һ І і in place of some
 *           Serbian/Macedonian letters, so all of Kazakh prints as written.
 *
 * ESC t table numbers are not standard across vendors. The defaults are
 * Epson's (ESC/POS Command Reference, "ESC t" and the Character Code
 * Tables pages): page 17 = PC866 "Cyrillic #2", page 53 = KZ-1048
 * "Kazakhstan" (Epson also lists 46 = WPC1251). Many Epson-compatible
 * printers copy page 17; others differ (Rongta/Xprinter families have used
 * 6 or 7 for 866 or 1251; some Kazakh-market firmware puts KZ-1048 at 6).
 * Hence the table is a field of struct escpos_job: check the printer's
 * self-test page, which lists its tables, and set the number it shows.
 *
 * Transliteration (CP866 only — KZ-1048 has every Kazakh letter):
 *   Ә ә → А а   Ғ ғ → Г г   Қ қ → К к   Ң ң → Н н   Ө ө → О о
 *   Ұ ұ → У у   Ү ү → У у   Һ һ → Х х   І і → И и
 * The usual spelling of Kazakh on a Russian keyboard: a reader still
 * recognises the word, and the line keeps its width (one letter for one).
 * Latin I/i would look closer to І/і, but mixing scripts inside a word
 * is worse on a receipt that may be copied or read aloud.
 *
 * Other fallbacks, on both pages, for characters the page lacks:
 *   ₸ → "тг" (neither page has the tenge sign; KZ-1048 predates it);
 *   narrow/thin/figure spaces (U+202F, U+2009, U+2007; money_format puts
 *   U+202F between thousands) → ' '; minus and dashes (U+2212, U+2010,
 *   U+2011, U+2013, U+2014) → '-'; « » „ “ ” → '"'; ‘ ’ ‚ → '\'';
 *   … → "..."; • → '*'; × → 'x'; ─ → '-', │ → '|', ═ → '=' (KZ-1048).
 * Anything else not on the page → '?', one per character. Invalid UTF-8
 * → '?' per bad byte. Control characters other than LF and TAB (ESC, GS,
 * DLE, ... and C1 controls) → '?', so that no text can smuggle a printer
 * command (a cut, a drawer kick) into a job. CR is dropped: CR LF → LF.
 *
 * Codes: a line that is exactly ESCPOS_CODE_MARK and 1 … ESCPOS_CODE_MAX
 * of [0-9A-Za-z-] (then LF, or the end of the text) prints as a QR code of
 * those characters, centred: a slip's order id, for the till's scanner to
 * read back (the journal finds the order). A line that is exactly
 * ESCPOS_URL_MARK and 1 … ESCPOS_URL_MAX printable ASCII characters
 * without a space (0x21–0x7E) prints as a QR code of them too: the
 * TicketUrl of a fiscal receipt (app/receipt.c), which opens the receipt
 * on the fiscal data operator's site. A 2D scanner or a phone reads a
 * code as its characters exactly (8-bit mode).
 *
 * How a code is drawn is the job's (struct escpos_job, from [printer] qr,
 * qr_size, qr_level):
 *   native  the printer draws it: GS ( k, model 2, the job's module size
 *           (1–16 dots) and error correction level (L, M, Q, H), the
 *           data stored and printed, centred with ESC a 1. The default:
 *           6-dot modules, level M, about 2 cm at 203 dpi for an order id
 *           (it fits 58 mm paper).
 *   raster  for printers without GS ( k: libqrencode makes the symbol
 *           (the job's level, 8-bit mode, the smallest version that holds
 *           the data) and it goes as a raster bit image, GS v 0, each
 *           module qr_size dots square with a 4-module quiet zone, the
 *           image as wide as the paper (job.dots) with the symbol centred
 *           in it. When the symbol would be wider than the paper the
 *           module shrinks until it fits; when libqrencode cannot make one
 *           (out of memory) the characters print as a text line instead.
 *
 * The marks are U+E000 and U+E001, private-use characters no page has, so
 * they never come from a product's name or a typed reason, and every
 * module that puts outside text on paper passes it through escpos_unmark
 * (slips, reports, receipts) so that only the module that writes a code
 * line makes one; anywhere else a mark is a character like any other the
 * page lacks ('?'), and a line with anything else is text. escpos_code_text
 * gives the text with each code as its characters (for a printer command,
 * which gets UTF-8). */
#ifndef KP_CORE_ESCPOS_H
#define KP_CORE_ESCPOS_H

#include <stddef.h>

enum escpos_codepage {
	ESCPOS_CP866,
	ESCPOS_KZ1048,
};

/* Epson's ESC t numbers (see the header comment). */
#define ESCPOS_TABLE_EPSON_PC866  17
#define ESCPOS_TABLE_EPSON_KZ1048 53

#define ESCPOS_FEED_DEFAULT 4   /* lines fed before the cut: clears the tear bar */

enum escpos_cut {
	ESCPOS_CUT_NONE,        /* no cut command (printers without a cutter) */
	ESCPOS_CUT_FEED_PARTIAL,/* GS V 66 0: feed to the cutter, partial cut (function B) */
	ESCPOS_CUT_PARTIAL,     /* GS V 1: partial cut where the paper is (function A) */
};

/* How a code line is drawn (see "Codes" above). */
enum escpos_qr {
	ESCPOS_QR_NATIVE,       /* GS ( k: the printer draws it */
	ESCPOS_QR_RASTER,       /* GS v 0: a bit image drawn with libqrencode */
};

/* QR error correction: about 7, 15, 25, 30 % of the symbol restorable. */
enum escpos_qr_level {
	ESCPOS_QR_LEVEL_L,
	ESCPOS_QR_LEVEL_M,
	ESCPOS_QR_LEVEL_Q,
	ESCPOS_QR_LEVEL_H,
};

#define ESCPOS_QR_SIZE_DEFAULT 6   /* dots per module side */
#define ESCPOS_QR_SIZE_MAX 16      /* GS ( k function 167 takes 1–16 */
#define ESCPOS_DOTS_DEFAULT 384    /* a 58 mm head at 203 dpi: 32 columns of 12 dots */
#define ESCPOS_DOTS_MAX 576        /* an 80 mm head: 48 columns of 12 dots */

/* What to wrap around the text. escpos_job_default() fills it. */
struct escpos_job {
	enum escpos_codepage codepage;
	unsigned char table;     /* n of ESC t n: the printer's number for codepage */
	unsigned char feed;      /* n of ESC d n before the cut; 0 = no ESC d */
	enum escpos_cut cut;
	enum escpos_qr qr;       /* how code lines are drawn */
	unsigned char qr_size;   /* dots per module, 1–16 (0 or more: the nearest) */
	enum escpos_qr_level qr_level;
	unsigned short dots;     /* printable width in dots, for a raster code's
	                            centring: 8 … ESCPOS_DOTS_MAX (clamped) */
};

/* The job for a code page: Epson's table number for it, ESCPOS_FEED_DEFAULT
 * lines, ESCPOS_CUT_FEED_PARTIAL, native codes of ESCPOS_QR_SIZE_DEFAULT
 * dots at level M, ESCPOS_DOTS_DEFAULT dots of paper. */
struct escpos_job escpos_job_default(enum escpos_codepage codepage);

/* Encodes len bytes of UTF-8 text (need not be NUL-terminated; a NUL byte
 * is a control character → '?') as a whole job. Writes at most size bytes
 * to out (out may be NULL when size is 0) and returns the length of the
 * whole job, like snprintf: call once with size 0 to learn it. The job
 * is never longer than len + ESCPOS_OVERHEAD. Cannot fail. */
size_t escpos_encode(const struct escpos_job *job, const char *text, size_t len,
                     unsigned char *out, size_t size);

/* Encodes len bytes of UTF-8 text as the page's characters alone: no
 * command, no code lines, LF and TAB as spaces, the same fallbacks and
 * '?' as escpos_encode (a customer display's line: core/vfd.h). snprintf
 * semantics; never longer than len. */
size_t escpos_encode_chars(enum escpos_codepage codepage, const char *text, size_t len,
                           unsigned char *out, size_t size);

/* Bytes the job adds around the text, at most: ESC @, ESC t n, ESC d n,
 * GS V m n. No character's replacement is longer than its UTF-8 form. A
 * code line adds ESCPOS_CODE_OVERHEAD more when native, and at most
 * ESCPOS_RASTER_OVERHEAD when raster (the picture). */
#define ESCPOS_OVERHEAD 12
#define ESCPOS_CODE_OVERHEAD 48
#define ESCPOS_RASTER_OVERHEAD (16 + (ESCPOS_DOTS_MAX / 8) * ESCPOS_DOTS_MAX)

#define ESCPOS_CODE_MARK "\xee\x80\x80" /* U+E000: see "Codes" above */
#define ESCPOS_CODE_MAX 64              /* characters of one code */
#define ESCPOS_URL_MARK "\xee\x80\x81"  /* U+E001: a URL code (a receipt's TicketUrl) */
#define ESCPOS_URL_MAX 511              /* characters of one URL code */

/* Copies NUL-terminated src to dst[size] with each mark (U+E000, U+E001)
 * turned into '?', so that outside text can never make a code line; cut
 * at a character boundary when it does not fit. Returns the bytes
 * written without the NUL. For every text that goes on paper from a
 * catalog, a server, a cashier's hands. */
size_t escpos_unmark(char *dst, size_t size, const char *src);

/* The text with each code line as its characters alone (the mark left
 * out): what a printer that takes text shows. snprintf semantics. */
size_t escpos_code_text(const char *text, size_t len, char *out, size_t size);

/* Decodes printer bytes back to UTF-8 text: what the paper would show.
 * Skips ESC @, ESC t n, ESC d n, GS V m [n], GS v 0 (a raster picture),
 * GS ( k except that the data a QR stores (function 180) shows as its
 * characters, as escpos_render shows a code line, and other ESC/GS
 * commands as their usual length (ESC x n, GS x n); keeps LF and TAB;
 * drops other control bytes; a byte the page leaves undefined becomes
 * U+FFFD.
 * Writes at most size bytes including a NUL (when size > 0) and returns
 * the length of the whole text without the NUL, like snprintf. */
size_t escpos_decode(enum escpos_codepage codepage, const unsigned char *bytes, size_t len,
                     char *out, size_t size);

/* The text as the page prints it, in UTF-8: escpos_decode(escpos_encode(
 * text)) without the commands, and without a buffer for the job, except
 * that a code line shows as its characters (where the paper has its QR).
 * Kazakh letters come out in Russian on CP866, ₸ as "тг", and so on. Same
 * snprintf semantics as escpos_decode. */
size_t escpos_render(enum escpos_codepage codepage, const char *text, size_t len,
                     char *out, size_t size);

/* The code point a byte stands for on a page: ASCII as itself, 0x80–0xFF
 * from the page's table, 0 where the page defines nothing (KZ-1048 0x98).
 * For tests and for showing what a printer will do. */
unsigned escpos_byte_to_unicode(enum escpos_codepage codepage, unsigned char byte);

/* "CP866" or "KZ-1048". */
const char *escpos_codepage_name(enum escpos_codepage codepage);

#endif
