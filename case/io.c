/* Case files: load either encoding, and write outputs so that no tool built
 * on this ever leaves a half-written file: a regular file (or a new path) is
 * replaced atomically (temp file + rename), anything else (a device, a FIFO)
 * is written through, and a directory is refused. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "case.h"

int case_read_file(const char *path, uint8_t **data, size_t *size, char *err, size_t err_len)
{
	struct stat st;
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, err_len, "%s: %s", path, strerror(errno));
		return CASE_IO_ERROR;
	}
	if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		snprintf(err, err_len, "%s: is a directory, not a case file", path);
		fclose(f);
		return CASE_IO_ERROR;
	}
	/* One byte more than the limit tells "exactly 1 MiB" from "larger". */
	size_t cap = 4096, len = 0;
	uint8_t *buf = malloc(cap);
	while (buf) {
		len += fread(buf + len, 1, cap - len, f);
		if (len < cap)
			break;
		if (len > CASE_MAX_FILE) {
			snprintf(err, err_len, "%s: larger than %u bytes (1 MiB)", path,
				 CASE_MAX_FILE);
			free(buf);
			fclose(f);
			return CASE_MALFORMED;
		}
		size_t bigger_cap = cap * 2 > CASE_MAX_FILE ? CASE_MAX_FILE + 1 : cap * 2;
		uint8_t *bigger = realloc(buf, bigger_cap);
		if (!bigger)
			free(buf);
		buf = bigger;
		cap = bigger_cap;
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

int case_load(const char *path, struct pgd_case *out, bool *was_text, char *err, size_t err_len)
{
	uint8_t *data;
	size_t size;
	int rc = case_read_file(path, &data, &size, err, err_len);
	if (rc)
		return rc;
	/* Only the magic makes an input binary: a text case with a stray byte
	 * is a malformed text case (file:line), never a random binary one. */
	bool text = !(size && data[0] == CASE_BIN_MAGIC);
	if (was_text)
		*was_text = text;
	if (!size) {
		snprintf(err, err_len,
			 "%s: empty file (a text case has at least a 'harness' line; a binary "
			 "case starts with the byte 0x%02x)",
			 path, CASE_BIN_MAGIC);
		rc = CASE_MALFORMED;
	} else if (text) {
		rc = case_parse_text((const char *)data, size, path, out, err, err_len)
			 ? CASE_MALFORMED
			 : 0;
	} else {
		case_decode(data, size, out);
	}
	free(data);
	return rc;
}

int case_load_fuzzer_input(const char *path, enum case_harness harness, struct pgd_case *out,
			   char *err, size_t err_len)
{
	uint8_t *data;
	size_t size;
	int rc = case_read_file(path, &data, &size, err, err_len);
	if (rc)
		return rc;
	/* Exactly what the harness binaries do with an input. */
	case_decode(data, size, out);
	out->harness = harness;
	free(data);
	return 0;
}

/* Write data to path itself (a device, a FIFO, a dangling symlink). */
static int write_through(const char *path, const void *data, size_t len, char *err, size_t err_len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		snprintf(err, err_len, "%s: %s", path, strerror(errno));
		return CASE_IO_ERROR;
	}
	const uint8_t *p = data;
	size_t left = len;
	while (left) {
		ssize_t n = write(fd, p, left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			snprintf(err, err_len, "%s: write failed: %s", path,
				 n < 0 ? strerror(errno) : "no progress");
			close(fd);
			return CASE_IO_ERROR;
		}
		p += n;
		left -= (size_t)n;
	}
	if (close(fd)) {
		snprintf(err, err_len, "%s: write failed: %s", path, strerror(errno));
		return CASE_IO_ERROR;
	}
	return 0;
}

/* Replace the regular file (or new path) at path by a temp file beside it. */
static int replace_atomically(const char *path, const void *data, size_t len, mode_t mode,
			      char *err, size_t err_len)
{
	char temp[PATH_MAX + 32];
	snprintf(temp, sizeof(temp), "%s.tmp.%ld", path, (long)getpid());
	int fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0) {
		snprintf(err, err_len, "%s: %s", path, strerror(errno));
		return CASE_IO_ERROR;
	}
	const uint8_t *p = data;
	size_t left = len;
	int saved = 0;
	while (left && !saved) {
		ssize_t n = write(fd, p, left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			saved = n < 0 ? errno : EIO;
		else {
			p += n;
			left -= (size_t)n;
		}
	}
	if (close(fd) && !saved)
		saved = errno;
	if (!saved && rename(temp, path))
		saved = errno;
	if (saved) {
		unlink(temp);
		snprintf(err, err_len, "%s: write failed: %s", path, strerror(saved));
		return CASE_IO_ERROR;
	}
	return 0;
}

int case_write_file(const char *path, const void *data, size_t len, char *err, size_t err_len)
{
	struct stat st;
	char real[PATH_MAX];
	const char *target = path;
	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
		/* A symlink stays a symlink: its target is what gets written. */
		if (!realpath(path, real))
			return write_through(path, data, len, err, err_len); /* dangling */
		target = real;
	}
	if (stat(target, &st) != 0) {
		if (errno != ENOENT) {
			snprintf(err, err_len, "%s: %s", path, strerror(errno));
			return CASE_IO_ERROR;
		}
		return replace_atomically(target, data, len, 0644, err, err_len);
	}
	if (S_ISDIR(st.st_mode)) {
		snprintf(err, err_len, "%s: is a directory", path);
		return CASE_IO_ERROR;
	}
	if (S_ISREG(st.st_mode))
		return replace_atomically(target, data, len, st.st_mode & 07777, err, err_len);
	return write_through(target, data, len, err, err_len);
}

int case_save_binary(const char *path, const struct pgd_case *c, char *err, size_t err_len)
{
	static uint8_t buf[CASE_ENCODED_MAX];
	size_t size = case_encode(c, buf, sizeof(buf));
	if (size > sizeof(buf)) {
		snprintf(err, err_len, "%s: encoding too large", path);
		return CASE_IO_ERROR;
	}
	return case_write_file(path, buf, size, err, err_len);
}

int case_save_text(const char *path, const struct pgd_case *c, char *err, size_t err_len)
{
	if (!path) {
		case_print_text(stdout, c);
		if (fflush(stdout) || ferror(stdout)) {
			snprintf(err, err_len, "stdout: write failed");
			return CASE_IO_ERROR;
		}
		return 0;
	}
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f) {
		snprintf(err, err_len, "%s: out of memory", path);
		return CASE_IO_ERROR;
	}
	case_print_text(f, c);
	if (fclose(f)) {
		free(text);
		snprintf(err, err_len, "%s: out of memory", path);
		return CASE_IO_ERROR;
	}
	int rc = case_write_file(path, text, len, err, err_len);
	free(text);
	return rc;
}
