/* Case files: load either encoding, save atomically (temp file + rename), so
 * no tool built on this ever leaves a half-written output. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "case.h"

#define MAX_INPUT (1u << 20)

int case_read_file(const char *path, uint8_t **data, size_t *size, char *err, size_t err_len)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 4096, len = 0;
	uint8_t *buf;

	if (!f) {
		snprintf(err, err_len, "%s: %s", path, strerror(errno));
		return CASE_IO_ERROR;
	}
	buf = malloc(cap);
	while (buf) {
		len += fread(buf + len, 1, cap - len, f);
		if (len < cap)
			break;
		if (cap >= MAX_INPUT) {
			snprintf(err, err_len, "%s: larger than %u bytes", path, MAX_INPUT);
			free(buf);
			fclose(f);
			return CASE_MALFORMED;
		}
		uint8_t *bigger = realloc(buf, cap * 2);
		if (!bigger)
			free(buf);
		buf = bigger;
		cap *= 2;
	}
	if (!buf || ferror(f)) {
		snprintf(err, err_len, "%s: read failed", path);
		free(buf);
		fclose(f);
		return CASE_IO_ERROR;
	}
	fclose(f);
	*data = buf;
	*size = len;
	return 0;
}

/* Text unless it starts with the binary magic or holds non-text bytes. */
static bool looks_like_text(const uint8_t *data, size_t size)
{
	if (size && data[0] == CASE_BIN_MAGIC)
		return false;
	for (size_t i = 0; i < size; i++)
		if (data[i] == 0 ||
		    (data[i] < 0x20 && data[i] != '\n' && data[i] != '\t' && data[i] != '\r'))
			return false;
	return size > 0;
}

int case_load(const char *path, struct pgd_case *out, bool *was_text, char *err, size_t err_len)
{
	uint8_t *data;
	size_t size;
	int rc = case_read_file(path, &data, &size, err, err_len);
	if (rc)
		return rc;
	bool text = looks_like_text(data, size);
	if (was_text)
		*was_text = text;
	if (text)
		rc = case_parse_text((const char *)data, size, path, out, err, err_len)
			 ? CASE_MALFORMED
			 : 0;
	else
		case_decode(data, size, out);
	free(data);
	return rc;
}

static FILE *open_temp(const char *path, char *temp, size_t temp_len, char *err, size_t err_len)
{
	snprintf(temp, temp_len, "%s.tmp.%ld", path, (long)getpid());
	FILE *f = fopen(temp, "wb");
	if (!f)
		snprintf(err, err_len, "%s: %s", temp, strerror(errno));
	return f;
}

static int commit(FILE *f, const char *temp, const char *path, char *err, size_t err_len)
{
	bool failed = ferror(f) != 0;
	failed |= fclose(f) != 0;
	if (!failed && rename(temp, path) == 0)
		return 0;
	snprintf(err, err_len, "%s: write failed", path);
	remove(temp);
	return CASE_IO_ERROR;
}

int case_save_binary(const char *path, const struct pgd_case *c, char *err, size_t err_len)
{
	static uint8_t buf[CASE_ENCODED_MAX];
	char temp[4096];
	size_t size = case_encode(c, buf, sizeof(buf));
	if (size > sizeof(buf)) {
		snprintf(err, err_len, "%s: encoding too large", path);
		return CASE_IO_ERROR;
	}
	FILE *f = open_temp(path, temp, sizeof(temp), err, err_len);
	if (!f)
		return CASE_IO_ERROR;
	fwrite(buf, 1, size, f);
	return commit(f, temp, path, err, err_len);
}

int case_save_text(const char *path, const struct pgd_case *c, char *err, size_t err_len)
{
	char temp[4096];
	if (!path) {
		case_print_text(stdout, c);
		if (fflush(stdout)) {
			snprintf(err, err_len, "stdout: write failed");
			return CASE_IO_ERROR;
		}
		return 0;
	}
	FILE *f = open_temp(path, temp, sizeof(temp), err, err_len);
	if (!f)
		return CASE_IO_ERROR;
	case_print_text(f, c);
	return commit(f, temp, path, err, err_len);
}
