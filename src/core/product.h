/* product.h — one catalog product as the basket and the catalog see it.
 * Pure data; the store fills it, the basket copies what it needs. */
#ifndef KP_CORE_PRODUCT_H
#define KP_CORE_PRODUCT_H

#include <stdint.h>

#define KP_SKU_SIZE 33       /* up to 32 ASCII characters */
#define KP_BARCODE_SIZE 15   /* EAN-13 (13 digits) or EAN-8, NUL */
#define KP_NAME_SIZE 256     /* up to 128 characters of UTF-8 (the contract's limit) */

struct kp_product {
	int64_t id;                    /* catalog row id, 0 when not from the catalog */
	char sku[KP_SKU_SIZE];         /* the shop's own article code */
	char barcode[KP_BARCODE_SIZE]; /* "" when the product has none */
	char name_ru[KP_NAME_SIZE];    /* Russian name (always present) */
	char name_kk[KP_NAME_SIZE];    /* Kazakh name, "" when the catalog has none */
	char unit[16];                 /* "шт", "кг", ... for display */
	int64_t price;                 /* tiyn, VAT included; by measure the price of one unit */
	int tax_rate;                  /* VAT percent, 0–100 */
	int32_t plu;                   /* the code its scale labels carry (core/scale.h),
	                                  1–999999; 0: none */
};

#endif
