/* notefile.h - a note file's bytes as the UTF-8 text that is indexed and
 * shown.
 *
 * A note is UTF-8 text, or UTF-16 (little or big endian) with a byte-order
 * mark, which is decoded here; a UTF-8 byte-order mark is dropped. Every
 * offset the index stores (a passage's byte range, the bytes its hash
 * covers, hence lines and columns) is an offset into this text, not into
 * the file: the indexer and the searcher both read notes through this
 * module, so that they agree. A file without a mark is its own text, byte
 * for byte, and a window of it is read at the same offsets; a file with one
 * is read whole and decoded. Invalid UTF-16 (a lone surrogate, an odd last
 * byte) becomes U+FFFD; invalid UTF-8 is left as it is (the tokenizer deals
 * with it).
 */
#ifndef LECTERN_NOTEFILE_H
#define LECTERN_NOTEFILE_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

enum notefile_enc {
	NOTEFILE_UTF8 = 0, /* no byte-order mark: the bytes are the text */
	NOTEFILE_UTF8_BOM, /* EF BB BF, dropped */
	NOTEFILE_UTF16LE,  /* FF FE, decoded */
	NOTEFILE_UTF16BE,  /* FE FF, decoded */
};

/* The bytes a byte-order-mark check needs from the start of a file. */
#define NOTEFILE_SNIFF_BYTES 4

/* The encoding of a file whose first bytes are head[0 .. len) (all of it
 * when it is shorter than NOTEFILE_SNIFF_BYTES). FF FE 00 00 is UTF-32LE's
 * mark, not UTF-16's: NOTEFILE_UTF8 (its NULs make it binary). */
enum notefile_enc notefile_sniff(const char *head, size_t len);

/* The text of raw[0 .. len), a whole file in encoding enc (mark included),
 * in a new NUL-terminated buffer: *out malloc'd, caller frees; *outlen its
 * length. LEC_ENOMEM. */
lec_status notefile_decode(const char *raw, size_t len, enum notefile_enc enc, char **out,
			   size_t *outlen);

/* The text of the note at path (a regular file of at most `max` bytes):
 * *out malloc'd (NUL-terminated), caller frees; *enc (may be NULL) gets the
 * file's encoding. Statuses as paths_read_file (paths.h). */
lec_status notefile_read(const char *path, size_t max, char **out, size_t *len,
			 enum notefile_enc *enc);

/* Text bytes [lo, hi) of the note at path, at their offsets, as
 * paths_read_window gives a file's: (*out)[lo .. *len) hold them and
 * (*out)[0 .. lo) must not be read, *size is the length of the whole text.
 * A file with a byte-order mark is read whole and decoded: then *whole is 1
 * and (*out)[0 .. *len) is all of the text (*len == *size); else *whole is
 * 1 only when the window covers the file. *out malloc'd, caller frees. */
lec_status notefile_read_window(const char *path, size_t max, size_t lo, size_t hi, char **out,
				size_t *len, uint64_t *size, int *whole);

#endif
