/* fuzz_parse: the text parser of case/. Any byte string either parses to a
 * case or is refused with "input:LINE: message" and an all-zero case; a case
 * it accepts is in the binary form's bounds and survives both round trips
 * (text -> case -> text, and text -> binary -> case) unchanged, as text and
 * as the struct itself. A broken
 * promise is a finding, reported like the oracle's (one line, then abort), so
 * engines record it and triage groups it. */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case.h"

#define FILENAME "input"

static char *print_case(const struct pgd_case *c, size_t *len)
{
	char *text = NULL;
	FILE *f = open_memstream(&text, len);
	if (!f)
		abort(); /* out of host memory: nothing to judge */
	case_print_text(f, c);
	fclose(f);
	return text;
}

static void finding(const char *kind, const char *detail, const uint8_t *data, size_t size)
{
	fprintf(stderr,
		"pgdfuzz: FINDING parse:%s\n--- detail ---\n%s\n--- input (%zu bytes) ---\n", kind,
		detail, size);
	fwrite(data, 1, size, stderr);
	fputc('\n', stderr);
	abort();
}

/* "input:N: message" with N decimal and a non-empty message. */
static int well_formed_error(const char *err)
{
	size_t prefix = strlen(FILENAME ":");
	if (strncmp(err, FILENAME ":", prefix))
		return 0;
	const char *p = err + prefix;
	if (!isdigit((unsigned char)*p))
		return 0;
	while (isdigit((unsigned char)*p))
		p++;
	return p[0] == ':' && p[1] == ' ' && p[2] != '\0';
}

static int all_zero(const void *mem, size_t len)
{
	const unsigned char *b = mem;
	for (size_t i = 0; i < len; i++)
		if (b[i])
			return 0;
	return 1;
}

/* Both parsers and the decoder clear the whole struct first, so equal cases
 * are equal bytes; comparing the structs as well as the texts catches a
 * printer that drops a field both sides then agree on. */
static void check_round_trip(const char *form, const char *text1, size_t len1, const char *text2,
			     size_t len2, const struct pgd_case *a, const struct pgd_case *b,
			     const uint8_t *data, size_t size)
{
	char kind[64], detail[1024];
	bool same_text = len1 == len2 && !memcmp(text1, text2, len1);

	if (same_text && !memcmp(a, b, sizeof(*a)))
		return;
	snprintf(kind, sizeof(kind), "%s-round-trip", form);
	if (same_text)
		snprintf(detail, sizeof(detail),
			 "%s round trip changes the case although both print the same (the "
			 "printer drops a field):\n%s",
			 form, text1);
	else
		snprintf(detail, sizeof(detail), "%s round trip differs:\n%s--- after ---\n%s",
			 form, text1, text2);
	finding(kind, detail, data, size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct pgd_case parsed, reparsed, decoded;
	static uint8_t encoded[CASE_ENCODED_MAX];
	char err[512], detail[1024];

	memset(&parsed, 0xa5, sizeof(parsed)); /* the parser must clear it on refusal */
	if (case_parse_text((const char *)data, size, FILENAME, &parsed, err, sizeof(err))) {
		if (!well_formed_error(err)) {
			snprintf(detail, sizeof(detail),
				 "refusal without 'input:LINE: message': '%s'", err);
			finding("bad-error", detail, data, size);
		}
		if (!all_zero(&parsed, sizeof(parsed)))
			finding("refusal-not-zeroed", err, data, size);
		return 0;
	}
	if (!case_in_bounds(&parsed))
		finding("out-of-bounds", "an accepted case is outside the binary form's bounds",
			data, size);

	size_t len1, len2, len3;
	char *text1 = print_case(&parsed, &len1);
	if (case_parse_text(text1, len1, FILENAME, &reparsed, err, sizeof(err))) {
		snprintf(detail, sizeof(detail), "its canonical text is refused: %s\n%s", err,
			 text1);
		finding("reprint-refused", detail, data, size);
	}
	char *text2 = print_case(&reparsed, &len2);
	check_round_trip("text", text1, len1, text2, len2, &parsed, &reparsed, data, size);

	size_t n = case_encode(&parsed, encoded, sizeof(encoded));
	if (n == 0 || n > sizeof(encoded))
		finding("encode-size", "case_encode gave no or too many bytes", data, size);
	case_decode(encoded, n, &decoded);
	char *text3 = print_case(&decoded, &len3);
	check_round_trip("binary", text1, len1, text3, len3, &parsed, &decoded, data, size);
	free(text1);
	free(text2);
	free(text3);
	return 0;
}
